import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Client } from "pg";
import { open } from "../../server/auth/field-crypto";
import { hashPassword } from "../../server/auth/password";
import { Role } from "../../server/common/enums";
import { BACKUP_ADVISORY_LOCK } from "../../server/db/backup";
import { RETENTION_ADVISORY_LOCK, runRetention } from "../../server/erasure/retention";
import { CaseBuilder } from "../support/case-builder";
import { createFixtures, PASSWORD, tokenFor, type Fixtures } from "../support/fixtures";
import { failure, ok, startTestServer, type TestServer } from "../support/server";
import { connect, type WsClient } from "../support/ws-client";

/**
 * Erasure: every identifier, free text and document byte of the erased patient is gone
 * from every column of every table and from the document store, other patients are
 * untouched, the audit trail stays, and the patient answers NOT_FOUND to everyone. Legal
 * holds defer it; retention erases expired cases; an erasure waits for a running backup.
 */

let server: TestServer;
let f: Fixtures;
let build: CaseBuilder;
const clients: WsClient[] = [];
const tag = crypto.randomBytes(4).toString("hex");

interface TestPatient {
  id: string;
  userId: string;
  token: string;
  email: string;
  identifiers: string[];
  texts: string[];
  caseIds: string[];
}

beforeAll(async () => {
  server = await startTestServer({ outboxPollMs: 0 });
  f = await createFixtures(server, "erasure");
  build = new CaseBuilder(server, f.coordinator.token);
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose().catch(() => undefined)));
  await server?.close();
});

const documentsDir = () => path.join(server.config.dataDir, "documents");

async function createPatient(fullName: string, email: string, dateOfBirth: string, healthCardNumber: string): Promise<{ id: string; userId: string; token: string }> {
  const created = ok(
    await server.gql(
      `mutation($input: CreatePatientInput!) { createPatient(input: $input) { id userId } }`,
      { input: { fullName, dateOfBirth, email, healthCardNumber, preferredLanguage: "EN" } },
      f.coordinator.token,
    ),
  ).createPatient;
  return { ...created, token: await tokenFor(server, created.userId, Role.PATIENT) };
}

/**
 * A patient with a free text of every kind, each carrying `prefix`: case reasons, record
 * titles and documents, summaries, comments, options, a transition note, an opinion; one
 * case delivered (active), one on hold and resumed (active).
 */
async function populatedPatient(prefix: string, name: string, dob: string, card: string): Promise<TestPatient> {
  const email = `${prefix.toLowerCase()}+${tag}@example.org`;
  const patient = await createPatient(name, email, dob, card);
  const texts = ["REASON", "TITLE", "DOCBYTES", "SUMMARY", "COMMENT", "OPTION", "NOTE", "OPINION", "SETASIDE", "PATIENTREC"].map((kind) => `${prefix}${kind}${tag}`);
  const [reason, title, docBytes, summary, comment, option, note, opinion, setAside, patientRecord] = texts;
  const delivered = await build.deliveredCase(patient.id, f.reviewerEn, "CN", { opinion, delivered: option, setAside });
  await build.comment(delivered.caseId, delivered.summaryId, comment);
  const second = await build.openCase(patient.id, reason);
  await build.addRecord(second, { title, body: `Report ${docBytes} end` });
  await build.addRecord(second, { token: patient.token, title: patientRecord, body: `Scan ${patientRecord}` });
  await build.saveSummary(second, { currentPlan: summary, biomarkers: [{ name: "EGFR", result: summary }] });
  await build.move(second, "ON_HOLD", note);
  await build.move(second, "RECORDS_COLLECTION");
  return { ...patient, email, identifiers: [name, ...name.split(" "), email, dob, dob.replace(/-/g, ""), card, card.replace(/-/g, "")], texts, caseIds: [delivered.caseId, second] };
}

