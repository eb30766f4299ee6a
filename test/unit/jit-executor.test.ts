import { ApolloServer } from "@apollo/server";
import { GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from "graphql";
import { formatError } from "../../server/errors";
import { jitGateway } from "../../server/schema/jit-executor";

/** What the compiled executor hands Apollo must read like graphql-js's errors to our formatError. */

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: "Query",
    fields: {
      // A driver error: a plain Error with a code and no `extensions` (PostgreSQL out of reach).
      unreachable: { type: GraphQLString, resolve: () => Promise.reject(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })) },
      rows: {
        type: new GraphQLList(new GraphQLObjectType({ name: "Row", fields: { broken: { type: GraphQLString, resolve: () => { throw new Error("unexpected"); } } } })),
        resolve: () => [{}, {}],
      },
      required: { type: new GraphQLNonNull(GraphQLString), resolve: () => "ok" },
    },
  }),
});

let apollo: ApolloServer;
beforeAll(async () => {
  apollo = new ApolloServer({ gateway: jitGateway(schema), formatError, includeStacktraceInErrorResponses: false });
  await apollo.start();
});
afterAll(() => apollo.stop());

async function run(query: string) {
  const response = await apollo.executeOperation({ query });
  if (response.body.kind !== "single") throw new Error("expected a single result");
  return response.body.singleResult;
}

test("a driver error with no extensions is answered SERVICE_UNAVAILABLE with its path and location", async () => {
  for (let i = 0; i < 2; i++) {
    const result = await run("query Down { unreachable required }");
    expect(result.data).toEqual({ unreachable: null, required: "ok" });
    expect(result.errors).toEqual([{ message: "The service is unavailable; retry later", path: ["unreachable"], locations: [{ line: 1, column: 14 }], extensions: { code: "SERVICE_UNAVAILABLE" } }]);
  }
});

test("an unexpected error inside a list is masked per item, with the item's path", async () => {
  const result = await run("{ rows { broken } }");
  expect(result.data).toEqual({ rows: [{ broken: null }, { broken: null }] });
  expect(result.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([
    ["INTERNAL_SERVER_ERROR", ["rows", 0, "broken"]],
    ["INTERNAL_SERVER_ERROR", ["rows", 1, "broken"]],
  ]);
});
