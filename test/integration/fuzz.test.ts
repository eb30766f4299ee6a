import crypto from "node:crypto";
import fc from "fast-check";
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from "graphql";
import { hashOpaqueToken, newOpaqueToken } from "../../server/auth/tokens";
import { buildMeridianSchema } from "../../server/schema/build-schema";
import { createFixtures, PASSWORD, type Fixtures } from "../support/fixtures";
import { ok, startTestServer, type TestServer } from "../support/server";
import { DOMAIN_TABLES } from "../support/domain-tables";

/**
 * Property tests that throw random and hostile variables at every Mutation field of the
 * schema, over HTTP, as several accounts: no 500, no INTERNAL_SERVER_ERROR, every error
 * carries a code, the server keeps answering, a refused call writes nothing, and hostile
 * text that is legal input is stored exactly as sent (data, never interpreted).
 */

const SEED = 20261127;
const RUNS_PER_MUTATION = 30;
const RAW_BODY_RUNS = 40;
/** express.json's limit on /graphql: a bigger body is refused before GraphQL sees it. */
const BODY_LIMIT_BYTES = 1024 * 1024;

// ---------------------------------------------------------------------------------------
// Hostile values
// ---------------------------------------------------------------------------------------

const INJECTION = [
  "'; DROP TABLE medical_case; --",
  '" OR 1=1 --',
  "' OR '1'='1",
  "1'); DELETE FROM app_user; --",
  "'; SELECT pg_sleep(5); --",
  "$$; DROP TABLE consent; $$",
  "\\'; TRUNCATE case_event CASCADE; --",
  "Robert'); DROP TABLE patient;--",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(document.cookie)>",
  '"><svg/onload=alert(1)>',
  "javascript:alert(1)",
  "{{7*7}}",
  "${7*7}",
  "#{7*7}",
  "<%= 7*7 %>",
  "%s%s%s%n%x",
  "../../../../etc/passwd",
  '{"$ne": null}',
  "__proto__",
  "constructor",
  "query { viewer { id } }",
  "\\u0000",
];
const UNICODE = [
  "\u202Eevil\u202C",
  "\u200B",
  "a\u200Db\u200Cc",
  "\uFEFFbom",
  "\u2066isolate\u2069",
  "👩‍⚕️🧬🇨🇳",
  "Z̤̺̲̈́a̧͔l̢g͙o̶",
  "右上叶非小细胞肺癌",
  "مرحبا بالعالم",
  "𝕳𝖊𝖑𝖑𝖔",
  "line\u2028sep\u2029end",
  "tab\there\r\nnew line",
  "İıﬀß",
  "\u00A0nbsp\u00A0",
  "  padded  ",
  "\u007F\u0001\u001B[31m",
];
const NUMERIC = ["0", "-1", "1e309", "NaN", "Infinity", "9007199254740993", "0x1F", "1.5", "true", "null", "undefined", "[]", "{}"];
/** Text PostgreSQL cannot store as sent: NUL, and UTF-16 surrogates without their pair. */
const UNSTORABLE = ["\u0000", "a\u0000b", "\u0000'; DROP TABLE medical_case; --", "\uD800", "\uDFFF", "x\uD83Dy", "end\uDBFF", "\uDC00start"];

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const storable = (s: string) => !s.includes("\u0000") && !LONE_SURROGATE.test(s);

/** Formatting the text rules refuse in a single-line field (control characters, bidirectional overrides). */
const REFUSED_FORMATTING = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

/**
 * Hostile text that is still legal input for any text field (short enough, storable, one
 * line, not blank), in the form the server stores it: trimmed.
 */
const legalText: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 4, arbitrary: fc.constantFrom(...INJECTION, ...UNICODE, ...NUMERIC) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...INJECTION), fc.constantFrom(...UNICODE)).map(([a, b]) => `${a} ${b}`) },
    { weight: 2, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 30 }).filter(storable) },
  )
  .map((text) => text.trim())
  .filter((text) => text !== "" && !REFUSED_FORMATTING.test(text));

/** 10k to 1M characters; the biggest bodies go over the 1 MB limit. */
const hugeText: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(10_000, 20_001, 70_000, 300_000, 1_000_000), fc.constantFrom("A", "😀", "<script>", "'", "\u200B", "é", "ab\u0000", "右"))
  .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));

const anyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: legalText },
  { weight: 2, arbitrary: fc.constantFrom(...UNSTORABLE) },
  { weight: 1, arbitrary: hugeText },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom("", " ", "\n") },
);

const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant({}),
  fc.constant([]),
  fc.constant(JSON.parse('{"__proto__": {"polluted": true}}')),
  fc.constant({ constructor: { prototype: { polluted: true } } }),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.constant(null)), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.integer(), fc.string({ maxLength: 6 }), fc.constant(null)), { maxKeys: 3 }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -0, 1e308, -1e308, 2 ** 31, -(2 ** 31) - 1),
);

/** Passwords that pass the policy, with hostile content. */
const strongPassword = fc.tuple(fc.constantFrom(...INJECTION.filter((s) => s.length >= 12)), fc.string({ minLength: 0, maxLength: 8 })).map(([a, b]) => `${a}${b}`);

let emailCounter = 0;
const freshEmail = fc
  .constantFrom("fuzz.{n}@test.meridian", "o'brien+{n}@test.meridian", "{n}.x_y-z@sub.test.meridian", "UPPER.{n}@TEST.MERIDIAN")
  .map((template) => template.replace("{n}", `${Date.now().toString(36)}${++emailCounter}`));

const CURRENT_VERSION = "@current-version";
const FRESH_COMMENT = "@fresh-comment";
const DELETE = Symbol("delete");

// ---------------------------------------------------------------------------------------
// The world the calls aim at
// ---------------------------------------------------------------------------------------

type IdKind = "case" | "patient" | "user" | "reviewer" | "record" | "summary" | "assignment" | "consent" | "option" | "comment";
type Actor = "coordinator" | "admin" | "patient" | "otherPatient" | "reviewerEn" | "reviewerZh" | "anonymous" | "forged";

interface World {
  caseId: string;
  /** Cases of the patient in PATHWAY_ASSESSMENT with reviewerEn accepted (the first is caseId). */
  reviewedCases: Array<{ caseId: string; recordId: string; summaryId: string; accepted: string; invited: string }>;
  /** The other patient's case, where transitionCase may succeed. */
  case2Id: string;
  unuploadedRecordId: string;
  draftSummaryId: string;
  optionId: string;
  commentId: string;
  consentId: string;
  consent2Id: string;
  /** Invitations on the other patient's case, not answered: cancelInvitation may succeed on them. */
  cancellableInvitations: string[];
  inviteeUserIds: string[];
  /** Patients whose details updatePatient may change (the world's own patients keep theirs). */
  editablePatientIds: string[];
  invitationTokens: string[];
  refreshTokens: string[];
  signOutTokens: string[];
  ids: Array<{ kind: IdKind; id: string }>;
}

let server: TestServer;
let f: Fixtures;
let w: World;
/** Patients of their own for the erasure mutations, which must never erase the world's. */
let erasureWorld: { held: string; holdTarget: string; lifted: string };
let schema: GraphQLSchema;
let forgedToken: string;

async function call(query: string, variables: Record<string, unknown>, token?: string) {
  return ok(await server.gql(query, variables, token));
}

async function move(caseId: string, to: string, note?: string) {
  const { case: current } = await call(`query($id: ID!) { case(id: $id) { version } }`, { id: caseId }, f.coordinator.token);
  await call(
    `mutation($id: ID!, $to: CaseStatus!, $v: Int!, $note: String) { transitionCase(id: $id, to: $to, expectedVersion: $v, note: $note) { id } }`,
    { id: caseId, to, v: current.version, note },
    f.coordinator.token,
  );
}

