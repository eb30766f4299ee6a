import crypto from "node:crypto";
import { CaseBuilder } from "../support/case-builder";
import { createFixtures, type Fixtures } from "../support/fixtures";
import { failure, ok, startTestServer, type TestServer } from "../support/server";

/** Staff's list of patients and admins' list of users: search, paging, audit, refusals. */

let server: TestServer;
let f: Fixtures;
let build: CaseBuilder;
const tag = crypto.randomBytes(3).toString("hex");

const PATIENTS = `query($search: String, $first: Int, $after: String) {
  patients(search: $search, first: $first, after: $after) { totalCount edges { cursor node { id fullName email dateOfBirth } } pageInfo { hasNextPage endCursor } }
}`;
const USERS = `query($role: Role, $search: String, $first: Int, $after: String) {
  users(role: $role, search: $search, first: $first, after: $after) {
    totalCount edges { cursor node { id email displayName role disabled activated patient { id } reviewer { id } } } pageInfo { hasNextPage endCursor }
  }
}`;

async function createPatient(fullName: string, email: string): Promise<{ id: string; userId: string }> {
  return ok(
    await server.gql(
      `mutation($input: CreatePatientInput!) { createPatient(input: $input) { id userId } }`,
      { input: { fullName, dateOfBirth: "1971-02-03", email, preferredLanguage: "EN" } },
      f.coordinator.token,
    ),
  ).createPatient;
}

const names = (data: any) => data.patients.edges.map((e: any) => e.node.fullName).sort();
const search = async (text: string, token = f.coordinator.token) => ok(await server.gql(PATIENTS, { search: text, first: 100 }, token));

let helene: { id: string; userId: string };
let wang: { id: string; userId: string };
let heleneCase: string;

beforeAll(async () => {
  server = await startTestServer({ outboxPollMs: 0 });
  f = await createFixtures(server, "dir");
  build = new CaseBuilder(server, f.coordinator.token);
  helene = await createPatient("Hélène Tremblay", `h.tremblay.${tag}@example.ca`);
  wang = await createPatient("王小明", `xiaoming.${tag}@example.cn`);
  await createPatient("Helen Tremblett", `helen.${tag}@example.ca`);
  heleneCase = await build.openCase(helene.id);
});
afterAll(() => server?.close());

describe("patients(search)", () => {
  test("ignores accents and case, both ways", async () => {
    expect(names(await search("Helene"))).toEqual(["Hélène Tremblay"]);
    expect(names(await search("HÉLÈNE"))).toEqual(["Hélène Tremblay"]);
    expect(names(await search("TREMBLAY"))).toEqual(["Hélène Tremblay"]);
    expect(names(await search("tremb"))).toEqual(["Helen Tremblett", "Hélène Tremblay"]);
  });

  test("finds Chinese names by any part", async () => {
    for (const part of ["王", "小明", "王小明"]) expect(names(await search(part))).toEqual(["王小明"]);
  });

  test("every word must match, in any order", async () => {
    expect(names(await search("tremblay helene"))).toEqual(["Hélène Tremblay"]);
    expect(names(await search("helen tremblett"))).toEqual(["Helen Tremblett"]);
    expect(names(await search("hélène nobody"))).toEqual([]);
  });

  test("finds by email and by case reference", async () => {
    expect(names(await search(`XIAOMING.${tag}`))).toEqual(["王小明"]);
    const { reference } = ok(await server.gql(`query($id: ID!) { case(id: $id) { reference } }`, { id: heleneCase }, f.coordinator.token)).case;
    expect(names(await search(reference))).toEqual(["Hélène Tremblay"]);
    expect(names(await search(reference.toLowerCase().slice(-6)))).toContain("Hélène Tremblay");
  });

  test("LIKE wildcards in the search are taken literally", async () => {
    expect(names(await search("%"))).toEqual([]);
    expect(names(await search("_"))).toEqual([]);
  });

  test("does not search the encrypted fields", async () => {
    expect(names(await search("1971-02-03"))).toEqual([]);
  });

  test("a search longer than a name is BAD_USER_INPUT on search", async () => {
    const error = failure(await server.gql(PATIENTS, { search: "x".repeat(201) }, f.coordinator.token));
    expect(error).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "search" } });
  });

  test("a cursor that is not one of ours, or a page size out of bounds, is BAD_USER_INPUT", async () => {
    expect(failure(await server.gql(PATIENTS, { after: "bm90LWEtY3Vyc29y" }, f.coordinator.token))).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "after" } });
    expect(failure(await server.gql(PATIENTS, { first: 101 }, f.coordinator.token))).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "first" } });
  });

  test("each patient read through the list is in the audit trail", async () => {
    const before = Number((await server.db.query(`SELECT count(*) AS n FROM audit_entry WHERE action = 'READ_PATIENT' AND patient_id = $1`, [wang.id]))[0].n);
    await search("王", f.admin.token);
    const [row] = await server.db.query(`SELECT actor_user_id, count(*) OVER () AS n FROM audit_entry WHERE action = 'READ_PATIENT' AND patient_id = $1 ORDER BY id DESC LIMIT 1`, [wang.id]);
    expect(Number(row.n)).toBe(before + 1);
    expect(row.actor_user_id).toBe(f.admin.userId);
  });

  test("reviewers and patients are refused", async () => {
    for (const token of [f.reviewerEn.token, f.patient.token]) expect(failure(await server.gql(PATIENTS, {}, token)).code).toBe("FORBIDDEN");
  });
});