/** Which needles some text, varchar, char, array, json, jsonb or bytea column of some table still holds. */
async function needlesInDatabase(needles: string[]): Promise<string[]> {
  const columns: Array<{ table_name: string; column_name: string; data_type: string }> = await server.db.query(
    `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
        AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea', 'ARRAY')`,
  );
  expect(columns.length).toBeGreaterThan(30);
  const found = new Set<string>();
  for (const { table_name: table, column_name: column, data_type: type } of columns) {
    const test = type === "bytea" ? `position(convert_to(n, 'UTF8') IN t."${column}") > 0` : `t."${column}"::text ILIKE '%' || n || '%'`;
    const rows: Array<{ n: string }> = await server.db.query(`SELECT n FROM unnest($1::text[]) AS n WHERE EXISTS (SELECT 1 FROM "${table}" t WHERE ${test})`, [needles]);
    for (const row of rows) found.add(`${row.n} in ${table}.${column}`);
  }
  return [...found].sort();
}

/** The needles found somewhere, each once. */
async function neededFound(needles: string[]): Promise<string[]> {
  return [...new Set((await needlesInDatabase(needles)).map((hit) => hit.split(" in ")[0]))].sort();
}

/** What a patient has in plain text: name, its parts, email, free texts (not the document's bytes). */
const plaintextNeedles = (p: TestPatient) => [...p.identifiers.slice(0, 4), ...p.texts.filter((t) => !t.includes("DOCBYTES"))].sort();

/** The login limiter's row of an account (server/auth/login-limiter.ts). */
const limiterKey = (email: string) => `account:${crypto.createHash("sha256").update(email).digest("hex")}`;

