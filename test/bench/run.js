// `npm run bench` (-- --quick): every benchmark, one after the other (not part of npm test).
const { execFileSync } = require("node:child_process");
const path = require("node:path");

const args = process.argv.slice(2);
const benches = args.includes("--quick") ? ["query.js"] : ["query.js", "outbox-writes.js", "fanout.js", "document-verify.js"];
for (const bench of benches) {
  process.stdout.write(`\n== ${bench}\n`);
  execFileSync(process.execPath, ["--expose-gc", "--max-semi-space-size=64", path.join(__dirname, bench), ...args], { stdio: "inherit" });
}