/** A case of the patient with an uploaded, shared record, a published summary, reviewerEn accepted and reviewerZh invited, in PATHWAY_ASSESSMENT. */
async function buildReviewedCase(reason: string) {
  const coordinator = f.coordinator.token;
  const caseId = (await call(`mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`, { input: { patientId: f.patient.patientId, reason } }, coordinator)).openCase.id;
  const record = (
    await call(
      `mutation($input: AddMedicalRecordInput!) { addMedicalRecord(input: $input) { id uploadUrl } }`,
      { input: { caseId, kind: "PATHOLOGY_REPORT", title: "Core biopsy pathology", language: "EN", documentDate: "2026-01-10" } },
      coordinator,
    )
  ).addMedicalRecord;
  const upload = await fetch(record.uploadUrl, { method: "PUT", headers: { "content-type": "application/pdf" }, body: Buffer.from("%PDF-1.7 redacted") });
  expect(upload.status).toBe(201);
  await call(`mutation($id: ID!) { shareRecordWithReviewers(id: $id, redactionConfirmed: true) { id } }`, { id: record.id }, coordinator);
  await move(caseId, "CASE_ORGANISATION");
  const summaryId = (
    await call(
      `mutation($input: SaveCaseSummaryInput!) { saveCaseSummary(input: $input) { id } }`,
      { input: { caseId, language: "EN", primaryCancer: "Non-small cell lung cancer", histology: "Adenocarcinoma", stage: "cT2a N1 M0", ecogPerformanceStatus: 1 } },
      coordinator,
    )
  ).saveCaseSummary.id;
  await call(`mutation($id: ID!) { publishCaseSummary(id: $id) { id } }`, { id: summaryId }, coordinator);
  await move(caseId, "TRANSLATION");
  const invite = async (reviewerId: string) =>
    (await call(`mutation($c: ID!, $r: ID!) { inviteReviewer(caseId: $c, reviewerId: $r) { id } }`, { c: caseId, r: reviewerId }, coordinator)).inviteReviewer.id as string;
  const accepted = await invite(f.reviewerEn.reviewerId);
  await call(`mutation($id: ID!) { respondToInvitation(assignmentId: $id, accept: true) { id } }`, { id: accepted }, f.reviewerEn.token);
  const invited = await invite(f.reviewerZh.reviewerId);
  await move(caseId, "PATHWAY_ASSESSMENT");
  return { caseId, recordId: record.id as string, summaryId, accepted, invited };
}

async function buildWorld(): Promise<World> {
  const coordinator = f.coordinator.token;
  const consentId = (
    await call(
      `mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id } }`,
      { input: { patientId: f.patient.patientId, scope: "CROSS_BORDER_REVIEW", destinationCountries: ["CN"] } },
      f.patient.token,
    )
  ).recordConsent.id;
  const reviewedCases = [];
  for (let i = 0; i < 3; i++) reviewedCases.push(await buildReviewedCase(`Second opinion number ${i + 1}`));
  const main = reviewedCases[0];
  const unuploadedRecordId = (
    await call(
      `mutation($input: AddMedicalRecordInput!) { addMedicalRecord(input: $input) { id } }`,
      { input: { caseId: main.caseId, kind: "LAB_RESULT", title: "Blood panel", language: "EN" } },
      coordinator,
    )
  ).addMedicalRecord.id;
  const draftSummaryId = (
    await call(`mutation($input: SaveCaseSummaryInput!) { saveCaseSummary(input: $input) { id } }`, { input: { caseId: main.caseId, language: "EN", currentPlan: "Lobectomy" } }, coordinator)
  ).saveCaseSummary.id;
  const optionId = (
    await call(
      `mutation($input: ProposePathwayOptionInput!) { proposePathwayOption(input: $input) { id } }`,
      { input: { caseId: main.caseId, kind: "CLINICAL_TRIAL", title: "A trial", description: "Consider a trial.", complexity: "MEDIUM" } },
      f.reviewerEn.token,
    )
  ).proposePathwayOption.id;
  const commentId = (
    await call(
      `mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`,
      { input: { caseId: main.caseId, summaryId: main.summaryId, section: "STAGE", body: "Staging looks right." } },
      f.reviewerEn.token,
    )
  ).addComment.id;
  const case2Id = (await call(`mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`, { input: { patientId: f.otherPatient.patientId, reason: "Mine" } }, coordinator)).openCase.id;
  const consent2Id = (
    await call(
      `mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id } }`,
      { input: { patientId: f.otherPatient.patientId, scope: "CROSS_BORDER_REVIEW", destinationCountries: ["US", "CN"] } },
      coordinator,
    )
  ).recordConsent.id;

  const cancellableInvitations: string[] = [];
  for (const reviewerId of [f.reviewerUs.reviewerId, f.reviewerZh.reviewerId]) {
    cancellableInvitations.push((await call(`mutation($c: ID!, $r: ID!) { inviteReviewer(caseId: $c, reviewerId: $r) { id } }`, { c: case2Id, r: reviewerId }, coordinator)).inviteReviewer.id);
  }

  const inviteeUserIds: string[] = [];
  const invitationTokens: string[] = [];
  for (let i = 0; i < 3; i++) {
    const created = (
      await call(
        `mutation($input: CreatePatientInput!) { createPatient(input: $input) { userId } }`,
        { input: { fullName: `Invitee ${i}`, dateOfBirth: "1970-01-01", email: `invitee.${i}@fuzz.meridian`, preferredLanguage: "EN" } },
        coordinator,
      )
    ).createPatient;
    inviteeUserIds.push(created.userId);
    for (let j = 0; j < 2; j++) {
      const link: string = (await call(`mutation($u: ID!) { issueAccountInvitation(userId: $u) }`, { u: created.userId }, coordinator)).issueAccountInvitation;
      invitationTokens.push(link.split("#token=")[1]);
    }
  }
  const editablePatientIds: string[] = [];
  for (let i = 0; i < 2; i++) {
    const created = (
      await call(
        `mutation($input: CreatePatientInput!) { createPatient(input: $input) { id } }`,
        { input: { fullName: `Editable ${i}`, dateOfBirth: "1980-01-01", email: `editable.${i}@fuzz.meridian`, preferredLanguage: "EN" } },
        coordinator,
      )
    ).createPatient;
    editablePatientIds.push(created.id);
  }
  const sessionTokens = async (count: number) => {
    const tokens: string[] = [];
    for (let i = 0; i < count; i++) {
      const token = newOpaqueToken();
      await server.db.query(`INSERT INTO auth_session (user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, now() + interval '1 day')`, [
        f.coordinator.userId,
        crypto.randomUUID(),
        hashOpaqueToken(token),
      ]);
      tokens.push(token);
    }
    return tokens;
  };

  const ids: World["ids"] = [];
  const add = (kind: IdKind, ...values: string[]) => values.forEach((id) => ids.push({ kind, id }));
  add("case", ...reviewedCases.map((c) => c.caseId), case2Id);
  add("record", ...reviewedCases.map((c) => c.recordId), unuploadedRecordId);
  add("summary", ...reviewedCases.map((c) => c.summaryId), draftSummaryId);
  add("assignment", ...reviewedCases.flatMap((c) => [c.accepted, c.invited]), ...cancellableInvitations);
  add("patient", f.patient.patientId, f.otherPatient.patientId, ...editablePatientIds);
  add("user", f.admin.userId, f.coordinator.userId, f.patient.userId, f.otherPatient.userId, f.reviewerEn.userId, f.reviewerZh.userId, f.reviewerUs.userId, ...inviteeUserIds);
  add("reviewer", f.reviewerEn.reviewerId, f.reviewerZh.reviewerId, f.reviewerUs.reviewerId);
  add("consent", consentId, consent2Id);
  add("option", optionId);
  add("comment", commentId);
  return {
    caseId: main.caseId,
    reviewedCases,
    case2Id,
    unuploadedRecordId,
    draftSummaryId,
    optionId,
    commentId,
    consentId,
    consent2Id,
    cancellableInvitations,
    inviteeUserIds,
    editablePatientIds,
    invitationTokens,
    refreshTokens: await sessionTokens(15),
    signOutTokens: await sessionTokens(15),
    ids,
  };
}

