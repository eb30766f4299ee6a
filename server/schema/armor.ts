import { ApolloArmor } from "@escape.tech/graphql-armor";
import { GraphQLError, NoSchemaIntrospectionCustomRule, specifiedRules, type ValidationContext, type ValidationRule } from "graphql";
import { costLimitRule } from "./cost.js";

/**
 * Limits on what one GraphQL document may ask for, checked at validation, before any
 * resolver (and so any SQL) runs. The deepest query the web app needs (dashboard:
 * cases > edges > node > assignments > reviewer > field) is depth 6.
 */
export const GRAPHQL_LIMITS = {
  maxDepth: 12,
  maxAliases: 15,
  /** In cost units (server/schema/cost.ts): the heaviest screens, the dashboard and a case page, cost about a quarter to a third of it. */
  maxCost: 35000,
  /** A subscription's selection runs for every event: the event, its case, a summary, pages of 10 at most. */
  maxSubscriptionCost: 600,
  maxSubscriptionPage: 10,
  maxTokens: 2000,
  maxDirectives: 20,
} as const;

const LIMIT_NAMES: Array<[RegExp, keyof typeof GRAPHQL_LIMITS]> = [
  [/depth/i, "maxDepth"],
  [/cost/i, "maxCost"],
  [/alias/i, "maxAliases"],
  [/directive/i, "maxDirectives"],
  [/token/i, "maxTokens"],
];

/**
 * A document refused for going over one of the limits: the same wording and code over
 * HTTP and the WebSocket, naming the limit (graphql-armor words these "Syntax Error: ...",
 * graphql-js's token limit is a parse error).
 */
export function limitRefusal(error: GraphQLError): GraphQLError | undefined {
  const tokens = /Document contains more th(?:at|an) (\d+) tokens/.exec(error.message);
  const message = tokens ? `Token limit of ${tokens[1]} exceeded.` : error.message.replace(/^Syntax Error:\s*/, "");
  const limit = /limit of \d+ exceeded/i.test(message) ? LIMIT_NAMES.find(([pattern]) => pattern.test(message))?.[1] : undefined;
  if (!limit) return undefined;
  return new GraphQLError(message, { nodes: error.nodes, extensions: { code: "GRAPHQL_VALIDATION_FAILED", limit, max: GRAPHQL_LIMITS[limit] } });
}

/** A validation rule whose limit refusals are reported as such (see limitRefusal). */
function reportingLimits(rule: ValidationRule): ValidationRule {
  return (context) => {
    const relabelling: ValidationContext = Object.create(context);
    relabelling.reportError = (error) => context.reportError(limitRefusal(error) ?? error);
    return rule(relabelling);
  };
}

export function createArmor(production: boolean) {
  const armor = new ApolloArmor({
    maxDepth: { n: GRAPHQL_LIMITS.maxDepth, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: GRAPHQL_LIMITS.maxAliases },
    // graphql-armor's cost rule does not multiply by list sizes: ours (cost.ts) does, below.
    costLimit: { enabled: false },
    // graphql-armor's max-tokens plugin parses again in a plugin hook and throws from there,
    // which Apollo answers with HTTP 500 for every syntax error and every document over the
    // limit (graphql-armor #571, #751). graphql-js enforces the same limit while Apollo
    // parses (`parseOptions`, for ApolloServer), answered 400.
    maxTokens: { enabled: false },
    maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives },
    // Suggestions ("did you mean ...") map the schema for a stranger; development keeps them.
    blockFieldSuggestion: { enabled: production },
  }).protect();
  return {
    ...armor,
    validationRules: [
      ...armor.validationRules.map(reportingLimits),
      // Reports its refusals in the same shape itself (limit, max, found).
      costLimitRule(GRAPHQL_LIMITS.maxCost, { maxCost: GRAPHQL_LIMITS.maxSubscriptionCost, maxPage: GRAPHQL_LIMITS.maxSubscriptionPage }),
    ],
    parseOptions: { maxTokens: GRAPHQL_LIMITS.maxTokens },
  };
}

/** The same limits for documents that arrive over the WebSocket, and no introspection in production. */
export function webSocketValidationRules(production: boolean): ValidationRule[] {
  return [...specifiedRules, ...createArmor(production).validationRules, ...(production ? [NoSchemaIntrospectionCustomRule] : [])];
}

/** What blockFieldSuggestion does for Apollo, for WebSocket validation errors: production drops "Did you mean ...". */
export function webSocketValidationErrorMask(production: boolean): (error: GraphQLError) => GraphQLError {
  if (!production) return (error) => error;
  return (error) => new GraphQLError(error.message.replace(/\s*Did you mean .*$/s, ""), { nodes: error.nodes, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
}
