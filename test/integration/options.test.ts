import { CaseBuilder } from "../support/case-builder";
import { createFixtures, type Fixtures } from "../support/fixtures";
import { failure, ok, startTestServer, type TestServer } from "../support/server";

/**
 * Pathway options around their delivery: what the patient received is frozen from
 * OPTIONS_DELIVERED on, later changes go through reopening OPTION_MAPPING and a new
 * delivery, and an option's text may be edited before it is delivered.
 */

let server: TestServer;
let f: Fixtures;
let build: CaseBuilder;

beforeAll(async () => {
  server = await startTestServer({ outboxPollMs: 0 });
  f = await createFixtures(server, "opt");
  build = new CaseBuilder(server, f.coordinator.token);
});
afterAll(() => server.close());

const setStatus = (id: string, status: string, token = f.coordinator.token) =>
  server.gql(`mutation($id: ID!, $s: OptionStatus!) { setPathwayOptionStatus(id: $id, status: $s) { id status } }`, { id, s: status }, token);

const update = (id: string, input: Record<string, unknown>, token = f.coordinator.token) =>
  server.gql(`mutation($id: ID!, $input: UpdatePathwayOptionInput!) { updatePathwayOption(id: $id, input: $input) { id title description evidence eligibility complexity status } }`, { id, input }, token);

const propose = (caseId: string, title: string, token = f.coordinator.token) =>
  server.gql(
    `mutation($input: ProposePathwayOptionInput!) { proposePathwayOption(input: $input) { id } }`,
    { input: { caseId, kind: "CLINICAL_TRIAL", title, description: "A trial of a new agent.", complexity: "HIGH" } },
    token,
  );

async function patientOptions(caseId: string): Promise<Array<{ id: string; title: string }>> {
  return ok(await server.gql(`query($id: ID!) { case(id: $id) { options { id title } } }`, { id: caseId }, f.patient.token)).case.options;
}

async function eventsOf(caseId: string): Promise<Array<{ type: string; note: string | null; fromStatus: string | null; toStatus: string | null }>> {
  return ok(await server.gql(`query($id: ID!) { case(id: $id) { events(first: 100) { type note fromStatus toStatus } } }`, { id: caseId }, f.coordinator.token)).case.events;
}

/** A case in OPTION_MAPPING: the EN reviewer accepted and submitted; one option (by the coordinator) proposed. */
async function mappingCase() {
  const built = await build.assessmentCase(f.patient.patientId, f.reviewerEn, "CN");
  ok(await server.gql(`mutation($id: ID!) { submitReview(assignmentId: $id, opinion: "Reasonable plan.") { status } }`, { id: built.assignmentId }, f.reviewerEn.token));
  await build.move(built.caseId, "OPTION_MAPPING");
  return built;
}

async function deliveredCase() {
  const built = await mappingCase();
  ok(await setStatus(built.optionId, "SELECTED_FOR_PRESENTATION"));
  await build.move(built.caseId, "OPTIONS_DELIVERED");
  return built;
}