function tokenOf(actor: Actor): string | undefined {
  switch (actor) {
    case "anonymous":
      return undefined;
    case "forged":
      return forgedToken;
    case "reviewerEn":
      return f.reviewerEn.token;
    case "reviewerZh":
      return f.reviewerZh.token;
    default:
      return f[actor].token;
  }
}

// ---------------------------------------------------------------------------------------
// Generating variables from the schema
// ---------------------------------------------------------------------------------------

interface Slot {
  path: string[];
  type: GraphQLInputType;
}

/** Every place a value goes in the field's arguments: arguments, input fields (nested), list elements. */
function slotsOf(field: GraphQLField<unknown, unknown>): Slot[] {
  const slots: Slot[] = [];
  const visit = (type: GraphQLInputType, path: string[], depth: number) => {
    slots.push({ path, type });
    const inner = getNullableType(type);
    if (isListType(inner)) visit(inner.ofType, [...path, "0"], depth + 1);
    else if (isInputObjectType(inner) && depth < 4) {
      for (const child of Object.values(inner.getFields())) visit(child.type, [...path, child.name], depth + 1);
    }
  };
  for (const arg of field.args) visit(arg.type, [arg.name], 0);
  return slots;
}

const ID_KINDS: Record<string, IdKind> = {
  caseId: "case",
  patientId: "patient",
  summaryId: "summary",
  translationOfId: "summary",
  assignmentId: "assignment",
  reviewerId: "reviewer",
  userId: "user",
  parentId: "comment",
};

/** Malformed ids, unknown ones, and real ids of other kinds of objects. */
function idArb(kind: IdKind | undefined): fc.Arbitrary<unknown> {
  const others = w.ids.filter((entry) => entry.kind !== kind).map((entry) => entry.id);
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...others) },
    { weight: 2, arbitrary: fc.uuid() },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...others), fc.nat(7))
        .map(([u, i]) => [u.toUpperCase(), u.replace(/-/g, ""), `{${u}}`, u.slice(0, 35), `${u}'; DROP TABLE medical_case; --`, ` ${u}`, `${u}\u0000`, u.replace(/^./, "g")][i]),
    },
    { weight: 1, arbitrary: fc.constantFrom("00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "1", "0", "-1", "null", "undefined", "") },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 2, arbitrary: anyString },
  );
}

const BAD_DATES = ["1960-13-45", "2024-02-30", "2023-02-29", "0000-00-00", "0000-01-01", "0001-01-01", "9999-12-31", "99999-01-01", "-0001-01-01", "2024-1-1", "17/05/1960", "yesterday", "1960-05-17T00:00:00Z", "1960-05-17'; DROP TABLE patient; --", ""];
const BAD_DATE_TIMES = [
  "not a date",
  "2030-02-30T00:00:00Z",
  "2030-01-01T25:00:00Z",
  "2030-01-01",
  "275760-09-13T00:00:00.000Z",
  "+275760-09-13T00:00:00.000Z",
  "-271821-04-20T00:00:00.000Z",
  "9999-12-31T23:59:59.999Z",
  "1970-01-01T00:00:00Z",
  "2030-01-01T00:00:00+14:00",
  "2030-01-01T00:00:00.123456789Z",
  "",
];

/** A hostile value for a slot of this type: of the type but out of bounds, of another type, or absent. */
function hostileFor(type: GraphQLInputType, path: string[], idKindOfId: IdKind | undefined): fc.Arbitrary<unknown> {
  const inner = getNullableType(type);
  const common = [
    { weight: 1, arbitrary: wrongType },
    { weight: 1, arbitrary: fc.constant<unknown>(DELETE) },
  ];
  if (isListType(inner)) {
    const element = hostileFor(inner.ofType, [...path, "0"], idKindOfId);
    return fc.oneof(
      ...common,
      { weight: 2, arbitrary: fc.array(element, { maxLength: 4 }) },
      { weight: 1, arbitrary: fc.integer({ min: 51, max: 5000 }).map((n) => Array.from({ length: n }, (_, i) => (i % 2 ? "CN" : "x"))) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>([null], [[]], [{}]) },
      { weight: 1, arbitrary: element },
    );
  }
  if (isInputObjectType(inner)) {
    return fc.oneof(...common, { weight: 1, arbitrary: fc.dictionary(anyString, wrongType, { maxKeys: 3 }) }, { weight: 1, arbitrary: anyString });
  }
  if (isEnumType(inner)) {
    const values = inner.getValues().map((v) => v.name);
    return fc.oneof(
      ...common,
      { weight: 1, arbitrary: fc.constantFrom(...values) },
      { weight: 1, arbitrary: fc.constantFrom(...values).map((v) => v.toLowerCase()) },
      { weight: 2, arbitrary: fc.constantFrom("", "UNKNOWN", "ADMIN' --", "<script>", "__proto__", "PATIENT", "SUPERUSER") },
      { weight: 1, arbitrary: anyString },
    );
  }
  const leaf = path[path.length - 1];
  switch (getNamedType(inner).name) {
    case "ID":
      return fc.oneof({ weight: 1, arbitrary: common[0].arbitrary }, { weight: 1, arbitrary: common[1].arbitrary }, { weight: 5, arbitrary: idArb(leaf === "id" ? idKindOfId : ID_KINDS[leaf]) });
    case "Int":
      return fc.oneof(
        ...common,
        { weight: 2, arbitrary: fc.integer() },
        { weight: 2, arbitrary: fc.constantFrom<unknown>(2 ** 31, -(2 ** 31) - 1, 2 ** 53, 1.5, -1, 0, 6, 1e308, "1", "0", "one", true) },
      );
    case "Boolean":
      return fc.oneof(...common, { weight: 2, arbitrary: fc.constantFrom<unknown>(true, false, "true", "false", 0, 1, "yes") });
    case "Date":
      return fc.oneof(
        ...common,
        { weight: 3, arbitrary: fc.constantFrom(...BAD_DATES) },
        { weight: 1, arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)) },
        { weight: 1, arbitrary: anyString },
      );
    case "DateTimeISO":
      return fc.oneof(
        ...common,
        { weight: 3, arbitrary: fc.constantFrom(...BAD_DATE_TIMES) },
        { weight: 2, arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) },
        { weight: 1, arbitrary: anyString },
      );
    default:
      return fc.oneof(...common, { weight: 6, arbitrary: anyString });
  }
}

function clone<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