describe("paging", () => {
  test("pages through every patient exactly once while every patient changes name between pages", async () => {
    const all = ok(await server.gql(PATIENTS, { first: 100 }, f.coordinator.token)).patients;
    expect(all.totalCount).toBeGreaterThanOrEqual(5);
    const seen: string[] = [];
    let after: string | null = null;
    let page = 0;
    do {
      const data: any = ok(await server.gql(PATIENTS, { first: 2, after }, f.coordinator.token)).patients;
      seen.push(...data.edges.map((e: any) => e.node.id));
      // Rename every patient so that they sort the other way round by name: the order must not depend on it.
      page += 1;
      for (const [i, edge] of all.edges.entries()) {
        const rank = String(page % 2 ? i : 999 - i).padStart(3, "0");
        ok(await server.gql(UPDATE, { id: edge.node.id, input: { fullName: `${rank} ${edge.node.fullName}` } }, f.coordinator.token));
      }
      after = data.pageInfo.hasNextPage ? data.pageInfo.endCursor : null;
    } while (after && page <= all.totalCount);
    expect(seen.sort()).toEqual(all.edges.map((e: any) => e.node.id).sort());
    for (const edge of all.edges) ok(await server.gql(UPDATE, { id: edge.node.id, input: { fullName: edge.node.fullName } }, f.coordinator.token));
  });
});

describe("users(role, search)", () => {
  test("admins find accounts by part of the display name or email, ignoring accents and case, of one role", async () => {
    const data = ok(await server.gql(USERS, { search: "hélène", first: 100 }, f.admin.token)).users;
    expect(data.edges.map((e: any) => e.node.id)).toEqual([helene.userId]);
    expect(data.edges[0].node).toMatchObject({ role: "PATIENT", activated: false, disabled: false, patient: { id: helene.id }, reviewer: null });
    const reviewers = ok(await server.gql(USERS, { role: "REVIEWER", search: "DIR@TEST", first: 100 }, f.admin.token)).users;
    expect(reviewers.edges.map((e: any) => e.node.id).sort()).toEqual([f.reviewerZh.userId, f.reviewerEn.userId, f.reviewerUs.userId].sort());
    expect(reviewers.edges.every((e: any) => e.node.role === "REVIEWER" && e.node.activated && e.node.reviewer)).toBe(true);
  });

  test("a new account answers as not disabled and not activated", async () => {
    const created = ok(
      await server.gql(
        `mutation($input: CreateUserInput!) { createUser(input: $input) { id disabled activated createdAt } }`,
        { input: { email: `new.coordinator.${tag}@test.meridian`, displayName: "Chloé Nouvelle", role: "COORDINATOR" } },
        f.admin.token,
      ),
    ).createUser;
    expect(created).toMatchObject({ disabled: false, activated: false });
    const listed = ok(await server.gql(USERS, { role: "COORDINATOR", search: "chloe nouvelle" }, f.admin.token)).users;
    expect(listed.edges.map((e: any) => e.node)).toEqual([expect.objectContaining({ id: created.id, disabled: false, activated: false })]);
  });

  test("pages without repeats or gaps", async () => {
    const all = ok(await server.gql(USERS, { first: 100 }, f.admin.token)).users;
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const data: any = ok(await server.gql(USERS, { first: 3, after }, f.admin.token)).users;
      seen.push(...data.edges.map((e: any) => e.node.id));
      after = data.pageInfo.hasNextPage ? data.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(all.edges.map((e: any) => e.node.id));
    expect(seen.length).toBe(all.totalCount);
  });

  test("listing a patient's account is a read of their identity", async () => {
    await server.gql(USERS, { search: `xiaoming.${tag}` }, f.admin.token);
    const [row] = await server.db.query(`SELECT actor_user_id FROM audit_entry WHERE action = 'READ_PATIENT' AND patient_id = $1 ORDER BY id DESC LIMIT 1`, [wang.id]);
    expect(row.actor_user_id).toBe(f.admin.userId);
  });

  test("only admins", async () => {
    for (const token of [f.coordinator.token, f.reviewerEn.token, f.patient.token]) expect(failure(await server.gql(USERS, {}, token)).code).toBe("FORBIDDEN");
    expect(failure(await server.gql(USERS, { search: "y".repeat(201) }, f.admin.token))).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "search" } });
  });
});