/** Every value of every *_enc column, decrypted where it can be. */
async function decryptedValues(): Promise<string[]> {
  const columns: Array<{ table_name: string; column_name: string }> = await server.db.query(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name LIKE '%\\_enc'`,
  );
  expect(columns.length).toBeGreaterThanOrEqual(2);
  const values: string[] = [];
  for (const { table_name: table, column_name: column } of columns) {
    for (const row of await server.db.query(`SELECT "${column}" AS v FROM "${table}" WHERE "${column}" IS NOT NULL AND "${column}" <> ''`)) {
      values.push(open(server.runtime.keyRing, row.v));
    }
  }
  return values;
}

async function documentKeysOf(patientId: string): Promise<string[]> {
  const rows: Array<{ key: string }> = await server.db.query(
    `SELECT r.storage->>'key' AS key FROM medical_record r JOIN medical_case c ON c.id = r.case_id WHERE c.patient_id = $1 AND r.storage IS NOT NULL`,
    [patientId],
  );
  return rows.map((r) => r.key);
}

const caseQuery = `query($id: ID!) { case(id: $id) { id } }`;
const patientQuery = `query($id: ID!) { patient(id: $id) { id } }`;

describe("an erasure requested by the patient", () => {
  let erased: TestPatient;
  let kept: TestPatient;
  let erasedKeys: string[];
  let keptKeys: string[];
  let auditBefore: number;
  let socket: WsClient;
  let reviewerSubscription: ReturnType<WsClient["subscribe"]>;

  beforeAll(async () => {
    erased = await populatedPatient("ERASEME", "Zyxquorth Erasefield", "1949-11-23", "ERASE-4242-77");
    kept = await populatedPatient("KEEPME", "Qwolvin Keepsworth", "1951-04-09", "KEEP-1313-55");
    await server.db.query(`UPDATE app_user SET password_hash = $2 WHERE id = $1`, [erased.userId, await hashPassword(PASSWORD)]);
    // A failed login leaves a limiter row for the account.
    await server.gql(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, { e: erased.email, p: "not the password at all" });
    erasedKeys = await documentKeysOf(erased.id);
    keptKeys = await documentKeysOf(kept.id);
    expect(erasedKeys).toHaveLength(3);
    expect(await server.db.query(`SELECT key FROM login_limit WHERE key = $1`, [limiterKey(erased.email)])).toHaveLength(1);
    // The scan sees every plaintext needle before (dates of birth and card numbers are encrypted at rest, documents are in the store).
    expect(await neededFound([...erased.identifiers, ...erased.texts])).toEqual(plaintextNeedles(erased));
    auditBefore = (await server.db.query(`SELECT count(*)::int AS n FROM audit_entry WHERE patient_id = $1`, [erased.id]))[0].n;
    // The patient and the case's reviewer follow the delivered case; two events show both are live.
    const registered = server.app.hub.stats().subscribers;
    socket = connect(server, erased.token);
    clients.push(socket);
    const own = socket.subscribe(`subscription($c: ID!) { caseActivity(caseId: $c) { id } }`, { c: erased.caseIds[0] });
    const reviewer = connect(server, f.reviewerEn.token);
    clients.push(reviewer);
    reviewerSubscription = reviewer.subscribe(`subscription($c: ID!) { caseActivity(caseId: $c) { id type } }`, { c: erased.caseIds[0] });
    // Both follow from now on: move the case only once the server holds both subscriptions.
    for (const deadline = Date.now() + 30_000; server.app.hub.stats().subscribers < registered + 2 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    await build.move(erased.caseIds[0], "ON_HOLD", "waiting for the patient");
    await build.move(erased.caseIds[0], "OPTIONS_DELIVERED");
    await Promise.all([own.waitFor(2), reviewerSubscription.waitFor(2)]);
    expect(reviewerSubscription.error).toBeUndefined();

    expect(ok(await server.gql(`mutation($p: ID!) { requestErasure(patientId: $p) }`, { p: erased.id }, erased.token)).requestErasure).toBe(true);
  });

  test("no identifier or free text of the patient is readable by SQL in any column of any table; the other patient's all are", async () => {
    expect(await needlesInDatabase([...erased.identifiers, ...erased.texts])).toEqual([]);
    expect(await neededFound([...kept.identifiers, ...kept.texts])).toEqual(plaintextNeedles(kept));
  });

  test("the encrypted identifiers are cleared: nothing decrypts to the patient's date of birth or health card number", async () => {
    const [row] = await server.db.query(`SELECT date_of_birth_enc, health_card_number_enc, erased_at FROM patient WHERE id = $1`, [erased.id]);
    expect(row).toMatchObject({ date_of_birth_enc: "", health_card_number_enc: null });
    expect(row.erased_at).not.toBeNull();
    const values = await decryptedValues();
    expect(values.filter((v) => v === "1949-11-23" || v === "ERASE-4242-77")).toEqual([]);
    expect(values).toEqual(expect.arrayContaining(["1951-04-09", "KEEP-1313-55"]));
  });

  test("no document of the patient is left in the store; the other patient's are intact", async () => {
    const files = fs.readdirSync(documentsDir());
    for (const key of erasedKeys) expect(files).not.toContain(key);
    for (const key of keptKeys) expect(files).toContain(key);
    // What is left is exactly what the database still refers to.
    const referenced: Array<{ key: string }> = await server.db.query(`SELECT storage->>'key' AS key FROM medical_record WHERE storage IS NOT NULL`);
    expect(files.sort()).toEqual(referenced.map((r) => r.key).sort());
    const keptDocument = ok(await server.gql(`query($id: ID!) { case(id: $id) { records { title downloadUrl } } }`, { id: kept.caseIds[1] }, f.coordinator.token)).case.records;
    const titled = keptDocument.find((r: { title: string }) => r.title === kept.texts[1]);
    expect(await (await fetch(titled.downloadUrl)).text()).toBe(`Report ${kept.texts[2]} end`);
  });

  test("active cases were withdrawn with their events first; every case's version still equals its number of events", async () => {
    const events: Array<{ case_id: string; to_status: string }> = await server.db.query(
      `SELECT case_id, to_status FROM case_event WHERE case_id = ANY($1::uuid[]) AND type = 'STATUS_CHANGED' ORDER BY id`,
      [erased.caseIds],
    );
    for (const caseId of erased.caseIds) expect(events.filter((e) => e.case_id === caseId).at(-1)?.to_status).toBe("WITHDRAWN");
    const mismatched = await server.db.query(`SELECT c.id FROM medical_case c WHERE c.version <> (SELECT count(*) FROM case_event e WHERE e.case_id = c.id)`);
    expect(mismatched).toEqual([]);
    // The reviewer following the delivered case lost it with its withdrawal.
    await reviewerSubscription.waitForEnd();
    expect((reviewerSubscription.error as Array<{ extensions: { code: string } }>)[0].extensions.code).toBe("NOT_FOUND");
  });

  test("the patient answers NOT_FOUND to everyone, like a missing one, and is in no list", async () => {
    const missingPatient = failure(await server.gql(patientQuery, { id: crypto.randomUUID() }, f.admin.token));
    const missingCase = failure(await server.gql(caseQuery, { id: crypto.randomUUID() }, f.coordinator.token));
    for (const token of [f.admin.token, f.coordinator.token]) {
      expect(failure(await server.gql(patientQuery, { id: erased.id }, token))).toEqual(missingPatient);
      for (const id of erased.caseIds) expect(failure(await server.gql(caseQuery, { id }, token))).toEqual(missingCase);
    }
    expect(failure(await server.gql(caseQuery, { id: erased.caseIds[0] }, f.reviewerEn.token)).code).toBe("NOT_FOUND");
    const listed = ok(await server.gql(`{ cases(first: 100) { totalCount edges { node { id } } } }`, {}, f.coordinator.token)).cases;
    const ids = listed.edges.map((e: { node: { id: string } }) => e.node.id);
    for (const id of erased.caseIds) expect(ids).not.toContain(id);
    for (const id of kept.caseIds) expect(ids).toContain(id);
    expect(listed.totalCount).toBe(ids.length);
    // Nothing more can be done to them.
    expect(failure(await server.gql(`mutation($p: ID!) { requestErasure(patientId: $p) }`, { p: erased.id }, f.coordinator.token)).code).toBe("NOT_FOUND");
    expect(failure(await server.gql(`mutation($p: ID!) { exportPatientFile(patientId: $p) }`, { p: erased.id }, f.admin.token)).code).toBe("NOT_FOUND");
    expect(failure(await server.gql(`mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`, { input: { patientId: erased.id, reason: "again" } }, f.coordinator.token)).code).toBe("NOT_FOUND");
    expect(failure(await server.gql(`mutation($id: ID!) { updatePatient(id: $id, input: { fullName: "Back Again" }) { id } }`, { id: erased.id }, f.coordinator.token)).code).toBe("NOT_FOUND");
    // Not in the patient directory either (by the reference its case rows keep, nor at all), and the list still answers.
    const reference = (await server.db.query(`SELECT reference FROM medical_case WHERE id = $1`, [erased.caseIds[0]]))[0].reference;
    for (const search of [reference, null]) {
      const found = ok(await server.gql(`query($s: String) { patients(search: $s, first: 100) { edges { node { id dateOfBirth } } } }`, { s: search }, f.coordinator.token)).patients;
      expect(found.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(erased.id);
    }
  });

  test("their user cannot sign in, their tokens are dead, their sockets close, their login counter is gone", async () => {
    expect(await server.db.query(`SELECT key FROM login_limit WHERE key = $1`, [limiterKey(erased.email)])).toEqual([]);
    const login = failure(await server.gql(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, { e: erased.email, p: PASSWORD }));
    expect(login.code).toBe("UNAUTHENTICATED");
    expect(ok(await server.gql(`{ viewer { id } }`, {}, erased.token)).viewer).toBeNull();
    await server.app.recheckSessions();
    expect((await socket.closed).code).toBe(4403);
  });

  test("the audit trail keeps every entry (ids only) and records the request and the erasure", async () => {
    const rows: Array<{ action: string }> = await server.db.query(`SELECT action FROM audit_entry WHERE patient_id = $1 ORDER BY id`, [erased.id]);
    expect(rows.length).toBeGreaterThan(auditBefore);
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(["REQUEST_ERASURE", "TRANSITION_CASE", "ERASE_CASE", "ERASE_PATIENT"]));
  });
});

describe("legal holds", () => {
  test("under a hold the request is recorded and answers false; lifting the hold (admins only) runs it", async () => {
    const patient = await createPatient("Held Patient", `held+${tag}@example.org`, "1970-01-01", "HOLD-1");
    const caseId = await build.openCase(patient.id, `HELDREASON${tag}`);
    const hold = `mutation($p: ID!) { placeLegalHold(patientId: $p, reason: "Court order 12") }`;
    expect(failure(await server.gql(hold, { p: patient.id }, f.coordinator.token)).code).toBe("FORBIDDEN");
    expect(ok(await server.gql(hold, { p: patient.id }, f.admin.token)).placeLegalHold).toBe(true);

    expect(ok(await server.gql(`mutation($p: ID!) { requestErasure(patientId: $p) }`, { p: patient.id }, patient.token)).requestErasure).toBe(false);
    const [row] = await server.db.query(`SELECT erased_at, erasure_requested_at FROM patient WHERE id = $1`, [patient.id]);
    expect(row.erased_at).toBeNull();
    expect(row.erasure_requested_at).not.toBeNull();
    expect(ok(await server.gql(caseQuery, { id: caseId }, patient.token)).case.id).toBe(caseId);

    const lift = `mutation($p: ID!) { liftLegalHold(patientId: $p) }`;
    expect(failure(await server.gql(lift, { p: patient.id }, f.coordinator.token)).code).toBe("FORBIDDEN");
    expect(ok(await server.gql(lift, { p: patient.id }, f.admin.token)).liftLegalHold).toBe(true);
    expect(await needlesInDatabase(["Held Patient", `HELDREASON${tag}`, `held+${tag}@example.org`, "Court order 12"])).toEqual([]);
    expect(failure(await server.gql(patientQuery, { id: patient.id }, f.admin.token)).code).toBe("NOT_FOUND");
  });

  test("Patient.legalHold shows a standing hold to admins only, with whether an erasure waits on it", async () => {
    const patient = await createPatient("Visibly Held", `visible+${tag}@example.org`, "1972-01-01", "HOLD-3");
    const holdOf = async (token: string) => ok(await server.gql(`query($id: ID!) { patient(id: $id) { legalHold { reason placedAt erasureRequested } } }`, { id: patient.id }, token)).patient.legalHold;
    expect(await holdOf(f.admin.token)).toBeNull();
    ok(await server.gql(`mutation($p: ID!) { placeLegalHold(patientId: $p, reason: "Subpoena 7") }`, { p: patient.id }, f.admin.token));
    expect(await holdOf(f.admin.token)).toEqual({ reason: "Subpoena 7", placedAt: expect.any(String), erasureRequested: false });
    expect(await holdOf(f.coordinator.token)).toBeNull();
    expect(await holdOf(patient.token)).toBeNull();
    ok(await server.gql(`mutation($p: ID!) { requestErasure(patientId: $p) }`, { p: patient.id }, patient.token));
    expect((await holdOf(f.admin.token)).erasureRequested).toBe(true);
    const listed = ok(await server.gql(`query($s: String) { patients(search: $s, first: 5) { edges { node { id legalHold { reason } } } } }`, { s: "Visibly Held" }, f.admin.token));
    expect(listed.patients.edges.map((e: any) => e.node)).toEqual([{ id: patient.id, legalHold: { reason: "Subpoena 7" } }]);
  });

  test("a hold without a pending request lifts without erasing anything", async () => {
    const patient = await createPatient("Briefly Held", `brief+${tag}@example.org`, "1971-01-01", "HOLD-2");
    ok(await server.gql(`mutation($p: ID!) { placeLegalHold(patientId: $p, reason: "Audit") }`, { p: patient.id }, f.admin.token));
    expect(ok(await server.gql(`mutation($p: ID!) { liftLegalHold(patientId: $p) }`, { p: patient.id }, f.admin.token)).liftLegalHold).toBe(false);
    expect(ok(await server.gql(patientQuery, { id: patient.id }, patient.token)).patient.id).toBe(patient.id);
  });
});

describe("retention", () => {
  test("cases closed or withdrawn longer than MERIDIAN_RETENTION_DAYS ago are erased; a patient with nothing left is erased whole; held patients are not", async () => {
    const gone = await createPatient("Expired Patient", `expired+${tag}@example.org`, "1940-01-01", "RET-1");
    const partly = await createPatient("Partly Expired", `partly+${tag}@example.org`, "1941-01-01", "RET-2");
    const held = await createPatient("Held Expired", `heldexp+${tag}@example.org`, "1942-01-01", "RET-3");
    const oldCase = async (patientId: string, reason: string) => {
      const id = await build.openCase(patientId, reason);
      await build.addRecord(id, { title: `${reason}-record` });
      await build.move(id, "WITHDRAWN");
      return id;
    };
    const goneCase = await oldCase(gone.id, `RETGONE${tag}`);
    const partlyOld = await oldCase(partly.id, `RETOLD${tag}`);
    const partlyRecent = await oldCase(partly.id, `RETRECENT${tag}`);
    const partlyActive = await build.openCase(partly.id, `RETACTIVE${tag}`);
    const heldCase = await oldCase(held.id, `RETHELD${tag}`);
    ok(await server.gql(`mutation($p: ID!) { placeLegalHold(patientId: $p, reason: "Litigation") }`, { p: held.id }, f.admin.token));
    const days = server.config.retentionDays;
    await server.db.query(`UPDATE medical_case SET status_since = now() - make_interval(days => $2 + 1) WHERE id = ANY($1::uuid[])`, [[goneCase, partlyOld, heldCase], days]);
    await server.db.query(`UPDATE medical_case SET status_since = now() - make_interval(days => $2 - 1) WHERE id = $1`, [partlyRecent, days]);

    // Another process running it: this one skips.
    const other = new Client({ connectionString: (server.db.options as { url: string }).url });
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock($1)`, [RETENTION_ADVISORY_LOCK]);
      expect(await runRetention(server.runtime)).toBeNull();
    } finally {
      await other.end();
    }

    expect(await runRetention(server.runtime)).toEqual({ cases: 2, patients: 1 });
    expect(await needlesInDatabase(["Expired Patient", `RETGONE${tag}`, `RETOLD${tag}`])).toEqual([]);
    expect(failure(await server.gql(patientQuery, { id: gone.id }, f.admin.token)).code).toBe("NOT_FOUND");
    expect(failure(await server.gql(caseQuery, { id: partlyOld }, partly.token)).code).toBe("NOT_FOUND");
    for (const id of [partlyRecent, partlyActive]) expect(ok(await server.gql(caseQuery, { id }, partly.token)).case.id).toBe(id);
    expect(ok(await server.gql(caseQuery, { id: heldCase }, held.token)).case.id).toBe(heldCase);
    const kept = [`RETRECENT${tag}`, `RETACTIVE${tag}`, `RETHELD${tag}`, "Partly Expired", "Held Expired"];
    expect(await neededFound(kept)).toEqual([...kept].sort());
    // Nothing left to do on the next run.
    expect(await runRetention(server.runtime)).toEqual({ cases: 0, patients: 0 });
  });
});