describe("delivered options are frozen", () => {
  test("from OPTIONS_DELIVERED on, nobody can set aside, edit or add options, and the patient keeps what was delivered", async () => {
    const { caseId, optionId } = await deliveredCase();
    expect(await patientOptions(caseId)).toEqual([{ id: optionId, title: "Targeted therapy first" }]);

    const setAside = failure(await setStatus(optionId, "SET_ASIDE"));
    expect(setAside).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "id" } });
    expect(failure(await update(optionId, { title: "Something else" }))).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "id" } });
    expect(failure(await propose(caseId, "Late idea"))).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "input.caseId" } });
    expect(failure(await propose(caseId, "Late idea from abroad", f.reviewerEn.token))).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "input.caseId" } });

    // On hold from OPTIONS_DELIVERED it stays frozen.
    await build.move(caseId, "ON_HOLD", "patient travelling");
    expect(failure(await setStatus(optionId, "SET_ASIDE")).code).toBe("BAD_USER_INPUT");
    await build.move(caseId, "OPTIONS_DELIVERED");

    await build.move(caseId, "CLOSED");
    expect(failure(await setStatus(optionId, "SET_ASIDE")).code).toBe("BAD_USER_INPUT");
    expect(await patientOptions(caseId)).toEqual([{ id: optionId, title: "Targeted therapy first" }]);
    const staffView = ok(await server.gql(`query($id: ID!) { case(id: $id) { options { id status title } } }`, { id: caseId }, f.coordinator.token)).case.options;
    expect(staffView).toEqual([{ id: optionId, status: "SELECTED_FOR_PRESENTATION", title: "Targeted therapy first" }]);
  });

  test("changes go through reopening OPTION_MAPPING (an event) and a new delivery; the patient keeps the last delivery meanwhile", async () => {
    const { caseId, optionId } = await deliveredCase();
    await build.move(caseId, "OPTION_MAPPING", "A trial opened for this indication");
    const reopened = (await eventsOf(caseId)).filter((e) => e.type === "STATUS_CHANGED").pop();
    expect(reopened).toMatchObject({ fromStatus: "OPTIONS_DELIVERED", toStatus: "OPTION_MAPPING", note: "A trial opened for this indication" });

    // Reopened: options change again, but the patient still has exactly what was delivered.
    ok(await setStatus(optionId, "SET_ASIDE"));
    const trialId = ok(await propose(caseId, "Phase 2 trial")).proposePathwayOption.id;
    ok(await setStatus(trialId, "SELECTED_FOR_PRESENTATION"));
    expect(await patientOptions(caseId)).toEqual([{ id: optionId, title: "Targeted therapy first" }]);

    // The delivered text never changes, even reopened; the new option's may.
    expect(failure(await update(optionId, { title: "Rewritten" }))).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "id" } });
    expect(ok(await update(trialId, { title: "Phase 2 trial (NCT-style)" })).updatePathwayOption.title).toBe("Phase 2 trial (NCT-style)");

    // The new delivery replaces the old.
    await build.move(caseId, "OPTIONS_DELIVERED");
    expect(await patientOptions(caseId)).toEqual([{ id: trialId, title: "Phase 2 trial (NCT-style)" }]);
    expect(failure(await setStatus(trialId, "SET_ASIDE")).code).toBe("BAD_USER_INPUT");
  });
});

describe("updatePathwayOption", () => {
  test("coordinators edit an option's text before delivery: omitted fields stay, null clears, an event and an audit entry are written", async () => {
    const { caseId, optionId } = await mappingCase();
    const before = (await eventsOf(caseId)).length;
    const edited = ok(await update(optionId, { description: "Targeted therapy for eight weeks, then surgery.", evidence: null, complexity: "HIGH" })).updatePathwayOption;
    expect(edited).toEqual({
      id: optionId,
      title: "Targeted therapy first",
      description: "Targeted therapy for eight weeks, then surgery.",
      evidence: null,
      eligibility: null,
      complexity: "HIGH",
      status: "PROPOSED",
    });
    const events = await eventsOf(caseId);
    expect(events).toHaveLength(before + 1);
    expect(events[events.length - 1]).toMatchObject({ type: "OPTION_UPDATED", note: "edited: description, evidence, complexity" });
    const [{ n }] = await server.db.query(`SELECT count(*)::int AS n FROM audit_entry WHERE action = 'UPDATE_OPTION' AND object_id = $1`, [optionId]);
    expect(n).toBe(1);
  });

  test("a coordinator's text is checked for the patient's identifiers, naming the field; nothing is written", async () => {
    const { optionId } = await mappingCase();
    const refused = failure(await update(optionId, { eligibility: "Only if Mrs Holloway agrees" }));
    expect(refused).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "input.eligibility" } });
    const [row] = await server.db.query(`SELECT eligibility FROM pathway_option WHERE id = $1`, [optionId]);
    expect(row.eligibility).toBeNull();
  });

  test("blank or null title and description are refused", async () => {
    const { optionId } = await mappingCase();
    expect(failure(await update(optionId, { title: "   " }))).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "input.title" } });
    expect(failure(await update(optionId, { description: null }))).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "input.description" } });
  });

  test("the reviewer who proposed an option may edit it; not someone else's, and not a case they do not see", async () => {
    const { caseId, optionId } = await mappingCase();
    const ownId = ok(await propose(caseId, "Further imaging", f.reviewerEn.token)).proposePathwayOption.id;
    expect(ok(await update(ownId, { title: "PET-CT before surgery" }, f.reviewerEn.token)).updatePathwayOption.title).toBe("PET-CT before surgery");
    expect(failure(await update(optionId, { title: "Mine now" }, f.reviewerEn.token)).code).toBe("FORBIDDEN");
    expect(failure(await update(ownId, { title: "Not my case" }, f.reviewerZh.token)).code).toBe("NOT_FOUND");
    expect(failure(await update(ownId, { title: "Patients do not edit" }, f.patient.token)).code).toBe("FORBIDDEN");
    expect(failure(await update(ownId, { title: "Admins do no case work" }, f.admin.token)).code).toBe("FORBIDDEN");
  });
});
