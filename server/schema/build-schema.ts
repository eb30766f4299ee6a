import { validate } from "class-validator";
import { getNullableType, GraphQLID, type GraphQLSchema } from "graphql";
import { buildSchemaSync, type MiddlewareFn, type NonEmptyArray } from "type-graphql";
import { decideOperation } from "../auth/policy.js";
import type { RequestContext } from "../context.js";
import { BadUserInputError, ForbiddenError, UnauthenticatedError, validationFailure } from "../errors.js";
import { isUuid } from "../common/input.js";
import { servedOverWebSocket } from "../events/case-event.subscription.js";
import { resolvers } from "./resolvers.js";

const ROOT_TYPES = new Set(["Query", "Mutation", "Subscription"]);
/** ID arguments that are event ids or cursors rather than UUIDs; their resolvers parse them. */
const NON_UUID_ID_ARGS = new Set(["after"]);

/** Deny by default: every root field passes the operation policy before its resolver runs. */
const enforceOperationPolicy: MiddlewareFn<RequestContext> = async ({ context, info }, next) => {
  if (ROOT_TYPES.has(info.parentType.name)) {
    const decision = decideOperation(`${info.parentType.name}.${info.fieldName}`, context.viewer);
    if (decision === "UNAUTHENTICATED") throw new UnauthenticatedError();
    if (decision === "FORBIDDEN") throw new ForbiddenError();
  }
  return next();
};

/** A malformed id is bad input (naming the argument), not a missing object. */
const checkIdArguments: MiddlewareFn<RequestContext> = async ({ args, info }, next) => {
  const field = info.parentType.getFields()[info.fieldName];
  for (const arg of field.args) {
    const value = args[arg.name];
    if (value === null || value === undefined || NON_UUID_ID_ARGS.has(arg.name)) continue;
    if (getNullableType(arg.type) === GraphQLID && !isUuid(String(value))) {
      throw new BadUserInputError(arg.name, `${arg.name} is not a valid id`);
    }
  }
  return next();
};

/** class-validator on input objects, reporting the dotted path of the first failing field. */
async function validateArgument(argValue: unknown, _type: unknown, data: { args: Record<string, unknown> }): Promise<void> {
  if (argValue === null || typeof argValue !== "object" || Array.isArray(argValue) || argValue instanceof Date) return;
  const errors = await validate(argValue as object, { forbidUnknownValues: false, validationError: { target: false, value: false } });
  if (errors.length === 0) return;
  const argName = Object.entries(data.args).find(([, value]) => value === argValue)?.[0] ?? "input";
  throw validationFailure(argName, errors);
}

export function buildMeridianSchema(): GraphQLSchema {
  return buildSchemaSync({
    resolvers: resolvers as unknown as NonEmptyArray<Function>,
    validateFn: validateArgument,
    globalMiddlewares: [enforceOperationPolicy, checkIdArguments],
    emitSchemaFile: false,
    // type-graphql insists on a PubSub; ours is the outbox and the EventHub.
    pubSub: { publish: servedOverWebSocket, subscribe: servedOverWebSocket },
  });
}
