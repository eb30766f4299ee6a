import "reflect-metadata";
import { parse, validate } from "graphql";
import { GRAPHQL_LIMITS } from "../../server/schema/armor";
import { buildMeridianSchema } from "../../server/schema/build-schema";
import { costLimitRule } from "../../server/schema/cost";

/** The cost limit multiplies by list sizes: real screens fit with room, nested unpaged fan-outs do not. */

const schema = buildMeridianSchema();
const rule = costLimitRule(GRAPHQL_LIMITS.maxCost, { maxCost: GRAPHQL_LIMITS.maxSubscriptionCost, maxPage: GRAPHQL_LIMITS.maxSubscriptionPage });
function costOf(query: string): { cost: number; refused: boolean } {
  const errors = validate(schema, parse(query), [rule]);
  if (errors.length === 0) {
    // Under the limit: find the cost by lowering the limit until it refuses.
    const probe = validate(schema, parse(query), [costLimitRule(0, { maxCost: 0, maxPage: Infinity })]);
    return { cost: probe[0].extensions.found as number, refused: false };
  }
  return { cost: errors[0].extensions.found as number, refused: true };
}

/** The coordinator dashboard: 50 cases (first as a variable counts at its maximum, 100). */
export const DASHBOARD = `query Dashboard($first: Int, $after: String) {
  cases(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id reference status statusSince version recordCount patient { id fullName } assignments { id status reviewer { id displayName institution } } } }
  }
}`;

/** A case page: the case, its summary, 100 comments, 100 events, records, options, assignments. */
export const CASE_PAGE = `query CasePage($id: ID!) {
  case(id: $id) {
    id reference status statusSince heldFrom version openedAt updatedAt reason patientAgeBand consentActive recordCount
    patient { id fullName dateOfBirth email preferredLanguage }
    summary(language: EN) { id language version publishedAt primaryCancer histology stage ecogPerformanceStatus treatmentHistory currentPlan questionsForReviewers stale biomarkers { name result } }
    comments(first: 100) { id body section createdAt authorName parent { id } summary { id version language } }
    events(first: 100) { id type at fromStatus toStatus note }
    records { id title kind language documentDate receivedAt contentType sizeBytes sha256 sharedWithReviewers downloadUrl uploadUrl }
    options { id kind title description evidence eligibility complexity status }
    assignments { id status invitedAt dueAt submittedAt opinion declineReason reviewer { id displayName institution country } }
  }
}`;

test("the heaviest real screens fit under the cost limit with room to spare", () => {
  const dashboard = costOf(DASHBOARD);
  const casePage = costOf(CASE_PAGE);
  console.log(`cost: dashboard ${dashboard.cost}, case page ${casePage.cost}, limit ${GRAPHQL_LIMITS.maxCost}`);
  expect(dashboard.refused).toBe(false);
  expect(casePage.refused).toBe(false);
  expect(dashboard.cost * 2).toBeLessThan(GRAPHQL_LIMITS.maxCost);
  expect(casePage.cost * 2).toBeLessThan(GRAPHQL_LIMITS.maxCost);
});

test("nested lists are paid for at their size", () => {
  expect(costOf(`{ cases(first: 100) { edges { node { comments { id body authorName } } } } }`).refused).toBe(true);
  expect(costOf(`query($n: Int) { cases(first: $n) { edges { node { comments(first: 20) { body } } } } }`).refused).toBe(true);
  expect(costOf(`query($id: ID!) { case(id: $id) { comments(first: 200) { id body authorName createdAt section } events(first: 500) { id type at note case { comments { body } } } } }`).refused).toBe(true);
  expect(costOf(`{ viewer { patient { cases(first: 100) { comments { body } } } } }`).refused).toBe(true);
  // Through fragments too.
  expect(costOf(`fragment C on Case { comments(first: 200) { body } } { cases(first: 50) { edges { node { ...C } } } }`).refused).toBe(true);
});

test("a subscription may select its event, its case, a summary and short pages at most", () => {
  expect(costOf(`subscription { caseActivity(caseId: "x") { id type at fromStatus toStatus note case { id reference status version statusSince heldFrom } } }`).refused).toBe(false);
  expect(costOf(`subscription { caseActivity(caseId: "x") { id case { comments(first: 5) { id body } summary { id treatmentHistory currentPlan biomarkers { name result } } } } }`).refused).toBe(false);
  expect(costOf(`subscription($n: Int) { caseActivity(caseId: "x") { id case { comments(first: $n) { id } } } }`).refused).toBe(true);
  expect(costOf(`subscription { caseActivity(caseId: "x") { id case { comments(first: 10) { body } options(first: 10) { description evidence } } } }`).refused).toBe(true);
  expect(costOf(`subscription { caseActivity(caseId: "x") { id case { comments { id } } } }`).refused).toBe(true);
  expect(costOf(`subscription { caseStatusChanged { id case { events { id } } } }`).refused).toBe(true);
});