function getAt(value: unknown, path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Sets (or deletes) the value at `path`, making containers on the way. */
function setAt(root: Record<string, unknown>, path: string[], value: unknown): void {
  let current: Record<string, unknown> = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    const next = current[key];
    if (next === null || typeof next !== "object") {
      if (value === DELETE) return;
      current[key] = /^\d+$/.test(path[i + 1]) ? [] : {};
    }
    current = current[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (value === DELETE) {
    if (Array.isArray(current)) current.splice(Number(last), 1);
    else delete current[last];
  } else {
    Object.defineProperty(current, last, { value, enumerable: true, writable: true, configurable: true });
  }
}

// ---------------------------------------------------------------------------------------
// One spec per mutation
// ---------------------------------------------------------------------------------------

type Vars = Record<string, unknown>;

interface Spec {
  /** Who calls, first one most often (an account the operation policy lets through). */
  actors: Actor[];
  /** Legal-looking variables aimed at the world, with hostile but legal free text. */
  base: () => fc.Arbitrary<Vars>;
  /** The kind of object a plain `id` argument names. */
  idKind?: IdKind;
  /** Fills what only the database knows at send time. */
  prepare?: (vars: Vars) => Promise<void>;
  /** What a successful call stored, shaped like the variables (compared with the text sent). */
  stored?: (result: Record<string, any>, vars: Vars) => Promise<Vars>;
}

const values = (enumName: string) => {
  const type = schema.getType(enumName);
  if (!isEnumType(type)) throw new Error(`${enumName} is not an enum`);
  return type.getValues().map((v) => v.name);
};
const enumOf = (enumName: string) => fc.constantFrom(...values(enumName));
const orNull = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 4 });
const one = async (sql: string, params: unknown[]) => ((await server.db.query(sql, params)) as Array<Record<string, any>>)[0] ?? {};

const reviewerProfile = () =>
  fc.record({
    institution: legalText,
    country: fc.constantFrom("US", "CN", "DE", "CA", "GB"),
    specialties: fc.array(legalText, { maxLength: 3 }),
    languages: fc.subarray(["EN", "ZH"], { minLength: 1 }),
  });

/** Three patients for requestErasure (always under a hold), placeLegalHold and liftLegalHold (never an erasure pending). */
async function buildErasureWorld() {
  const create = async (name: string) =>
    (
      await call(
        `mutation($input: CreatePatientInput!) { createPatient(input: $input) { id } }`,
        { input: { fullName: name, dateOfBirth: "1955-05-05", email: `${name.toLowerCase().replace(/ /g, ".")}@fuzz.meridian`, preferredLanguage: "EN" } },
        f.coordinator.token,
      )
    ).createPatient.id as string;
  return { held: await create("Held Fuzz"), holdTarget: await create("Hold Target"), lifted: await create("Lifted Fuzz") };
}

/** A legal hold placed straight in the database; `pending` also records an erasure request. */
async function holdInDatabase(patientId: string, pending: boolean) {
  await server.db.query(
    `UPDATE patient SET legal_hold_reason = 'fuzz', legal_hold_at = now(), legal_hold_by_user_id = $2, erasure_requested_at = CASE WHEN $3 THEN erasure_requested_at END WHERE id = $1`,
    [patientId, f.admin.userId, pending],
  );
}

