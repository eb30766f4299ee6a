import { seedDemo } from "../../server/db/seed-demo";
import { ok, startTestServer, type TestServer } from "../support/server";

/**
 * The demo `npm start` seeds gives every role's pages something to show (the README and the
 * screenshots rely on it), through the API as each demo account sees it.
 */
let server: TestServer;
const PASSWORD = "demo seed test password";
const PATIENT_NAMES = ["Diane Lefebvre", "Robert Kowalczyk", "Michael Brennan", "Linda Marchetti", "Li Wenjing"];

beforeAll(async () => {
  server = await startTestServer({ demoPassword: PASSWORD });
  expect((await seedDemo(server.runtime)).created).toBe(true);
}, 120_000);

afterAll(async () => {
  await server?.close();
});

async function as(email: string, query: string) {
  const { login } = ok(await server.gql(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, { e: email, p: PASSWORD }));
  const response = await server.gql(query, {}, login.accessToken);
  return { data: ok(response), raw: response.raw };
}

const REVIEWER_QUERY = `{ viewer { reviewer { assignments(first: 10) { status case {
  status summaries(first: 10) { language }
  comments(first: 10) { body section parent { id } }
  options(first: 10) { kind status title }
} } } } }`;

test("the Chinese-reading reviewer: invited to one case, at work on another with a bilingual summary, comments, a reply and a proposed option", async () => {
  const { data, raw } = await as("reviewer.zh@demo.meridian", REVIEWER_QUERY);
  const assignments = data.viewer.reviewer.assignments;
  expect(assignments.map((a: { status: string }) => a.status).sort()).toEqual(["ACCEPTED", "INVITED"]);
  const accepted = assignments.find((a: { status: string }) => a.status === "ACCEPTED").case;
  expect(accepted.status).toBe("PATHWAY_ASSESSMENT");
  expect(accepted.summaries.map((s: { language: string }) => s.language).sort()).toEqual(["EN", "ZH"]);
  expect(accepted.comments.length).toBeGreaterThanOrEqual(2);
  expect(accepted.comments.some((c: { parent: unknown }) => c.parent !== null)).toBe(true);
  expect(accepted.options).toEqual([expect.objectContaining({ status: "PROPOSED" })]);
  for (const name of PATIENT_NAMES) expect(raw).not.toContain(name);
});

test("the English-reading reviewer: an opinion submitted on a case whose options were delivered, and an invitation", async () => {
  const { data, raw } = await as("reviewer.en@demo.meridian", REVIEWER_QUERY);
  const assignments = data.viewer.reviewer.assignments;
  expect(assignments.map((a: { status: string }) => a.status).sort()).toEqual(["INVITED", "SUBMITTED"]);
  const submitted = assignments.find((a: { status: string }) => a.status === "SUBMITTED").case;
  expect(submitted.status).toBe("OPTIONS_DELIVERED");
  expect(submitted.options.map((o: { status: string }) => o.status).sort()).toEqual(["SELECTED_FOR_PRESENTATION", "SELECTED_FOR_PRESENTATION", "SET_ASIDE"]);
  for (const name of PATIENT_NAMES) expect(raw).not.toContain(name);
});

test("the demo patient: one active case without a reviewer (as DESIGN.md promises), her own consent, a record she uploaded", async () => {
  const { data } = await as(
    "patient@demo.meridian",
    `{ viewer { displayName patient { consents { active attestedByCoordinator destinationCountries } cases { status assignments { id } records { title } } } } }`,
  );
  const { displayName, patient } = data.viewer;
  expect(displayName).toBe("Diane Lefebvre");
  expect(patient.consents).toEqual([{ active: true, attestedByCoordinator: false, destinationCountries: ["CN"] }]);
  expect(patient.cases).toHaveLength(1);
  expect(patient.cases[0]).toMatchObject({ status: "CASE_ORGANISATION", assignments: [] });
  expect(patient.cases[0].records.map((r: { title: string }) => r.title)).toContain("Letter from my oncologist");
});

test("the coordinator's dashboard: a case in every stage from just opened to options delivered", async () => {
  const { data } = await as("coordinator@demo.meridian", `{ cases(first: 50) { edges { node { status patient { fullName } } } } }`);
  const cases = data.cases.edges.map((e: { node: { status: string; patient: { fullName: string } } }) => [e.node.patient.fullName, e.node.status]);
  expect(Object.fromEntries(cases)).toEqual({
    "Diane Lefebvre": "CASE_ORGANISATION",
    "Robert Kowalczyk": "TRANSLATION",
    "Michael Brennan": "PATHWAY_ASSESSMENT",
    "Linda Marchetti": "OPTIONS_DELIVERED",
    "Li Wenjing": "RECORDS_COLLECTION",
  });
});
