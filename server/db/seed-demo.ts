import crypto from "node:crypto";
import fs from "node:fs";
import { Readable } from "node:stream";
import path from "node:path";
import { hashPassword } from "../auth/password.js";
import { buildContext, loadViewer, type RequestContext } from "../context.js";
import { CaseEntity } from "../cases/case.entity.js";
import { openCase, transitionCase } from "../cases/case.service.js";
import { CaseStatus, ConsentScope, Language, RecordKind, Role } from "../common/enums.js";
import { recordConsent } from "../consents/consent.service.js";
import { createPatient } from "../patients/patient.service.js";
import { acceptDocument } from "../records/document.service.js";
import type { AddMedicalRecordInput } from "../records/medical-record.input.js";
import { addMedicalRecord } from "../records/record.service.js";
import type { Runtime } from "../runtime.js";
import { publishCaseSummary, saveCaseSummary } from "../summaries/summary.service.js";
import { In } from "typeorm";
import { UserEntity } from "../users/user.entity.js";
import { createUser } from "../users/user.service.js";

export const DEMO_ACCOUNTS = [
  { email: "admin@demo.meridian", role: Role.ADMIN, displayName: "Ada Admin" },
  { email: "coordinator@demo.meridian", role: Role.COORDINATOR, displayName: "Chloé Coordinator" },
  { email: "reviewer.zh@demo.meridian", role: Role.REVIEWER, displayName: "Dr. Wang Lei", languages: [Language.ZH] },
  { email: "reviewer.en@demo.meridian", role: Role.REVIEWER, displayName: "Dr. Zhou Min", languages: [Language.EN] },
  { email: "patient@demo.meridian", role: Role.PATIENT, displayName: "Pat Demo" },
] as const;

export interface DemoSeedResult {
  created: boolean;
  password: string;
  passwordSource: "MERIDIAN_DEMO_PASSWORD" | "generated" | "kept";
}

/** The demo password: the environment's, else the one kept in the data directory, else a new one kept there (0600). */
function demoPassword(runtime: Runtime): Pick<DemoSeedResult, "password" | "passwordSource"> {
  if (runtime.config.demoPassword) return { password: runtime.config.demoPassword, passwordSource: "MERIDIAN_DEMO_PASSWORD" };
  const file = path.join(runtime.config.dataDir, "demo-password");
  if (fs.existsSync(file)) return { password: fs.readFileSync(file, "utf8").trim(), passwordSource: "kept" };
  const password = crypto.randomBytes(12).toString("base64url");
  fs.mkdirSync(runtime.config.dataDir, { recursive: true });
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return { password, passwordSource: "generated" };
}

async function contextAs(runtime: Runtime, email: string): Promise<RequestContext> {
  const user = await runtime.db.getRepository(UserEntity).findOneByOrFail({ email });
  const viewer = await loadViewer(runtime, user.id);
  return buildContext(runtime, { authorization: undefined, clientAddress: null, requestId: "seed-demo" }, { viewer: viewer!, expiresAt: Date.now() + 60_000 });
}

/** A record with a small placeholder document: records count as collected once their bytes arrived. */
async function demoRecord(ctx: RequestContext, input: AddMedicalRecordInput): Promise<void> {
  const { row } = await addMedicalRecord(ctx, input);
  const text = `Demo document (${input.title}): placeholder text, no real patient data.\n`;
  await acceptDocument(ctx, row, "text/plain", Readable.from([Buffer.from(text)]));
}

const versionOf = async (ctx: RequestContext, caseId: string) => (await ctx.db.getRepository(CaseEntity).findOneByOrFail({ id: caseId })).version;

/**
 * Seeds the demo accounts and a few demo cases through the services themselves, so the
 * demo data obeys every rule (events, versions, audit). Idempotent: a database that
 * already has the demo admin is left alone.
 */