const SPECS: Record<string, Spec> = {
  exportPatientFile: {
    actors: ["patient", "coordinator", "admin", "otherPatient", "reviewerEn"],
    base: () => fc.record({ patientId: fc.constantFrom(f.patient.patientId, f.otherPatient.patientId) }),
  },
  requestErasure: {
    actors: ["coordinator", "admin", "patient", "reviewerEn"],
    base: () => fc.record({ patientId: fc.constant(erasureWorld.held) }),
    prepare: () => holdInDatabase(erasureWorld.held, true),
  },
  placeLegalHold: {
    actors: ["admin", "coordinator", "patient"],
    base: () => fc.record({ patientId: fc.constant(erasureWorld.holdTarget), reason: legalText }),
  },
  liftLegalHold: {
    actors: ["admin", "coordinator", "patient"],
    base: () => fc.record({ patientId: fc.constant(erasureWorld.lifted) }),
    prepare: () => holdInDatabase(erasureWorld.lifted, false),
  },
  activateAccount: {
    actors: ["anonymous", "coordinator", "patient"],
    base: () => fc.record({ token: fc.oneof(fc.constantFrom(...w.invitationTokens), legalText), password: fc.oneof(strongPassword, legalText) }),
  },
  addComment: {
    actors: ["coordinator", "reviewerEn", "reviewerZh", "patient"],
    base: () =>
      fc.record({
        input: fc.record(
          {
            caseId: fc.constant(w.caseId),
            summaryId: fc.constant(w.reviewedCases[0].summaryId),
            section: enumOf("SummarySection"),
            body: legalText,
            parentId: orNull(fc.constant(w.commentId)),
          },
          { requiredKeys: ["caseId", "summaryId", "section", "body"] },
        ),
      }),
    stored: async (result) => ({ input: { body: (await one(`SELECT body FROM comment WHERE id = $1`, [result.id])).body } }),
  },
  addMedicalRecord: {
    actors: ["coordinator", "patient", "otherPatient", "reviewerEn"],
    base: () =>
      fc.record({
        input: fc.record(
          {
            caseId: fc.constantFrom(...w.reviewedCases.map((c) => c.caseId)),
            kind: enumOf("RecordKind"),
            title: legalText,
            language: enumOf("Language"),
            documentDate: orNull(fc.constantFrom("2020-02-29", "1999-12-31", "1900-01-01")),
          },
          { requiredKeys: ["caseId", "kind", "title", "language"] },
        ),
      }),
    stored: async (result) => ({ input: { title: (await one(`SELECT title FROM medical_record WHERE id = $1`, [result.id])).title } }),
  },
  changePassword: {
    actors: ["coordinator", "patient", "reviewerEn", "anonymous"],
    base: () => fc.record({ currentPassword: fc.oneof(fc.constant(PASSWORD), legalText), newPassword: fc.oneof(fc.constant(PASSWORD), legalText) }),
  },
  createPatient: {
    actors: ["coordinator", "admin", "patient", "reviewerEn"],
    base: () =>
      fc.record({
        input: fc.record(
          {
            fullName: legalText,
            dateOfBirth: fc.constantFrom("1960-05-17", "1999-12-31", "1900-01-01", "2000-02-29"),
            email: freshEmail,
            healthCardNumber: orNull(fc.constantFrom("1234-567-890", "ABCD 1234")),
            preferredLanguage: enumOf("Language"),
          },
          { requiredKeys: ["fullName", "dateOfBirth", "email", "preferredLanguage"] },
        ),
      }),
    stored: async (result) => ({ input: { fullName: (await one(`SELECT full_name FROM patient WHERE id = $1`, [result.id])).full_name } }),
  },
  createUser: {
    actors: ["admin", "coordinator", "reviewerEn"],
    base: () =>
      fc.record({
        input: fc.oneof(
          fc.record({ email: freshEmail, displayName: legalText, role: fc.constantFrom("COORDINATOR", "ADMIN") }),
          fc.record({ email: freshEmail, displayName: legalText, role: fc.constant("REVIEWER"), reviewer: reviewerProfile() }),
        ),
      }),
    stored: async (result) => {
      const row = await one(`SELECT u.display_name, r.institution, r.specialties FROM app_user u LEFT JOIN reviewer r ON r.user_id = u.id WHERE u.id = $1`, [result.id]);
      return { input: { displayName: row.display_name, reviewer: { institution: row.institution, specialties: row.specialties } } };
    },
  },
  cancelInvitation: {
    actors: ["coordinator", "admin", "reviewerZh", "patient"],
    base: () => fc.record({ assignmentId: fc.constantFrom(...w.cancellableInvitations, ...w.reviewedCases.map((c) => c.accepted)) }),
  },
  inviteReviewer: {
    actors: ["coordinator", "admin", "reviewerEn", "patient"],
    base: () =>
      fc.record(
        {
          caseId: fc.constantFrom(...w.reviewedCases.map((c) => c.caseId), w.case2Id),
          reviewerId: fc.constantFrom(f.reviewerUs.reviewerId, f.reviewerZh.reviewerId),
          dueAt: orNull(fc.date({ min: new Date("2030-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((d) => d.toISOString())),
        },
        { requiredKeys: ["caseId", "reviewerId"] },
      ),
  },
  issueAccountInvitation: {
    actors: ["coordinator", "admin", "patient", "reviewerEn"],
    base: () => fc.record({ userId: fc.constantFrom(...w.inviteeUserIds, f.otherPatient.userId, f.reviewerUs.userId) }),
  },
  login: {
    actors: ["anonymous", "coordinator"],
    base: () =>
      fc.record({
        email: fc.oneof(fc.constantFrom(f.coordinator.email, f.patient.email, "nobody@test.meridian", f.reviewerEn.email.toUpperCase())),
        password: fc.oneof({ weight: 4, arbitrary: legalText }, { weight: 2, arbitrary: strongPassword }, { weight: 1, arbitrary: fc.constant(PASSWORD) }),
      }),
  },
  openCase: {
    actors: ["coordinator", "admin", "patient", "reviewerEn"],
    base: () => fc.record({ input: fc.record({ patientId: fc.constantFrom(f.patient.patientId, f.otherPatient.patientId), reason: legalText }) }),
    stored: async (result) => ({ input: { reason: (await one(`SELECT reason FROM medical_case WHERE id = $1`, [result.id])).reason } }),
  },
  proposePathwayOption: {
    actors: ["coordinator", "reviewerEn", "reviewerZh", "patient"],
    base: () =>
      fc.record({
        input: fc.record(
          {
            caseId: fc.constantFrom(...w.reviewedCases.map((c) => c.caseId)),
            kind: enumOf("PathwayKind"),
            title: legalText,
            description: legalText,
            complexity: enumOf("Complexity"),
            evidence: orNull(legalText),
            eligibility: orNull(legalText),
          },
          { requiredKeys: ["caseId", "kind", "title", "description", "complexity"] },
        ),
      }),
    stored: async (result) => {
      const row = await one(`SELECT title, description, evidence, eligibility FROM pathway_option WHERE id = $1`, [result.id]);
      return { input: row };
    },
  },
  publishCaseSummary: {
    actors: ["coordinator", "admin", "reviewerEn", "patient"],
    idKind: "summary",
    base: () => fc.record({ id: fc.constantFrom(w.draftSummaryId, ...w.reviewedCases.map((c) => c.summaryId)) }),
  },
  recordConsent: {
    actors: ["coordinator", "admin", "otherPatient", "patient", "reviewerEn"],
    base: () =>
      fc.record({
        input: fc.record({
          patientId: fc.constant(f.otherPatient.patientId),
          scope: enumOf("ConsentScope"),
          destinationCountries: fc.array(fc.constantFrom("CN", "US", "DE", "CA"), { minLength: 1, maxLength: 3 }),
        }),
      }),
  },
  refreshSession: {
    actors: ["anonymous", "coordinator"],
    base: () => fc.record({ refreshToken: fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...w.refreshTokens) }, { weight: 1, arbitrary: legalText }) }),
  },
  requestPasswordReset: {
    actors: ["anonymous", "coordinator"],
    // Addresses with no active account: a known one would have its link written after the answer, racing the next run's snapshot.
    base: () => fc.record({ email: fc.oneof(fc.constantFrom("nobody@test.meridian", "invitee.0@fuzz.meridian"), legalText) }),
  },
  resetPassword: {
    actors: ["anonymous", "coordinator", "patient"],
    base: () => fc.record({ token: fc.oneof(fc.constantFrom(...w.invitationTokens), legalText), password: fc.oneof(strongPassword, legalText) }),
  },
  respondToInvitation: {
    actors: ["reviewerZh", "reviewerEn", "coordinator", "patient"],
    base: () =>
      fc.record(
        { assignmentId: fc.constantFrom(...w.reviewedCases.map((c) => c.invited)), accept: fc.boolean(), reason: orNull(legalText) },
        { requiredKeys: ["assignmentId", "accept"] },
      ),
    stored: async (result) => {
      const row = await one(`SELECT status, decline_reason FROM review_assignment WHERE id = $1`, [result.id]);
      return row.status === "DECLINED" ? { reason: row.decline_reason } : {};
    },
  },
  revokeConsent: {
    actors: ["coordinator", "admin", "otherPatient", "patient", "reviewerEn"],
    idKind: "consent",
    base: () => fc.record({ id: fc.constant(w.consent2Id) }),
  },
  saveCaseSummary: {
    actors: ["coordinator", "admin", "reviewerEn", "patient"],
    base: () =>
      fc.record({
        input: fc.record(
          {
            caseId: fc.constantFrom(...w.reviewedCases.map((c) => c.caseId)),
            language: enumOf("Language"),
            translationOfId: orNull(fc.constant(w.reviewedCases[0].summaryId)),
            primaryCancer: orNull(legalText),
            histology: orNull(legalText),
            stage: orNull(legalText),
            biomarkers: orNull(fc.array(fc.record({ name: legalText, result: legalText }), { maxLength: 3 })),
            ecogPerformanceStatus: orNull(fc.integer({ min: 0, max: 5 })),
            treatmentHistory: orNull(legalText),
            currentPlan: orNull(legalText),
            questionsForReviewers: orNull(fc.array(legalText, { maxLength: 3 })),
          },
          { requiredKeys: ["caseId", "language"] },
        ),
      }),
    stored: async (result) => {
      const row = await one(
        `SELECT primary_cancer, histology, stage, biomarkers, treatment_history, current_plan, questions_for_reviewers FROM case_summary WHERE id = $1`,
        [result.id],
      );
      return {
        input: {
          primaryCancer: row.primary_cancer,
          histology: row.histology,
          stage: row.stage,
          biomarkers: row.biomarkers,
          treatmentHistory: row.treatment_history,
          currentPlan: row.current_plan,
          questionsForReviewers: row.questions_for_reviewers,
        },
      };
    },
  },
  updatePathwayOption: {
    actors: ["reviewerEn", "coordinator", "admin", "reviewerZh", "patient"],
    idKind: "option",
    base: () =>
      fc.record({
        id: fc.constant(w.optionId),
        input: fc.record(
          { title: legalText, description: legalText, evidence: orNull(legalText), eligibility: orNull(legalText), complexity: enumOf("Complexity") },
          { requiredKeys: [] },
        ),
      }),
    stored: async (result) => ({ input: await one(`SELECT title, description, evidence, eligibility FROM pathway_option WHERE id = $1`, [result.id]) }),
  },
  setPathwayOptionStatus: {
    actors: ["coordinator", "admin", "reviewerEn", "patient"],
    idKind: "option",
    base: () => fc.record({ id: fc.constant(w.optionId), status: enumOf("OptionStatus") }),
  },
  shareRecordWithReviewers: {
    actors: ["coordinator", "admin", "reviewerEn", "patient"],
    idKind: "record",
    base: () => fc.record({ id: fc.constantFrom(w.unuploadedRecordId, ...w.reviewedCases.map((c) => c.recordId)), redactionConfirmed: fc.boolean() }),
  },
  unshareRecord: {
    actors: ["coordinator", "admin", "reviewerEn", "patient"],
    idKind: "record",
    base: () => fc.record({ id: fc.constantFrom(w.unuploadedRecordId, ...w.reviewedCases.map((c) => c.recordId)) }),
  },
  updateMedicalRecord: {
    actors: ["coordinator", "patient", "otherPatient", "reviewerEn"],
    idKind: "record",
    base: () =>
      fc.record({
        id: fc.constantFrom(w.unuploadedRecordId, ...w.reviewedCases.map((c) => c.recordId)),
        input: fc.record({ title: orNull(legalText), kind: orNull(enumOf("RecordKind")) }, { requiredKeys: [] }),
      }),
    stored: async (result, vars) => {
      const title = (await one(`SELECT title FROM medical_record WHERE id = $1`, [result.id])).title;
      return (vars.input as Vars | undefined)?.title == null ? {} : { input: { title } };
    },
  },
  signOut: {
    actors: ["anonymous", "coordinator"],
    base: () => fc.record({ refreshToken: fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...w.signOutTokens) }, { weight: 1, arbitrary: legalText }) }),
  },
  submitReview: {
    actors: ["reviewerEn", "reviewerZh", "coordinator", "patient"],
    base: () => fc.record({ assignmentId: fc.constantFrom(...w.reviewedCases.map((c) => c.accepted)), opinion: legalText }),
    stored: async (result) => ({ opinion: (await one(`SELECT opinion FROM review_assignment WHERE id = $1`, [result.id])).opinion }),
  },
  transitionCase: {
    actors: ["coordinator", "otherPatient", "patient", "reviewerEn"],
    idKind: "case",
    base: () =>
      fc.record(
        {
          id: fc.constant(w.case2Id),
          to: fc.oneof({ weight: 9, arbitrary: fc.constantFrom("ON_HOLD", "RECORDS_COLLECTION") }, { weight: 1, arbitrary: enumOf("CaseStatus") }),
          expectedVersion: fc.oneof({ weight: 3, arbitrary: fc.constant<unknown>(CURRENT_VERSION) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 12 }) }),
          note: orNull(legalText),
        },
        { requiredKeys: ["id", "to", "expectedVersion"] },
      ),
    prepare: async (vars) => {
      if (vars.expectedVersion === CURRENT_VERSION) vars.expectedVersion = (await one(`SELECT version FROM medical_case WHERE id = $1`, [w.case2Id])).version;
    },
    stored: async (result) => ({
      note: (await one(`SELECT note FROM case_event WHERE case_id = $1 AND type = 'STATUS_CHANGED' ORDER BY id DESC LIMIT 1`, [result.id])).note,
    }),
  },
  updatePatient: {
    actors: ["coordinator", "admin", "patient", "reviewerEn"],
    idKind: "patient",
    base: () =>
      fc.record({
        id: fc.constantFrom(...w.editablePatientIds),
        input: fc.record(
          {
            fullName: legalText,
            dateOfBirth: fc.constantFrom("1960-05-17", "1999-12-31", "1900-01-01", "2000-02-29"),
            email: freshEmail,
            healthCardNumber: orNull(fc.constantFrom("1234-567-890", "ABCD 1234")),
            preferredLanguage: enumOf("Language"),
          },
          { requiredKeys: [] },
        ),
      }),
    stored: async (result) => ({ input: { fullName: (await one(`SELECT full_name FROM patient WHERE id = $1`, [result.id])).full_name } }),
  },
  updateReviewerProfile: {
    actors: ["admin", "coordinator", "reviewerEn"],
    base: () => fc.record({ reviewerId: fc.constant(f.reviewerUs.reviewerId), input: reviewerProfile() }),
    stored: async (result) => {
      const row = await one(`SELECT institution, specialties FROM reviewer WHERE id = $1`, [result.id]);
      return { input: { institution: row.institution, specialties: row.specialties } };
    },
  },
  withdrawComment: {
    actors: ["reviewerEn", "coordinator", "reviewerZh", "patient"],
    idKind: "comment",
    // A comment of reviewerEn's own per run (written before the run's snapshot), unless the run replaced the id.
    base: () => fc.record({ id: fc.constant<unknown>(FRESH_COMMENT) }),
    prepare: async (vars) => {
      if (vars.id !== FRESH_COMMENT) return;
      const input = { caseId: w.caseId, summaryId: w.reviewedCases[0].summaryId, section: "STAGE", body: "A note to withdraw." };
      vars.id = (await call(`mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`, { input }, f.reviewerEn.token)).addComment.id;
    },
  },
};

