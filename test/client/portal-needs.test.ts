import type { ConsentFieldsFragment, MyCaseFragment } from "../../client/src/generated/graphql";
import { needsOf, orderCases } from "../../client/src/portal/my-cases";

/** What the portal asks of the patient, from what the API answers about their case and consents. */
function myCase(change: Partial<MyCaseFragment> = {}): MyCaseFragment {
  return {
    __typename: "Case",
    id: "1",
    reference: "MER-2026-000001",
    status: "RECORDS_COLLECTION",
    statusSince: "2026-12-01T00:00:00.000Z",
    heldFrom: null,
    version: 1,
    openedAt: "2026-12-01T00:00:00.000Z",
    reason: null,
    consentActive: true,
    recordCount: 0,
    assignments: [],
    ...change,
  };
}

function consent(countries: string[], active = true): ConsentFieldsFragment {
  return {
    __typename: "Consent",
    id: countries.join(""),
    scope: "CROSS_BORDER_REVIEW",
    active,
    attestedByCoordinator: false,
    destinationCountries: countries,
    grantedAt: "2026-12-01T00:00:00.000Z",
    revokedAt: active ? null : "2026-12-02T00:00:00.000Z",
  };
}

const reviewer = (country: string, status: MyCaseFragment["assignments"][number]["status"] = "ACCEPTED") => ({
  __typename: "ReviewAssignment" as const,
  id: country + status,
  status,
  reviewer: { __typename: "Reviewer" as const, id: country, institution: "Partner Hospital", country },
});

test("records are asked for while they are collected and none has arrived, a paused collection included", () => {
  expect(needsOf(myCase(), [])).toEqual([{ kind: "RECORDS" }]);
  expect(needsOf(myCase({ status: "ON_HOLD", heldFrom: "RECORDS_COLLECTION" }), [])).toEqual([{ kind: "RECORDS" }]);
  expect(needsOf(myCase({ recordCount: 1 }), [])).toEqual([]);
  expect(needsOf(myCase({ status: "TRANSLATION" }), [])).toEqual([]);
});

test("consent is asked for when the server says it does not cover the case, naming the uncovered reviewers' countries", () => {
  expect(needsOf(myCase({ status: "TRANSLATION", consentActive: false }), [])).toEqual([{ kind: "CONSENT", countries: [] }]);
  const assignments = [reviewer("US"), reviewer("CN"), reviewer("SG", "INVITED"), reviewer("HK", "SUBMITTED")];
  expect(needsOf(myCase({ status: "PATHWAY_ASSESSMENT", consentActive: false, assignments }), [consent(["CN"]), consent(["US"], false)])).toEqual([
    { kind: "CONSENT", countries: ["HK", "US"] },
  ]);
});

test("a finished case asks for nothing", () => {
  expect(needsOf(myCase({ status: "WITHDRAWN", consentActive: false }), [])).toEqual([]);
  expect(needsOf(myCase({ status: "CLOSED", consentActive: false }), [])).toEqual([]);
});

test("the active case comes first, then paused ones, then finished ones, each group in the API's order (newest first)", () => {
  const cases = [
    myCase({ id: "5", status: "CLOSED" }),
    myCase({ id: "4", status: "ON_HOLD" }),
    myCase({ id: "3", status: "WITHDRAWN" }),
    myCase({ id: "2", status: "TRANSLATION" }),
    myCase({ id: "1", status: "RECORDS_COLLECTION" }),
  ];
  expect(orderCases(cases).map((c) => c.id)).toEqual(["2", "1", "4", "5", "3"]);
});
