import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { printMeridianSchema } from "./print-schema.js";

const target = path.resolve(__dirname, "..", "..", "..", "schema", "schema.graphql");
fs.writeFileSync(target, printMeridianSchema());
process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