test("an erasure waits for a running backup, which holds the backup lock shared for its whole snapshot", async () => {
  const patient = await createPatient("Backed Up", `backup+${tag}@example.org`, "1960-06-06", "BK-1");
  await build.openCase(patient.id, `BACKUPREASON${tag}`);
  const backup = new Client({ connectionString: (server.db.options as { url: string }).url, application_name: "test-backup" });
  await backup.connect();
  let settled = false;
  try {
    await backup.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await backup.query("SELECT pg_advisory_xact_lock_shared($1)", [BACKUP_ADVISORY_LOCK]);
    const erasure = server.gql(`mutation($p: ID!) { requestErasure(patientId: $p) }`, { p: patient.id }, patient.token).finally(() => (settled = true));
    // The erasure is queued behind the backup's lock (seen in pg_locks), not done.
    let waiting = 0;
    while (waiting === 0 && !settled) {
      await new Promise((r) => setTimeout(r, 20));
      waiting = (await backup.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted`, [BACKUP_ADVISORY_LOCK])).rows[0].n;
    }
    // The backup's snapshot still sees the patient whole.
    const [row] = (await backup.query(`SELECT full_name, erased_at FROM patient WHERE id = $1`, [patient.id])).rows;
    expect(row).toEqual({ full_name: "Backed Up", erased_at: null });
    expect(settled).toBe(false);
    await backup.query("COMMIT");
    expect(ok(await erasure).requestErasure).toBe(true);
  } finally {
    await backup.end();
  }
  expect(await needlesInDatabase(["Backed Up", `BACKUPREASON${tag}`])).toEqual([]);
});
