// `npm run bench`: every benchmark, one after the other (not part of npm test).
//   -- --quick   the query benchmark alone, shortened (under two minutes), no scale step
//   -- --scale   the dashboards alone, at 5,000 and at 50,000 cases (add --quick to shorten)
//   -- --soak    the soak alone (10 minutes; --minutes=N for another length)
// Results are written under test/bench/results/; commit one only to record a run on purpose.
const { execFileSync } = require("node:child_process");
const path = require("node:path");

const args = process.argv.slice(2);
let benches = ["query.js", "outbox-writes.js", "fanout.js", "document-verify.js"];
if (args.includes("--quick") || args.includes("--scale")) benches = ["query.js"];
if (args.includes("--soak")) benches = ["soak.js"];
for (const bench of benches) {
  process.stdout.write(`\n== ${bench}\n`);
  execFileSync(process.execPath, ["--expose-gc", "--max-semi-space-size=64", path.join(__dirname, bench), ...args], { stdio: "inherit" });
}