// ---------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------

const SNAPSHOT_SQL = DOMAIN_TABLES.map(
  (t) => `SELECT '${t}' AS t, count(*)::int AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x.id), '')) AS sum FROM ${t} x`,
).join(" UNION ALL ");

async function snapshot(): Promise<Record<string, string>> {
  const rows: Array<{ t: string; n: number; sum: string }> = await server.db.query(SNAPSHOT_SQL);
  return Object.fromEntries(rows.map((r) => [r.t, `${r.n} rows, md5 ${r.sum}`]));
}

interface Sent {
  status: number;
  body: any;
  raw: string;
  bytes: number;
}

async function send(query: string, variables: Vars, token: string | undefined): Promise<Sent> {
  return sendRaw(JSON.stringify({ query, variables }), token);
}

async function sendRaw(payload: string, token: string | undefined): Promise<Sent> {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: payload,
  });
  const raw = await response.text();
  let body: any;
  try {
    body = JSON.parse(raw);
  } catch {
    body = undefined;
  }
  return { status: response.status, body, raw, bytes: Buffer.byteLength(payload) };
}

function describeResponse(response: Sent): string {
  return `HTTP ${response.status}: ${response.raw.slice(0, 600)}`;
}

/** The codes of the answer: none a server error, every error with one. */
function checkAnswer(response: Sent): string[] {
  if (response.status >= 500) throw new Error(`server error: ${describeResponse(response)}`);
  if (response.status === 413) {
    if (response.bytes <= BODY_LIMIT_BYTES) throw new Error(`413 for a body of ${response.bytes} bytes`);
    if (response.body?.errors?.[0]?.extensions?.code !== "PAYLOAD_TOO_LARGE") throw new Error(`413 without PAYLOAD_TOO_LARGE: ${describeResponse(response)}`);
    return ["PAYLOAD_TOO_LARGE"];
  }
  if (![200, 400].includes(response.status)) throw new Error(`unexpected status: ${describeResponse(response)}`);
  if (!response.body || typeof response.body !== "object") throw new Error(`not a GraphQL answer: ${describeResponse(response)}`);
  const errors: Array<{ extensions?: { code?: unknown } }> = response.body.errors ?? [];
  const codes = errors.map((error) => error.extensions?.code);
  if (codes.some((code) => typeof code !== "string" || code === "")) throw new Error(`an error without a code: ${describeResponse(response)}`);
  if (codes.includes("INTERNAL_SERVER_ERROR")) throw new Error(`INTERNAL_SERVER_ERROR: ${describeResponse(response)}`);
  return codes as string[];
}

async function checkHealthy(): Promise<void> {
  const [health, viewer] = await Promise.all([fetch(`${server.url}/healthz`), send(`{ viewer { id } }`, {}, f.coordinator.token)]);
  if (health.status !== 200) throw new Error(`/healthz answered ${health.status}`);
  if (viewer.status !== 200 || viewer.body?.data?.viewer?.id !== f.coordinator.userId) throw new Error(`{ viewer { id } } failed: ${describeResponse(viewer)}`);
}

/** Text stored for text sent: exactly, or trimmed (or blank as null), never altered otherwise. */
function sameText(sent: string, stored: unknown): boolean {
  return stored === sent || stored === sent.trim() || (stored === null && sent.trim() === "");
}

