import { CaseEventType } from "../../server/common/enums";
import { appendEvents } from "../../server/events/outbox";
import { GRAPHQL_LIMITS } from "../../server/schema/armor";
import { CaseBuilder } from "../support/case-builder";
import { createFixtures, type Fixtures } from "../support/fixtures";
import { describeProbe, startProbe } from "../support/probe";
import { failure, isBackgroundStatement, ok, startTestServer, type TestServer } from "../support/server";

/** Lists that grow are paged, nested ones included, and the cost limit pays for their size. */

let server: TestServer;
let f: Fixtures;
let caseId: string;
let draftId: string;
const COMMENTS = 1000;
/** Every 20th of the 999 seeded comments is on the draft. */
const ON_DRAFT = Math.floor((COMMENTS - 1) / 20);

beforeAll(async () => {
  server = await startTestServer();
  f = await createFixtures(server);
  const build = new CaseBuilder(server, f.coordinator.token);
  const busy = await build.assessmentCase(f.patient.patientId, f.reviewerEn, "CN");
  caseId = busy.caseId;
  draftId = await build.saveSummary(caseId, { stage: "cT2b" });
  // A busy case: 1,000 comments at the longest a body may be (every 20th on the unpublished draft), 600 events.
  await server.db.query(
    `INSERT INTO comment (case_id, summary_id, section, body, author_user_id, created_at)
     SELECT $1, CASE WHEN g % 20 = 0 THEN $3::uuid ELSE $2::uuid END, 'GENERAL', repeat('b', 20000), $4, now() + g * interval '1 millisecond'
       FROM generate_series(1, $5) g`,
    [caseId, busy.summaryId, draftId, f.coordinator.userId, COMMENTS - 1],
  );
  await server.db.transaction((manager) =>
    appendEvents(manager, f.coordinator.userId, Array.from({ length: 600 }, () => ({ caseId, type: CaseEventType.RECORD_ADDED, note: "n".repeat(2000) }))),
  );
});
afterAll(() => server.close());

test("a case's comments come a page at a time, the default page unless asked, each page full for the view", async () => {
  const page = (token: string, first: number | null, after: string | null) =>
    server.gql(`query($id: ID!, $first: Int, $after: ID) { case(id: $id) { comments(first: $first, after: $after) { id summary { id } } } }`, { id: caseId, first, after }, token);
  expect(ok(await page(f.coordinator.token, null, null)).case.comments).toHaveLength(100);
  expect(failure(await page(f.coordinator.token, 201, null))).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "first" } });

  const walk = async (token: string) => {
    const seen: Array<{ id: string; summary: { id: string } }> = [];
    let after: string | null = null;
    for (;;) {
      const comments: Array<{ id: string; summary: { id: string } }> = ok(await page(token, 200, after)).case.comments;
      seen.push(...comments);
      if (comments.length < 200) return seen;
      after = comments[comments.length - 1].id;
    }
  };
  const all = await walk(f.coordinator.token);
  expect(all).toHaveLength(COMMENTS);
  expect(new Set(all.map((c) => c.id)).size).toBe(COMMENTS);
  // The reviewer's pages leave out comments on the draft before the limit: full pages, and every comment they may read.
  const reviewer = await walk(f.reviewerEn.token);
  expect(reviewer).toHaveLength(COMMENTS - ON_DRAFT);
  expect(reviewer.some((c) => c.summary.id === draftId)).toBe(false);
});

test("nested lists inside lists are refused by the cost limit before any SQL; the most expensive accepted request is bounded", async () => {
  server.statements.length = 0;
  const fanOut = await server.gql(`{ cases(first: 100) { edges { node { comments { id body authorName } } } } }`, {}, f.coordinator.token);
  expect(failure(fanOut)).toMatchObject({ code: "GRAPHQL_VALIDATION_FAILED" });
  const nested = await server.gql(`query($id: ID!) { case(id: $id) { comments(first: 200) { body } events(first: 500) { id case { comments { body } } } } }`, { id: caseId }, f.coordinator.token);
  expect(failure(nested).code).toBe("GRAPHQL_VALIDATION_FAILED");
  expect(server.statements.filter((sql) => !isBackgroundStatement(sql))).toEqual([]);

  // The heaviest page this case allows: 200 comments of 20,000 characters and 500 events, within the limit.
  const heaviest = `query($id: ID!) { case(id: $id) { id comments(first: 200) { id body authorName createdAt section summary { id version } } events(first: 500) { id type at fromStatus toStatus note } } }`;
  const probe = startProbe(server, f.patient.token, 50);
  const heapBefore = process.memoryUsage().heapUsed;
  let peak = heapBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
  const started = performance.now();
  const answers = await Promise.all(Array.from({ length: 8 }, () => server.gql(heaviest, { id: caseId }, f.coordinator.token)));
  const elapsed = performance.now() - started;
  clearInterval(sampler);
  const report = await probe.stop();
  const one = answers[0];
  expect(one.errors).toBeUndefined();
  expect(one.data!.case.comments).toHaveLength(200);
  expect(one.data!.case.events).toHaveLength(500);
  console.log(
    `most expensive accepted request (cost under ${GRAPHQL_LIMITS.maxCost}): ${(one.raw.length / 1024 / 1024).toFixed(2)} MB; ` +
      `8 at once in ${Math.round(elapsed)} ms, heap +${((peak - heapBefore) / 1024 / 1024).toFixed(0)} MB at peak; ${describeProbe("8 of them at once", report)}`,
  );
  expect(report.failures).toEqual([]);
});
