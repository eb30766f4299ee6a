// `npm run bench`: every benchmark, one after the other (not part of npm test).
const { execFileSync } = require("node:child_process");
const path = require("node:path");

for (const bench of ["outbox-writes.js", "fanout.js", "document-verify.js"]) {
  process.stdout.write(`\n== ${bench}\n`);
  execFileSync(process.execPath, ["--expose-gc", "--max-semi-space-size=64", path.join(__dirname, bench)], { stdio: "inherit" });
}