function compareStored(sent: unknown, stored: unknown, path: string, mismatches: string[]): void {
  if (typeof sent === "string") {
    if (!sameText(sent, stored)) mismatches.push(`${path}: sent ${JSON.stringify(sent).slice(0, 200)}, stored ${JSON.stringify(stored).slice(0, 200)}`);
  } else if (Array.isArray(sent)) {
    if (!Array.isArray(stored)) {
      mismatches.push(`${path}: sent a list, stored ${JSON.stringify(stored)}`);
    } else if (sent.every((item) => typeof item === "string")) {
      // Lists of text may be de-duplicated: every item sent is stored, nothing else is.
      const lost = sent.filter((item) => !stored.some((s) => sameText(item, s)));
      const extra = stored.filter((s) => !sent.some((item) => sameText(item, s)));
      if (lost.length || extra.length) mismatches.push(`${path}: sent ${JSON.stringify(sent)}, stored ${JSON.stringify(stored)}`);
    } else {
      sent.forEach((item, i) => compareStored(item, stored[i], `${path}.${i}`, mismatches));
    }
  } else if (sent !== null && typeof sent === "object" && stored !== null && typeof stored === "object") {
    for (const [key, value] of Object.entries(sent)) {
      if (key in (stored as object)) compareStored(value, (stored as Record<string, unknown>)[key], path ? `${path}.${key}` : key, mismatches);
    }
  }
}

// ---------------------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------------------

type Plan = { kind: "legal" } | { kind: "chaos"; edits: Array<{ path: string[]; value: unknown }> } | { kind: "unstorable"; path: string[]; value: string };

interface Run {
  actor: Actor;
  base: Vars;
  plan: Plan;
  extraVariable: unknown;
}

const stats = new Map<string, { runs: number; succeeded: number; codes: Map<string, number> }>();

function documentFor(field: GraphQLField<unknown, unknown>): string {
  const declarations = field.args.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(", ");
  const args = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(", ");
  const returned = getNamedType(field.type);
  let selection = "";
  if (isObjectType(returned)) {
    const leaves = Object.values(returned.getFields())
      .filter((child) => isLeafType(getNamedType(child.type)) && child.args.every((arg) => !isNonNullType(arg.type)))
      .map((child) => child.name);
    selection = `{ __typename ${leaves.join(" ")} }`;
  }
  return `mutation Fuzz${declarations ? `(${declarations})` : ""} { ${field.name}${args ? `(${args})` : ""} ${selection} }`;
}

function runArbitrary(field: GraphQLField<unknown, unknown>, spec: Spec): fc.Arbitrary<Run> {
  const slots = slotsOf(field);
  const edit = fc
    .nat(slots.length - 1)
    .chain((i) => hostileFor(slots[i].type, slots[i].path, spec.idKind).map((value) => ({ path: slots[i].path, value })));
  const textSlots = slots.filter((slot) => !isListType(getNullableType(slot.type)) && ["String", "ID"].includes(getNamedType(slot.type).name));
  const unstorable = fc
    .tuple(fc.nat(Math.max(0, textSlots.length - 1)), fc.constantFrom("", "Stage ", "<b>"), fc.constantFrom(...UNSTORABLE))
    .map(([i, prefix, bad]): Plan => ({ kind: "unstorable", path: textSlots[i].path, value: `${prefix}${bad}` }));
  const plans: Array<fc.WeightedArbitrary<Plan>> = [
    { weight: 3, arbitrary: fc.constant<Plan>({ kind: "legal" }) },
    { weight: 6, arbitrary: fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits): Plan => ({ kind: "chaos", edits })) },
  ];
  if (textSlots.length > 0) plans.push({ weight: 2, arbitrary: unstorable });
  const [main, ...others] = spec.actors;
  const actor = fc.oneof(
    { weight: 8, arbitrary: fc.constant<Actor>(main) },
    { weight: 2, arbitrary: fc.constantFrom<Actor>(...(others.length ? others : [main])) },
    { weight: 1, arbitrary: fc.constantFrom<Actor>("anonymous", "forged") },
  );
  return fc.record({
    actor,
    base: spec.base(),
    plan: fc.oneof(...plans),
    extraVariable: fc.option(fc.oneof(anyString, wrongType), { freq: 8 }),
  });
}

async function checkRun(field: GraphQLField<unknown, unknown>, spec: Spec, document: string, run: Run): Promise<void> {
  const name = field.name;
  const variables = clone(run.base);
  let actor = run.actor;
  if (run.plan.kind === "chaos") for (const { path, value } of run.plan.edits) setAt(variables, path, value);
  if (run.plan.kind === "unstorable") {
    setAt(variables, run.plan.path, run.plan.value);
    actor = spec.actors[0];
  }
  if (run.extraVariable !== null) variables.unexpected = run.extraVariable;
  await spec.prepare?.(variables);

  const before = await snapshot();
  const response = await send(document, variables, tokenOf(actor));
  const codes = checkAnswer(response);
  const result = response.body?.data?.[name] ?? null;

  const entry = stats.get(name)!;
  entry.runs += 1;
  if (result !== null) entry.succeeded += 1;
  for (const code of codes.length ? codes : ["OK"]) entry.codes.set(code, (entry.codes.get(code) ?? 0) + 1);

  if (result === null) {
    if (codes.length === 0) throw new Error(`refused without an error: ${describeResponse(response)}`);
    const after = await snapshot();
    const changed = DOMAIN_TABLES.filter((t) => before[t] !== after[t]);
    if (changed.length) throw new Error(`a refused call (${codes.join(", ")}) changed ${changed.join(", ")}: ${describeResponse(response)}`);
  } else if (spec.stored && typeof result === "object") {
    const mismatches: string[] = [];
    compareStored(variables, await spec.stored(result, variables), "", mismatches);
    if (mismatches.length) throw new Error(`stored text differs from the text sent:\n${mismatches.join("\n")}`);
  }

  // Text that cannot be stored is bad input naming exactly where it is (when the rest of the call was legal).
  if (run.plan.kind === "unstorable" && getAt(run.base, run.plan.path.slice(0, -1)) !== undefined) {
    const field = run.plan.path.join(".");
    const error = response.body?.errors?.[0];
    if (result !== null || error?.extensions?.code !== "BAD_USER_INPUT" || error?.extensions?.field !== field) {
      throw new Error(`expected BAD_USER_INPUT on ${field} for ${JSON.stringify(run.plan.value)}, got ${describeResponse(response)}`);
    }
  }

  await checkHealthy();
}

beforeAll(async () => {
  schema = buildMeridianSchema();
  server = await startTestServer();
  f = await createFixtures(server, "fuzz");
  w = await buildWorld();
  erasureWorld = await buildErasureWorld();
  // Well-formed, signed with another secret.
  const [header, payload] = f.coordinator.token.split(".");
  forgedToken = `${header}.${payload}.${crypto.randomBytes(32).toString("base64url")}`;
}, 120_000);

afterAll(async () => {
  const mutationRuns = [...stats.entries()].filter(([name]) => MUTATIONS.includes(name)).reduce((sum, [, s]) => sum + s.runs, 0);
  const total = [...stats.values()].reduce((sum, s) => sum + s.runs, 0);
  const lines = [...stats.entries()].map(
    ([name, s]) => `  ${name.padEnd(26)} ${String(s.runs).padStart(3)} runs, ${String(s.succeeded).padStart(2)} succeeded; ${[...s.codes.entries()].map(([c, n]) => `${c} ${n}`).join(", ")}`,
  );
  console.log(
    `fuzz: ${total} runs in all (seed ${SEED}): ${mutationRuns} over ${MUTATIONS.length} mutations (${RUNS_PER_MUTATION} per mutation), ` +
      `${stats.get(RAW_BODIES)?.runs ?? 0} raw request bodies\n${lines.join("\n")}`,
  );
  await server?.close();
});

const MUTATIONS = Object.keys(buildMeridianSchema().getMutationType()?.getFields() ?? {}).sort();

