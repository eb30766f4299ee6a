import { validate } from "class-validator";
import {
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  GraphQLID,
  GraphQLInputObjectType,
  GraphQLObjectType,
  GraphQLString,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLInputType,
  type GraphQLSchema,
} from "graphql";
import { buildSchemaSync, type MiddlewareFn, type NonEmptyArray } from "type-graphql";
import { decideOperation, OPERATION_POLICY } from "../auth/policy.js";
import { audit, type DeniedOperation } from "../audit/audit.service.js";
import { authenticate, type RequestContext } from "../context.js";
import { asDomainError, BadUserInputError, ForbiddenError, logUnexpected, UnauthenticatedError, validationFailure } from "../errors.js";
import { isUuid } from "../common/input.js";
import { servedOverWebSocket } from "../events/case-event.subscription.js";
import { resolvers } from "./resolvers.js";
import { cleanTextArguments } from "./text-arguments.js";

const ROOT_TYPES = new Set(["Query", "Mutation", "Subscription"]);
/** ID arguments that are event ids or cursors rather than UUIDs; their resolvers parse them. */
const NON_UUID_ID_ARGS = new Set(["after"]);

/** Deny by default: every root field passes the operation policy before its resolver runs. */
const enforceOperationPolicy: MiddlewareFn<RequestContext> = async ({ context, info }, next) => {
  if (ROOT_TYPES.has(info.parentType.name)) {
    await authenticate(context);
    const decision = decideOperation(`${info.parentType.name}.${info.fieldName}`, context.viewer);
    if (decision === "UNAUTHENTICATED") throw new UnauthenticatedError();
    if (decision === "FORBIDDEN") throw new ForbiddenError();
  }
  return next();
};

const DENIALS = new Set(["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"]);

/** The object an operation names, for the audit trail (ids only). */
function objectIdOf(args: Record<string, unknown>): string | null {
  const input = (args.input ?? {}) as Record<string, unknown>;
  const candidate = args.id ?? args.caseId ?? args.assignmentId ?? args.patientId ?? args.userId ?? args.reviewerId ?? input.caseId ?? input.patientId;
  return typeof candidate === "string" ? candidate.slice(0, 64) : null;
}

/** Every refused access is audited too: who tried what, on which id, and that it was denied. */
const auditDenials: MiddlewareFn<RequestContext> = async ({ context, info, args }, next) => {
  const operation = `${info.parentType.name}.${info.fieldName}` as DeniedOperation;
  if (!ROOT_TYPES.has(info.parentType.name) || OPERATION_POLICY[operation] === "PUBLIC") return next();
  try {
    return await next();
  } catch (error) {
    const domain = asDomainError(error);
    // Anonymous refusals carry no actor to account for, and would let anyone write to the trail at will.
    if (domain && DENIALS.has(domain.code) && context.viewer) {
      await audit(context, { action: operation.slice(0, 64) as DeniedOperation, objectType: "Operation", objectId: objectIdOf(args), outcome: "DENIED" }).catch((failure) =>
        logUnexpected(context.runtime.logger, failure, { requestId: context.requestId, step: "denial audit" }),
      );
    }
    throw error;
  }
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

/** Whether a field takes an argument the guard acts on: an id to check, or text to clean (nested in input objects too). */
const takesUuid = (field: GraphQLField<unknown, unknown>) => field.args.some((arg) => getNullableType(arg.type) === GraphQLID && !NON_UUID_ID_ARGS.has(arg.name));
const takesText = (field: GraphQLField<unknown, unknown>) => field.args.some((arg) => holdsText(arg.type));

function holdsText(type: GraphQLInputType, seen = new Set<GraphQLInputType>()): boolean {
  const inner = getNamedType(type);
  if (inner === GraphQLString) return true;
  if (!(inner instanceof GraphQLInputObjectType) || seen.has(inner)) return false;
  seen.add(inner);
  return Object.values(inner.getFields()).some((field) => holdsText(field.type, seen));
}

/**
 * The guards a field needs, in this order, before argument validation and the resolver, as
 * type-graphql runs middlewares: policy and denial audit on root fields, the id and text
 * checks where the field takes such arguments.
 */
function guardsOf(typeName: string, field: GraphQLField<unknown, unknown>): MiddlewareFn<RequestContext>[] {
  const root = ROOT_TYPES.has(typeName);
  return [...(root ? [auditDenials, enforceOperationPolicy] : []), ...(takesUuid(field) ? [checkIdArguments] : []), ...(takesText(field) ? [cleanTextArguments] : [])];
}

function guarded(resolve: GraphQLFieldResolver<unknown, RequestContext>, guards: MiddlewareFn<RequestContext>[]): GraphQLFieldResolver<unknown, RequestContext> {
  return (root, args, context, info) => {
    const data = { root, args, context, info };
    const dispatch = async (index: number): Promise<unknown> =>
      index === guards.length ? resolve(root, args, context, info) : guards[index](data, () => dispatch(index + 1));
    return dispatch(0);
  };
}

export function buildMeridianSchema(): GraphQLSchema {
  const schema = buildSchemaSync({
    resolvers: resolvers as unknown as NonEmptyArray<Function>,
    validateFn: validateArgument,
    emitSchemaFile: false,
    // type-graphql insists on a PubSub; ours is the outbox and the EventHub.
    pubSub: { publish: servedOverWebSocket, subscribe: servedOverWebSocket },
  });
  // The guards act on root fields (policy, denial audit) and on arguments (ids, text): they wrap
  // exactly the fields they act on. As type-graphql global middlewares they would wrap every field,
  // each scalar of every row becoming a chain of promises (most of a list's execution time).
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(type instanceof GraphQLObjectType) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      const guards = guardsOf(type.name, field);
      if (guards.length > 0) field.resolve = guarded(field.resolve ?? defaultFieldResolver, guards);
    }
  }
  return schema;
}
