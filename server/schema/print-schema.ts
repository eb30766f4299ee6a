import { lexicographicSortSchema, printSchema } from "graphql";
import { buildMeridianSchema } from "./build-schema.js";

/** The SDL committed as schema/schema.graphql: sorted, so diffs show real changes only. */
export function printMeridianSchema(): string {
  return `${printSchema(lexicographicSortSchema(buildMeridianSchema()))}\n`;
}
