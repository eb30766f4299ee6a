const base = require("../../jest.config.js");

/** `npm run screenshots`: the screenshot run alone. Its file is no *.test.ts, so `npm test` never runs it. */
module.exports = {
  ...base,
  rootDir: "../..",
  testMatch: ["<rootDir>/test/screenshots/take-screenshots.ts"],
  testPathIgnorePatterns: [],
  maxWorkers: 1,
  testTimeout: 120000,
};
