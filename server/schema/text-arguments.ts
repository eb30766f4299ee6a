import { getNullableType, GraphQLInputObjectType, GraphQLList, GraphQLNonNull, GraphQLString, type GraphQLInputType } from "graphql";
import type { MiddlewareFn } from "type-graphql";
import { cleanText, textKindOf } from "../common/text-rules.js";
import type { RequestContext } from "../context.js";

/** Cleans one argument value by its GraphQL type; `name` is the argument's or input field's own name. */
function cleanValue(value: unknown, type: GraphQLInputType, name: string, path: string): unknown {
  if (value === null || value === undefined) return value;
  const required = type instanceof GraphQLNonNull;
  const inner = getNullableType(type);
  if (inner === GraphQLString && typeof value === "string") return cleanText(value, textKindOf(name), path, required);
  if (inner instanceof GraphQLList && Array.isArray(value)) {
    return value.map((item, index) => cleanValue(item, inner.ofType, name, `${path}.${index}`));
  }
  if (inner instanceof GraphQLInputObjectType && typeof value === "object") {
    const fields = inner.getFields();
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (fields[key]) record[key] = cleanValue(record[key], fields[key].type, key, `${path}.${key}`);
    }
  }
  return value;
}

/**
 * Every string argument, nested ones included, goes through the text rules before
 * validation and the resolver: refused with BAD_USER_INPUT naming its dotted path, or
 * replaced by its clean form (trimmed; a blank optional string becomes null).
 */
export const cleanTextArguments: MiddlewareFn<RequestContext> = async ({ args, info }, next) => {
  const field = info.parentType.getFields()[info.fieldName];
  for (const arg of field.args) {
    if (args[arg.name] !== undefined) args[arg.name] = cleanValue(args[arg.name], arg.type, arg.name, arg.name);
  }
  return next();
};
