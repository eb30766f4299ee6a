import crypto from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import tar from "tar-stream";
import { CaseBuilder } from "../support/case-builder";
import { createFixtures, tokenFor, type Fixtures } from "../support/fixtures";
import { failure, ok, startTestServer, type TestServer } from "../support/server";
import { Role } from "../../server/common/enums";

/**
 * The patient's right of access: exportPatientFile hands out a short-lived, single-use URL
 * of one tar.gz holding the file as the patient sees it (records and their documents,
 * published summaries, delivered options, consents, access log), indexed as JSON and as
 * HTML in the patient's language; the download re-checks the policy and is audited.
 */

let server: TestServer;
let f: Fixtures;
let build: CaseBuilder;
let patientId: string;
let patientToken: string;
let world: Awaited<ReturnType<CaseBuilder["deliveredCase"]>>;
let draftId: string;
const NAME = `Li "Mei" <b>Wang</b> & Co`;
const DOCUMENT = "Pathology: adenocarcinoma, EGFR exon 19 deletion. 病理报告";

beforeAll(async () => {
  server = await startTestServer({ outboxPollMs: 0 });
  f = await createFixtures(server, "export");
  build = new CaseBuilder(server, f.coordinator.token);
  const created = ok(
    await server.gql(
      `mutation($input: CreatePatientInput!) { createPatient(input: $input) { id userId } }`,
      { input: { fullName: NAME, dateOfBirth: "1961-02-03", email: "li.mei.export@test.meridian", healthCardNumber: "5555-444-333", preferredLanguage: "ZH" } },
      f.coordinator.token,
    ),
  ).createPatient;
  patientId = created.id;
  patientToken = await tokenFor(server, created.userId, Role.PATIENT);
  world = await build.deliveredCase(patientId, f.reviewerEn, "CN", { opinion: "Reviewer opinion, staff only.", delivered: "Option the patient sees", setAside: "Option set aside" });
  await build.addRecord(world.caseId, { title: "Second pathology", body: DOCUMENT });
  draftId = await build.saveSummary(world.caseId, { currentPlan: "Draft plan never published" });
});

afterAll(async () => {
  await server?.close();
});

async function exportUrl(token: string, id = patientId): Promise<string> {
  return ok(await server.gql(`mutation($p: ID!) { exportPatientFile(patientId: $p) }`, { p: id }, token)).exportPatientFile;
}

/** Every entry of a tar.gz, by name. */
async function untar(bytes: Buffer): Promise<Map<string, Buffer>> {
  const entries = new Map<string, Buffer>();
  const extract = tar.extract();
  extract.on("entry", (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: unknown) => chunks.push(chunk as Buffer));
    stream.on("end", () => {
      entries.set(header.name, Buffer.concat(chunks));
      next();
    });
  });
  await pipeline(Readable.from([bytes]), zlib.createGunzip(), extract);
  return entries;
}

test("the patient downloads one archive of their whole file, as they see it, once", async () => {
  const url = await exportUrl(patientToken);
  expect(url.startsWith(`${server.runtime.publicUrl}/documents/export/`)).toBe(true);
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("application/gzip");
  expect(response.headers.get("content-disposition")).toBe(`attachment; filename="meridian-file-${patientId}.tar.gz"`);
  const entries = await untar(Buffer.from(await response.arrayBuffer()));

  const index = JSON.parse(entries.get("index.json")!.toString("utf8"));
  expect(index.patient).toMatchObject({ id: patientId, fullName: NAME, dateOfBirth: "1961-02-03", healthCardNumber: "5555-444-333", email: "li.mei.export@test.meridian", preferredLanguage: "ZH" });
  expect(index.cases).toHaveLength(1);
  const [c] = index.cases;
  expect(c.id).toBe(world.caseId);
  // Every record, each document decrypted, byte for byte.
  expect(c.records).toHaveLength(2);
  for (const record of c.records) {
    expect(record.document).toBe(`documents/${record.id}.txt`);
    const bytes = entries.get(record.document)!;
    expect(bytes.length).toBe(record.sizeBytes);
  }
  const second = c.records.find((r: { title: string }) => r.title === "Second pathology");
  expect(entries.get(second.document)!.toString("utf8")).toBe(DOCUMENT);
  // Published summaries only; delivered options only; no opinions, comments or drafts.
  expect(c.summaries.map((s: { id: string }) => s.id)).toEqual([world.summaryId]);
  expect(c.options.map((o: { id: string }) => o.id)).toEqual([world.deliveredOptionId]);
  const text = entries.get("index.json")!.toString("utf8");
  for (const hidden of [draftId, "Draft plan never published", "Option set aside", "Reviewer opinion, staff only.", "Please weigh targeted therapy."]) expect(text).not.toContain(hidden);
  expect(c.events.map((e: { type: string }) => e.type)).not.toContain("COMMENT_ADDED");
  expect(index.consents).toHaveLength(1);
  expect(index.consents[0].destinationCountries).toEqual(["CN"]);
  expect(index.accessLog.length).toBeGreaterThan(0);
  expect(index.accessLog.some((e: { kind: string }) => e.kind === "CREATED_FILE")).toBe(true);

  // The human index is in the patient's language, with every value escaped.
  const html = entries.get("index.html")!.toString("utf8");
  expect(html).toContain(`<html lang="zh">`);
  expect(html).toContain("您的 Meridian 档案");
  expect(html).toContain("Li &quot;Mei&quot; &lt;b&gt;Wang&lt;/b&gt; &amp; Co");
  expect(html).not.toContain("<b>Wang</b>");
  expect(html).toContain(`href="${second.document}"`);
  expect([...entries.keys()].sort()).toEqual(["index.html", "index.json", ...c.records.map((r: { document: string }) => r.document)].sort());

  // Single use.
  expect((await fetch(url)).status).toBe(404);
});

