import { InMemoryCache } from "@apollo/client";
import { applyCaseEvent } from "../../client/src/cases/live";
import { DashboardCaseFragmentDoc, type CaseEventFieldsFragment } from "../../client/src/generated/graphql";

/** Live events reach the web app's normalized cache only when they are newer than what it holds. */
function event(version: number, status: CaseEventFieldsFragment["case"]["status"]): CaseEventFieldsFragment {
  return {
    __typename: "CaseEvent",
    id: String(100 + version),
    type: "STATUS_CHANGED",
    at: "2026-12-01T10:00:00.000Z",
    fromStatus: null,
    toStatus: status,
    note: null,
    noteCode: null,
    noteValues: null,
    case: { __typename: "Case", id: "7", reference: "MER-2026-000007", status, version, statusSince: `2026-12-0${version}T00:00:00.000Z`, heldFrom: null },
  };
}

function cacheWithCase(version: number) {
  const cache = new InMemoryCache();
  cache.writeFragment({
    id: cache.identify({ __typename: "Case", id: "7" }),
    fragment: DashboardCaseFragmentDoc,
    data: {
      __typename: "Case",
      id: "7",
      reference: "MER-2026-000007",
      status: "CASE_ORGANISATION",
      statusSince: "2026-12-01T00:00:00.000Z",
      heldFrom: null,
      version,
      updatedAt: "2026-12-01T00:00:00.000Z",
      patient: { __typename: "Patient", id: "3", fullName: "Test Patient" },
      assignments: [],
    },
  });
  return cache;
}

const read = (cache: InMemoryCache) => cache.readFragment({ id: cache.identify({ __typename: "Case", id: "7" }), fragment: DashboardCaseFragmentDoc });

test("a newer event changes the cached case in place, keeping what the event does not carry", () => {
  const cache = cacheWithCase(2);
  expect(applyCaseEvent(cache, event(3, "TRANSLATION"))).toBe(true);
  expect(read(cache)).toMatchObject({ status: "TRANSLATION", version: 3, patient: { fullName: "Test Patient" } });
});

test("a late, older (or equal) event never rolls the case back", () => {
  const cache = cacheWithCase(5);
  expect(applyCaseEvent(cache, event(4, "RECORDS_COLLECTION"))).toBe(false);
  expect(applyCaseEvent(cache, event(5, "RECORDS_COLLECTION"))).toBe(false);
  expect(read(cache)).toMatchObject({ status: "CASE_ORGANISATION", version: 5 });
});