describe("cases(filter: { search })", () => {
  test("staff find a case by the patient's name without its accents", async () => {
    const data = ok(await server.gql(`{ cases(filter: { search: "helene TREMBLAY" }, first: 100) { edges { node { id } } } }`, {}, f.coordinator.token)).cases;
    expect(data.edges.map((e: any) => e.node.id)).toEqual([heleneCase]);
  });
});

const UPDATE = `mutation($id: ID!, $input: UpdatePatientInput!) {
  updatePatient(id: $id, input: $input) { id fullName email dateOfBirth healthCardNumber preferredLanguage }
}`;

describe("updatePatient", () => {
  let subject: { id: string; userId: string };
  let original: any;
  const update = (input: Record<string, unknown>, token = f.coordinator.token, id = subject.id) => server.gql(UPDATE, { id, input }, token);

  beforeAll(async () => {
    const email = `subject.${tag}@example.ca`;
    subject = ok(
      await server.gql(
        `mutation($input: CreatePatientInput!) { createPatient(input: $input) { id userId } }`,
        { input: { fullName: "Zoé Subject", dateOfBirth: "1950-01-02", email, healthCardNumber: "1111-222-333", preferredLanguage: "EN" } },
        f.coordinator.token,
      ),
    ).createPatient;
    original = { id: subject.id, fullName: "Zoé Subject", email, dateOfBirth: "1950-01-02", healthCardNumber: "1111-222-333", preferredLanguage: "EN" };
  });

  test("an omitted field stays as it is; given ones change", async () => {
    expect(ok(await update({ preferredLanguage: "ZH" })).updatePatient).toEqual({ ...original, preferredLanguage: "ZH" });
    expect(ok(await update({ dateOfBirth: "1950-02-01", healthCardNumber: " 4444-555-666 " }, f.admin.token)).updatePatient).toEqual({
      ...original,
      preferredLanguage: "ZH",
      dateOfBirth: "1950-02-01",
      healthCardNumber: "4444-555-666",
    });
    const [row] = await server.db.query(`SELECT date_of_birth_enc, health_card_number_enc FROM patient WHERE id = $1`, [subject.id]);
    expect(`${row.date_of_birth_enc}${row.health_card_number_enc}`).not.toMatch(/1950|4444/);
    original = { ...original, preferredLanguage: "ZH", dateOfBirth: "1950-02-01", healthCardNumber: "4444-555-666" };
  });

  test("a corrected date of birth moves the age band of the patient's cases (taken on each case's opening day)", async () => {
    const caseId = ok(await server.gql(`mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`, { input: { patientId: subject.id, reason: "Second opinion on the plan" } }, f.coordinator.token)).openCase.id;
    const band = async () => ok(await server.gql(`query($id: ID!) { case(id: $id) { patientAgeBand } }`, { id: caseId }, f.coordinator.token)).case.patientAgeBand;
    const openedYear = new Date().getUTCFullYear();
    ok(await update({ dateOfBirth: `${openedYear - 45}-01-01` }));
    expect(await band()).toBe("40-49");
    ok(await update({ dateOfBirth: original.dateOfBirth }));
    expect(await band()).not.toBe("40-49");
  });

  test("explicit null clears the health card number and nothing else", async () => {
    expect(ok(await update({ healthCardNumber: null })).updatePatient).toEqual({ ...original, healthCardNumber: null });
    original = { ...original, healthCardNumber: null };
    for (const field of ["fullName", "dateOfBirth", "email", "preferredLanguage"]) {
      expect(failure(await update({ [field]: null }))).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: `input.${field}` } });
    }
    expect(ok(await server.gql(`query($id: ID!) { patient(id: $id) { id fullName email dateOfBirth healthCardNumber preferredLanguage } }`, { id: subject.id }, f.coordinator.token)).patient).toEqual(original);
  });

  test("a new name is found by search at once, and is the account's display name", async () => {
    ok(await update({ fullName: "Zoë Renamed-Ødegård" }));
    expect(names(await search("zoe odegard"))).toEqual(["Zoë Renamed-Ødegård"]);
    expect((await server.db.query(`SELECT search_text FROM patient WHERE id = $1`, [subject.id]))[0].search_text).toBe("zoe renamed-odegard");
    const [user] = await server.db.query(`SELECT display_name FROM app_user WHERE id = $1`, [subject.userId]);
    expect(user.display_name).toBe("Zoë Renamed-Ødegård");
    const users = ok(await server.gql(USERS, { search: "ODEGARD" }, f.admin.token)).users;
    expect(users.edges.map((e: any) => e.node.id)).toEqual([subject.userId]);
    original = { ...original, fullName: "Zoë Renamed-Ødegård" };
  });

  test("a new email is the login email and is found by search; the old one is not", async () => {
    const email = `Moved.${tag}@Example.ca`;
    expect(ok(await update({ email })).updatePatient.email).toBe(email.toLowerCase());
    const [user] = await server.db.query(`SELECT email FROM app_user WHERE id = $1`, [subject.userId]);
    expect(user.email).toBe(email.toLowerCase());
    expect(names(await search(`moved.${tag}`))).toEqual([original.fullName]);
    expect(names(await search(`subject.${tag}`))).toEqual([]);
    original = { ...original, email: email.toLowerCase() };
  });

  test("an email in use is CONFLICT on input.email; nothing changes", async () => {
    const response = await update({ fullName: "Should Not Stick", email: f.patient.email.toUpperCase() });
    expect(failure(response)).toMatchObject({ code: "CONFLICT", extensions: { field: "input.email" } });
    expect(ok(await server.gql(`query($id: ID!) { patient(id: $id) { id fullName email dateOfBirth healthCardNumber preferredLanguage } }`, { id: subject.id }, f.coordinator.token)).patient).toEqual(original);
  });

  test("validated as createPatient validates", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ fullName: "   " }, "input.fullName"],
      [{ fullName: "x".repeat(201) }, "input.fullName"],
      [{ email: "not an email" }, "input.email"],
      [{ dateOfBirth: "2999-01-01" }, "input.dateOfBirth"],
      [{ dateOfBirth: "1850-01-01" }, "input.dateOfBirth"],
      [{ healthCardNumber: "<script>" }, "input.healthCardNumber"],
    ];
    for (const [input, field] of cases) expect(failure(await update(input))).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field } });
  });

  test("audited, with no case event; an unknown patient is NOT_FOUND", async () => {
    const caseId = await build.openCase(subject.id);
    const version = await build.version(caseId);
    const audited = async () => Number((await server.db.query(`SELECT count(*) AS n FROM audit_entry WHERE action = 'UPDATE_PATIENT' AND patient_id = $1`, [subject.id]))[0].n);
    const before = await audited();
    ok(await update({ preferredLanguage: "EN" }));
    expect(await audited()).toBe(before + 1);
    expect(await build.version(caseId)).toBe(version);
    expect(failure(await update({ preferredLanguage: "EN" }, f.coordinator.token, crypto.randomUUID())).code).toBe("NOT_FOUND");
  });

  test("reviewers and patients (the patient themself included) are refused", async () => {
    for (const token of [f.reviewerEn.token, f.patient.token]) {
      expect(failure(await update({ fullName: "Hijack" }, token, f.patient.patientId)).code).toBe("FORBIDDEN");
    }
  });
});