test("staff export it too; the patient's access log says so in plain words; both steps are audited", async () => {
  const url = await exportUrl(f.coordinator.token);
  expect((await fetch(url)).status).toBe(200);
  const log = ok(await server.gql(`query($id: ID!) { patient(id: $id) { accessLog { kind actorName description } } }`, { id: patientId }, patientToken)).patient.accessLog;
  expect(log).toEqual(
    expect.arrayContaining([
      { kind: "EXPORTED_FILE", actorName: "Test Coordinator", description: "Test Coordinator（协调员）准备了您完整档案的副本" },
      { kind: "DOWNLOADED_FILE", actorName: "Test Coordinator", description: "Test Coordinator（协调员）下载了您完整档案的副本" },
    ]),
  );
  const audited = await server.db.query(`SELECT action, actor_user_id FROM audit_entry WHERE patient_id = $1 AND action IN ('EXPORT_FILE', 'DOWNLOAD_EXPORT') ORDER BY id`, [patientId]);
  expect(audited.filter((a: { actor_user_id: string }) => a.actor_user_id === f.coordinator.userId).map((a: { action: string }) => a.action)).toEqual(["EXPORT_FILE", "DOWNLOAD_EXPORT"]);
});

test("someone else's file answers NOT_FOUND, like a missing one; a forged or altered URL serves nothing", async () => {
  const other = failure(await server.gql(`mutation($p: ID!) { exportPatientFile(patientId: $p) }`, { p: f.otherPatient.patientId }, patientToken));
  expect(other.code).toBe("NOT_FOUND");
  const missing = failure(await server.gql(`mutation($p: ID!) { exportPatientFile(patientId: $p) }`, { p: crypto.randomUUID() }, patientToken));
  expect(missing).toEqual(other);
  const url = await exportUrl(patientToken);
  expect((await fetch(`${url.slice(0, -2)}xx`)).status).toBe(404);
  // A download URL's token is for another purpose.
  const download = ok(await server.gql(`query($id: ID!) { case(id: $id) { records { downloadUrl } } }`, { id: world.caseId }, patientToken)).case.records[0].downloadUrl as string;
  expect((await fetch(download.replace("/documents/download/", "/documents/export/"))).status).toBe(404);
});

test("the policy is checked again at download: a URL of a user disabled since serves nothing", async () => {
  const url = await exportUrl(f.otherPatient.token, f.otherPatient.patientId);
  await server.db.query(`UPDATE app_user SET disabled_at = now() WHERE id = $1`, [f.otherPatient.userId]);
  try {
    expect((await fetch(url)).status).toBe(404);
  } finally {
    await server.db.query(`UPDATE app_user SET disabled_at = NULL WHERE id = $1`, [f.otherPatient.userId]);
  }
  const downloads = await server.db.query(`SELECT count(*)::int AS n FROM audit_entry WHERE patient_id = $1 AND action = 'DOWNLOAD_EXPORT'`, [f.otherPatient.patientId]);
  expect(downloads[0].n).toBe(0);
});

test("a patient without a case gets their archive too", async () => {
  const created = ok(
    await server.gql(
      `mutation($input: CreatePatientInput!) { createPatient(input: $input) { id userId } }`,
      { input: { fullName: "New Patient", dateOfBirth: "1980-08-08", email: "new.export@test.meridian", preferredLanguage: "EN" } },
      f.coordinator.token,
    ),
  ).createPatient;
  const response = await fetch(await exportUrl(await tokenFor(server, created.userId, Role.PATIENT), created.id));
  expect(response.status).toBe(200);
  const entries = await untar(Buffer.from(await response.arrayBuffer()));
  expect(JSON.parse(entries.get("index.json")!.toString("utf8"))).toMatchObject({ patient: { fullName: "New Patient", healthCardNumber: null }, cases: [], consents: [] });
  expect(entries.get("index.html")!.toString("utf8")).toContain(`<html lang="en">`);
});
