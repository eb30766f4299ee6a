// `npm run bench`: every benchmark, one after the other (not part of npm test).
//   -- --quick   the query benchmark alone, shortened (under two minutes), no scale step
//   -- --soak    the soak alone (10 minutes; --minutes=N for another length)
// Results are written under test/bench/results/; commit one only to record a run on purpose.
const { execFileSync } = require("node:child_process");
const path = require("node:path");

const args = process.argv.slice(2);
let benches = ["query.js", "outbox-writes.js", "fanout.js", "document-verify.js"];
if (args.includes("--quick")) benches = ["query.js"];
if (args.includes("--soak")) benches = ["soak.js"];
// Contenders are silent about their mode: PostGraphile otherwise prints a development-mode notice.
const env = { ...process.env, GRAPHILE_ENV: process.env.GRAPHILE_ENV ?? "production" };
for (const bench of benches) {
  process.stdout.write(`\n== ${bench}\n`);
  execFileSync(process.execPath, ["--expose-gc", "--max-semi-space-size=64", path.join(__dirname, bench), ...args], { stdio: "inherit", env });
}
