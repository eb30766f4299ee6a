import type { ApolloServerOptionsWithGateway, BaseContext } from "@apollo/server";
import { execute, getVariableValues, GraphQLError, type ExecutionResult, type GraphQLSchema } from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";

/** Compiled queries kept, least recently used dropped first: the app's operations are a few dozen; a stranger's varied documents cannot grow memory past this. */
const COMPILED_QUERIES = 500;

type Gateway = ApolloServerOptionsWithGateway<BaseContext>["gateway"];
type Executor = Awaited<ReturnType<Gateway["load"]>>["executor"];

/**
 * A graphql-jit error as graphql-js makes it: same message, locations, path and cause, and
 * `extensions` always an object (graphql-jit leaves it undefined for a cause without any, such as
 * a driver error, and Apollo then masks it before our formatError can tell SERVICE_UNAVAILABLE).
 */
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  const copy = new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? undefined });
  (copy as { locations?: GraphQLError["locations"] }).locations = error.locations;
  return copy;
}

/**
 * Executes queries with graphql-jit behind Apollo Server (its `gateway` option, which hands each
 * already parsed and validated operation to an executor). The dashboard's CPU profile showed
 * graphql-js's generic, promise-per-field execution among its heaviest parts; graphql-jit compiles
 * an operation once into a function for that selection and calls the same resolvers. Each
 * operation is compiled after Apollo validated it (armor limits and cost rule included), cached by
 * its document hash and name. Variables are coerced by graphql-js first, so bad ones are refused
 * with exactly graphql-js's errors (what Apollo answers as BAD_USER_INPUT). Mutations (serial,
 * rare) and anything graphql-jit cannot compile run through graphql-js as before.
 */
export function jitGateway(schema: GraphQLSchema): Gateway {
  const compiled = new Map<string, CompiledQuery>();

  const compiledFor = (key: string, compile: () => CompiledQuery | ExecutionResult): CompiledQuery | undefined => {
    const hit = compiled.get(key);
    if (hit) {
      compiled.delete(key);
      compiled.set(key, hit);
      return hit;
    }
    const made = compile();
    if (!isCompiledQuery(made)) return undefined;
    compiled.set(key, made);
    if (compiled.size > COMPILED_QUERIES) compiled.delete(compiled.keys().next().value!);
    return made;
  };

  const executor: Executor = async (requestContext) => {
    const { document, operation, queryHash, context } = requestContext;
    // As the client sent it: Apollo's own operationName is null when no operation has that name.
    const { operationName, variables = {} } = requestContext.request;
    // No operation by that name (Apollo answers graphql-js's error), or not a query.
    if (operation?.operation !== "query") {
      return execute({ schema, document, contextValue: context, variableValues: variables, operationName }) as Promise<ExecutionResult>;
    }
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 50 });
    if (coerced.errors) return { errors: coerced.errors };
    const query = compiledFor(`${queryHash}:${operationName ?? ""}`, () => compileQuery(schema, document, operationName ?? undefined) as CompiledQuery | ExecutionResult);
    if (!query) return execute({ schema, document, contextValue: context, variableValues: variables, operationName }) as Promise<ExecutionResult>;
    const result = await query.query(undefined, context, variables);
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLJsError) } : result;
  };

  return {
    async load() {
      return { executor };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: "" });
      return () => undefined;
    },
    async stop() {
      compiled.clear();
    },
  };
}