export async function seedDemo(runtime: Runtime): Promise<DemoSeedResult> {
  const { password, passwordSource } = demoPassword(runtime);
  const users = runtime.db.getRepository(UserEntity);
  if (runtime.config.production) throw new Error("the demo is never seeded in production");
  const demoPatient = await users.findOneBy({ email: "patient@demo.meridian" });
  if (demoPatient?.passwordHash) return { created: false, password, passwordSource };
  if (await users.existsBy({ email: DEMO_ACCOUNTS[0].email })) {
    throw new Error("an earlier demo seed stopped half-way; seed into a fresh database");
  }
  const hash = await hashPassword(password);
  // An entity, not a plain object: its listeners fill the search column.
  await users.insert(users.create({ email: DEMO_ACCOUNTS[0].email, role: Role.ADMIN, displayName: DEMO_ACCOUNTS[0].displayName, passwordHash: hash }));
  const admin = await contextAs(runtime, DEMO_ACCOUNTS[0].email);
  for (const account of DEMO_ACCOUNTS.slice(1)) {
    if (account.role === Role.PATIENT) continue;
    await createUser(admin, {
      email: account.email,
      displayName: account.displayName,
      role: account.role,
      reviewer: "languages" in account ? { institution: "Shanghai Oncology Partner Hospital", country: "CN", specialties: ["Medical oncology", "Thoracic oncology"], languages: [...account.languages] } : null,
    });
  }
  const coordinator = await contextAs(runtime, "coordinator@demo.meridian");
  const patient = await createPatient(coordinator, { fullName: "Pat Demo", dateOfBirth: new Date("1961-04-12"), email: "patient@demo.meridian", healthCardNumber: "1234-567-890", preferredLanguage: Language.EN });
  const second = await createPatient(coordinator, { fullName: "Sam Example", dateOfBirth: new Date("1975-09-30"), email: "sam.example@demo.meridian", healthCardNumber: null, preferredLanguage: Language.EN });
  const third = await createPatient(coordinator, { fullName: "Lin Sample", dateOfBirth: new Date("1958-01-05"), email: "lin.sample@demo.meridian", healthCardNumber: null, preferredLanguage: Language.ZH });

  // Pat's case: records collected, being organised; consent to review in China; no reviewer yet.
  const patCase = await openCase(coordinator, { patientId: patient.id, reason: "Is surgery after chemotherapy the right plan for my lung cancer, or are there other options?" });
  await demoRecord(coordinator, { caseId: patCase.row.id, kind: RecordKind.PATHOLOGY_REPORT, title: "Biopsy pathology report", language: Language.EN, documentDate: new Date("2026-09-02") });
  await demoRecord(coordinator, { caseId: patCase.row.id, kind: RecordKind.IMAGING_REPORT, title: "CT chest report", language: Language.EN, documentDate: new Date("2026-09-10") });
  await recordConsent(coordinator, { patientId: patient.id, scope: ConsentScope.CROSS_BORDER_REVIEW, destinationCountries: ["CN"] });
  await transitionCase(coordinator, patCase.row.id, CaseStatus.CASE_ORGANISATION, await versionOf(coordinator, patCase.row.id), null);

  // Sam's case: summary published, waiting for translation.
  const samCase = await openCase(coordinator, { patientId: second.id, reason: "Second opinion on the treatment plan for colorectal cancer." });
  await demoRecord(coordinator, { caseId: samCase.row.id, kind: RecordKind.CLINICAL_NOTE, title: "Oncology consultation note", language: Language.EN, documentDate: new Date("2026-10-15") });
  await transitionCase(coordinator, samCase.row.id, CaseStatus.CASE_ORGANISATION, await versionOf(coordinator, samCase.row.id), null);
  const summary = await saveCaseSummary(coordinator, {
    caseId: samCase.row.id,
    language: Language.EN,
    primaryCancer: "Adenocarcinoma of the sigmoid colon",
    histology: "Moderately differentiated adenocarcinoma",
    stage: "cT3 N1 M0 (stage IIIB)",
    biomarkers: [{ name: "MSI", result: "MSS" }, { name: "KRAS", result: "G12D mutated" }],
    ecogPerformanceStatus: 1,
    treatmentHistory: "No treatment yet.",
    currentPlan: "Surgery followed by adjuvant CAPOX.",
    questionsForReviewers: ["Would neoadjuvant therapy be worth considering?"],
  });
  await publishCaseSummary(coordinator, summary.id);
  await transitionCase(coordinator, samCase.row.id, CaseStatus.TRANSLATION, await versionOf(coordinator, samCase.row.id), null);

  // Lin's case: just opened.
  await openCase(coordinator, { patientId: third.id, reason: "Confirm the diagnosis of my stomach cancer." });
  // Last, so it marks a complete seed: only the demo accounts get the demo password.
  await users.update({ email: In(DEMO_ACCOUNTS.map((a) => a.email)) }, { passwordHash: hash });
  return { created: true, password, passwordSource };
}

export function describeDemo(result: DemoSeedResult): string {
  const lines = [
    "Demo accounts" + (result.created ? " (created)" : "") + ":",
    ...DEMO_ACCOUNTS.map((a) => `  ${a.email.padEnd(28)} ${a.role}`),
    result.passwordSource === "MERIDIAN_DEMO_PASSWORD"
      ? "  password: the value of MERIDIAN_DEMO_PASSWORD"
      : `  password: ${result.password}   (kept in the data directory, file demo-password)`,
  ];
  return lines.join("\n");
}