test("every Mutation field of the schema has a fuzz property", () => {
  expect(MUTATIONS.length).toBeGreaterThan(0);
  expect(MUTATIONS.filter((name) => !SPECS[name])).toEqual([]);
  expect(Object.keys(SPECS).filter((name) => !MUTATIONS.includes(name))).toEqual([]);
});

const RAW_BODIES = "(raw request bodies)";

/** Whole request bodies: not JSON, JSON of the wrong shape, hostile documents, persisted-query extensions. */
function rawBodyArbitrary(): fc.Arbitrary<string> {
  const documents = fc.oneof(
    fc.constantFrom(...MUTATIONS.map((name) => documentFor(schema.getMutationType()!.getFields()[name]))),
    fc.constantFrom("{ viewer { id } }", "mutation { login }", "subscription { caseStatusChanged { id } }", "query Q { __typename } query Q { __typename }", "{ viewer { id } } mutation { signOut(refreshToken: \"x\") }"),
    fc.nat({ max: 3000 }).map((n) => `{ ${"viewer { id } ".repeat(1)}${"a: __typename ".repeat(n)} }`),
    fc.integer({ min: 10, max: 20000 }).map((n) => `${"{ a ".repeat(n)}${"}".repeat(n)}`),
    anyString,
  );
  const request = fc.record(
    {
      query: fc.oneof({ weight: 4, arbitrary: documents }, { weight: 1, arbitrary: wrongType }),
      variables: fc.oneof(
        { weight: 6, arbitrary: fc.dictionary(fc.constantFrom("input", "id", "token", "refreshToken", "email", "password", "__proto__"), fc.oneof(anyString, wrongType), { maxKeys: 3 }) },
        { weight: 1, arbitrary: wrongType },
      ),
      operationName: fc.oneof(
        { weight: 4, arbitrary: fc.constant(undefined) },
        { weight: 2, arbitrary: fc.constantFrom("Fuzz", "Q") },
        { weight: 1, arbitrary: anyString },
        { weight: 1, arbitrary: wrongType },
      ),
      extensions: fc.oneof(
        { weight: 6, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constant({}) },
        {
          weight: 2,
          arbitrary: fc.record({ persistedQuery: fc.record({ version: fc.oneof(fc.constant<unknown>(1), wrongType), sha256Hash: fc.oneof(anyString, fc.constant<unknown>("0".repeat(64))) }) }),
        },
        { weight: 1, arbitrary: wrongType },
      ),
    },
    { requiredKeys: ["query", "variables", "operationName", "extensions"] },
  );
  return fc.oneof(
    { weight: 6, arbitrary: request.map((body) => JSON.stringify(body)) },
    { weight: 1, arbitrary: fc.array(request, { maxLength: 3 }).map((bodies) => JSON.stringify(bodies)) },
    { weight: 1, arbitrary: fc.constantFrom("", "{", "}", "null", "1", '"x"', "[]", "{}", '{"query":', "\u0000", "{\"query\": \"{ viewer { id } }\"}garbage") },
    { weight: 1, arbitrary: anyString },
  );
}

test("what the fuzzing found stays fixed: coded 4xx answers for malformed documents, oversized bodies, many bad values and unstorable text", async () => {
  const expectAnswer = async (payload: string, status: number, code: string, token = f.coordinator.token) => {
    const response = await sendRaw(payload, token);
    expect({ status: response.status, codes: checkAnswer(response) }).toEqual({ status, codes: expect.arrayContaining([code]) });
    return response;
  };
  // A syntax error is GRAPHQL_PARSE_FAILED, a document over the token limit is refused like the other limits: 400, not 500.
  await expectAnswer(JSON.stringify({ query: "mutation { login(email: \"x\" password: {{7*7}}) { accessToken } }" }), 400, "GRAPHQL_PARSE_FAILED");
  await expectAnswer(JSON.stringify({ query: `{ ${"a: __typename ".repeat(1500)} }` }), 400, "GRAPHQL_VALIDATION_FAILED");
  // A persisted-query hash that does not match: the client's error.
  await expectAnswer(JSON.stringify({ query: "{ viewer { id } }", extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } }), 400, "BAD_REQUEST");
  // Bodies refused before GraphQL: JSON with a code, not express's HTML page.
  await expectAnswer(JSON.stringify({ query: "{ viewer { id } }", variables: { padding: "x".repeat(BODY_LIMIT_BYTES) } }), 413, "PAYLOAD_TOO_LARGE");
  await expectAnswer('{"query": "{ viewer { id } }"', 400, "BAD_REQUEST");
  // More than 50 bad values in one variable: graphql-js gives up with an error of its own, still bad input.
  const many = await expectAnswer(
    JSON.stringify({
      query: documentFor(schema.getMutationType()!.getFields().updateReviewerProfile),
      variables: { reviewerId: f.reviewerUs.reviewerId, input: { institution: "X", country: "US", specialties: [], languages: Array.from({ length: 60 }, () => "FR") } },
    }),
    400,
    "BAD_USER_INPUT",
    f.admin.token,
  );
  expect(many.body.errors[0].extensions.field).toBe("input.languages.0");
  // Lone surrogates cannot be stored as sent (UTF-8 would turn them into U+FFFD): bad input naming the field, like NUL.
  for (const title of ["broken \uD800 title", "\uDFFF", "nul \u0000"]) {
    const response = await send(documentFor(schema.getMutationType()!.getFields().addMedicalRecord), { input: { caseId: w.caseId, kind: "OTHER", title, language: "EN" } }, f.coordinator.token);
    expect(response.body.errors[0].extensions).toEqual({ code: "BAD_USER_INPUT", field: "input.title" });
  }
});

test("raw request bodies (not JSON, wrong shapes, hostile documents) get a coded answer, never a server error, and write nothing when refused", async () => {
  stats.set(RAW_BODIES, { runs: 0, succeeded: 0, codes: new Map() });
  const entry = stats.get(RAW_BODIES)!;
  await fc.assert(
    fc.asyncProperty(rawBodyArbitrary(), fc.constantFrom<Actor>("coordinator", "patient", "reviewerEn", "anonymous"), async (payload, actor) => {
      const before = await snapshot();
      const response = await sendRaw(payload, tokenOf(actor));
      const codes = checkAnswer(response);
      entry.runs += 1;
      for (const code of codes.length ? codes : ["OK"]) entry.codes.set(code, (entry.codes.get(code) ?? 0) + 1);
      const data = response.body?.data;
      const succeeded = data && typeof data === "object" && Object.values(data).some((value) => value !== null);
      if (succeeded) entry.succeeded += 1;
      else {
        const after = await snapshot();
        const changed = DOMAIN_TABLES.filter((t) => before[t] !== after[t]);
        if (changed.length) throw new Error(`a refused request (${codes.join(", ")}) changed ${changed.join(", ")}: ${describeResponse(response)}`);
      }
      await checkHealthy();
    }),
    { seed: SEED, numRuns: RAW_BODY_RUNS, endOnFailure: true },
  );
});

test.each(MUTATIONS)("%s: hostile variables give no server error, refusals write nothing, legal text round-trips", async (name) => {
  const spec = SPECS[name];
  if (!spec) throw new Error(`Mutation.${name} has no fuzz spec: add one to SPECS in test/integration/fuzz.test.ts`);
  const field = schema.getMutationType()!.getFields()[name];
  const document = documentFor(field);
  stats.set(name, { runs: 0, succeeded: 0, codes: new Map() });
  await fc.assert(
    fc.asyncProperty(runArbitrary(field, spec), (run) => checkRun(field, spec, document, run)),
    { seed: SEED, numRuns: RUNS_PER_MUTATION, endOnFailure: true },
  );
});
