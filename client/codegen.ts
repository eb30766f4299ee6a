import type { CodegenConfig } from "@graphql-codegen/cli";

/** Client types from the emitted schema and the app's operations (paths from the project root); the output is git-ignored and made before every type check and build. */
const config: CodegenConfig = {
  schema: "schema/schema.graphql",
  documents: ["client/src/**/*.graphql", "schema/operations/*.graphql"],
  silent: true,
  generates: {
    "client/src/generated/graphql.ts": {
      plugins: ["typescript-operations", "typed-document-node"],
      config: {
        useTypeImports: true,
        nonOptionalTypename: true,
        skipTypeNameForRoot: true,
        enumsAsTypes: true,
        scalars: { Date: "string", DateTimeISO: "string", ID: "string" },
      },
    },
  },
};

export default config;
