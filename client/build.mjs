// `npm run build:client`: generates the client's GraphQL types and builds the app into client/dist,
// unless the inputs (sources, schema, operations, lock file, build config) hash to what the last
// build recorded. `--force` builds anyway; `--codegen-only` only generates the types.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const clientDir = path.dirname(fileURLToPath(import.meta.url));
const projectDir = path.dirname(clientDir);
const distDir = path.join(clientDir, "dist");
const stampFile = path.join(distDir, ".source-hash");
const generatedDir = path.join(clientDir, "src", "generated");

function filesUnder(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return full === generatedDir ? [] : filesUnder(full);
    return [full];
  });
}

function sourceHash() {
  const inputs = [
    ...filesUnder(path.join(clientDir, "src")),
    ...["index.html", "vite.config.mts", "codegen.ts", "tsconfig.json", "build.mjs"].map((name) => path.join(clientDir, name)),
    ...filesUnder(path.join(projectDir, "schema")).filter((file) => file.endsWith(".graphql")),
    path.join(projectDir, "package-lock.json"),
  ].sort();
  const hash = createHash("sha256");
  for (const file of inputs) {
    hash.update(path.relative(projectDir, file));
    hash.update("\0");
    hash.update(fs.readFileSync(file));
    hash.update("\0");
  }
  return hash.digest("hex");
}

function codegen() {
  const bin = path.join(projectDir, "node_modules", ".bin", "graphql-codegen");
  const result = spawnSync(bin, ["--config", "client/codegen.ts"], { cwd: projectDir, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const args = new Set(process.argv.slice(2));
if (args.has("--codegen-only")) {
  codegen();
  process.exit(0);
}
const hash = sourceHash();
const recorded = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, "utf8").trim() : null;
if (recorded === hash && !args.has("--force")) {
  console.log("web app: up to date (client/dist)");
  process.exit(0);
}
codegen();
const { build } = await import("vite");
await build({ configFile: path.join(clientDir, "vite.config.mts"), logLevel: "warn" });
fs.writeFileSync(stampFile, `${hash}\n`);
console.log("web app: built into client/dist");
