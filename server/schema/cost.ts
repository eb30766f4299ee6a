import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isCompositeType,
  isListType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";
import { PAGES } from "../common/limits.js";

/**
 * What a document may cost, in units of roughly one small value of the response: every
 * field and every item of a list costs 1, a free-text field that may hold 20,000 characters costs LONG_TEXT_COST, and
 * everything selected inside a list is multiplied by the list's size: its `first` (a variable
 * counts at the list's maximum, since validation runs before variables are known), or its
 * default page, or, for the few unpaged lists, their bound. So
 * `cases(first: 100) { edges { node { comments { body } } } }` costs about 100 × 100 × 51 and is
 * refused, whatever the data, before any resolver runs.
 */
export const LONG_TEXT_COST = 50;

const LONG_TEXT = new Set([
  "Comment.body",
  "ReviewAssignment.opinion",
  "PathwayOption.description",
  "PathwayOption.evidence",
  "PathwayOption.eligibility",
  "CaseSummary.treatmentHistory",
  "CaseSummary.currentPlan",
]);

/** Lists paged with `first`: their default and maximum (the resolvers enforce the same). */
const PAGED: Record<string, { default: number; max: number }> = {
  "Query.cases": PAGES.cases,
  "Case.comments": PAGES.caseComments,
  "Case.events": PAGES.caseEvents,
  "Case.records": PAGES.caseRecords,
  "Case.options": PAGES.caseOptions,
  "Case.assignments": PAGES.caseAssignments,
  "Case.summaries": PAGES.caseSummaries,
  "Patient.cases": PAGES.patientCases,
  "Patient.consents": PAGES.patientConsents,
  "Patient.accessLog": PAGES.patientAccessLog,
  "Reviewer.assignments": PAGES.reviewerAssignments,
};

/** Lists without `first`: the edges of a page (already counted by `first` on the connection), and lists bounded elsewhere. */
const BOUNDED: Record<string, number> = {
  "CaseConnection.edges": 1,
  "CaseSummary.biomarkers": 50,
  "Query.reviewers": 100,
};
const UNKNOWN_LIST = 100;

/** How many items a list field returns at most, from its arguments. */
function listSize(key: string, node: FieldNode): number {
  const paged = PAGED[key];
  if (paged) {
    const first = node.arguments?.find((a) => a.name.value === "first")?.value;
    if (!first) return paged.default;
    if (first.kind === Kind.INT) return Math.min(Number(first.value), paged.max);
    return first.kind === Kind.NULL ? paged.default : paged.max;
  }
  return BOUNDED[key] ?? UNKNOWN_LIST;
}

/** The cost of one operation of a document, and the largest page of a paged list it asks for. */
export function documentCost(
  schema: GraphQLSchema,
  fragments: Map<string, FragmentDefinitionNode>,
  selectionSet: SelectionSetNode,
  type: GraphQLNamedType,
): { cost: number; largestPage: number } {
  let largestPage = 0;
  const costOf = (set: SelectionSetNode, parent: GraphQLNamedType, visiting: Set<string>): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith("__")) continue;
        const field = "getFields" in parent ? (parent.getFields() as Record<string, GraphQLField<unknown, unknown>>)[selection.name.value] : undefined;
        if (!field) continue;
        const key = `${parent.name}.${field.name}`;
        const named = getNamedType(field.type);
        if (!selection.selectionSet || !isCompositeType(named)) {
          total += LONG_TEXT.has(key) ? LONG_TEXT_COST : 1;
          continue;
        }
        const list = key in PAGED || isListType(getNullableType(field.type));
        if (key in PAGED) largestPage = Math.max(largestPage, listSize(key, selection));
        // Each item of a list is an object (a row) besides its fields.
        total += list ? 1 + listSize(key, selection) * (1 + costOf(selection.selectionSet, named, visiting)) : 1 + costOf(selection.selectionSet, named, visiting);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) ?? parent) : parent;
        total += costOf(selection.selectionSet, on, visiting);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // A fragment spread inside itself is refused by graphql-js's own rules; count it once.
        if (!fragment || visiting.has(name)) continue;
        const on = schema.getType(fragment.typeCondition.name.value) ?? parent;
        total += costOf(fragment.selectionSet, on, new Set([...visiting, name]));
      }
    }
    return total;
  };
  const cost = costOf(selectionSet, type, new Set());
  return { cost, largestPage };
}

/**
 * Refuses, at validation, operations whose cost is over `maxCost`. A subscription's selection
 * runs again for every event: it may cost `subscription.maxCost` and ask for pages of at most
 * `subscription.maxPage` items (a variable `first` counts at the list's maximum).
 */
export function costLimitRule(maxCost: number, subscription: { maxCost: number; maxPage: number }): ValidationRule {
  return (context: ValidationContext) => {
    const schema = context.getSchema();
    const fragments = new Map(
      context
        .getDocument()
        .definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
        .map((d) => [d.name.value, d]),
    );
    return {
      OperationDefinition(operation) {
        const root = schema.getRootType(operation.operation);
        if (!root) return;
        const { cost, largestPage } = documentCost(schema, fragments, operation.selectionSet, root);
        const live = operation.operation === "subscription";
        if (live && largestPage > subscription.maxPage) {
          context.reportError(
            new GraphQLError(`Subscription page limit of ${subscription.maxPage} exceeded, found ${largestPage}: a subscription runs for every event, so its lists take first: ${subscription.maxPage} at most`, {
              nodes: [operation],
              extensions: { code: "GRAPHQL_VALIDATION_FAILED", limit: "maxSubscriptionPage", max: subscription.maxPage, found: largestPage },
            }),
          );
          return;
        }
        const limit = live ? subscription.maxCost : maxCost;
        if (cost > limit) {
          context.reportError(
            new GraphQLError(`${live ? "Subscription cost" : "Query cost"} limit of ${limit} exceeded, found ${cost}: ask for smaller pages (first) or fewer fields`, {
              nodes: [operation],
              extensions: { code: "GRAPHQL_VALIDATION_FAILED", limit: live ? "maxSubscriptionCost" : "maxCost", max: limit, found: cost },
            }),
          );
        }
      },
    };
  };
}
