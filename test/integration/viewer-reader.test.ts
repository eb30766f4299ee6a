import crypto from "node:crypto";
import { createFixtures, type Fixtures } from "../support/fixtures";
import { ok, startTestServer, type TestServer } from "../support/server";
import { Role } from "../../server/common/enums";

/**
 * Who a token names is read fresh for every request; concurrent requests' viewers are read by
 * one statement (server/auth/viewer-reader.ts). Batched, each request must still get exactly
 * its own viewer, and a disabled user or an ended sign-in must answer nobody, whatever else
 * shares the statement.
 */

let server: TestServer;
let f: Fixtures;

beforeAll(async () => {
  server = await startTestServer({ outboxPollMs: 0 });
  f = await createFixtures(server, "viewers");
});
afterAll(() => server.close());

const isViewerRead = (sql: string) => /FROM unnest\(\$1::uuid\[\], \$2::uuid\[\]\) WITH ORDINALITY AS k\(user_id, family_id, n\)/.test(sql);

async function sessionOf(userId: string, revoked = false): Promise<string> {
  const familyId = crypto.randomUUID();
  await server.db.query(
    `INSERT INTO auth_session (user_id, family_id, token_hash, expires_at, revoked_at) VALUES ($1, $2, $3, now() + interval '1 day', ${revoked ? "now()" : "NULL"})`,
    [userId, familyId, crypto.randomBytes(32).toString("hex")],
  );
  return familyId;
}

test("viewers asked for together are read by one statement, each answered with its own", async () => {
  const [disabled] = await server.db.query(
    `INSERT INTO app_user (email, role, display_name, search_text, disabled_at) VALUES ('gone.viewers@test.meridian', 'COORDINATOR', 'Gone', 'gone', now()) RETURNING id`,
  );
  const keys = [
    { userId: f.reviewerZh.userId, familyId: await sessionOf(f.reviewerZh.userId) },
    { userId: f.patient.userId, familyId: await sessionOf(f.patient.userId) },
    { userId: f.coordinator.userId, familyId: await sessionOf(f.coordinator.userId, true) },
    { userId: disabled.id as string, familyId: null },
    { userId: crypto.randomUUID(), familyId: null },
    // Another user's live sign-in does not stand for this user.
    { userId: f.admin.userId, familyId: await sessionOf(f.reviewerEn.userId) },
    { userId: f.reviewerEn.userId, familyId: null },
  ];
  server.statements.length = 0;
  const viewers = await Promise.all(keys.map((key) => server.runtime.viewers(key)));
  expect(server.statements.filter(isViewerRead)).toHaveLength(1);
  expect(viewers.map((v) => v && { userId: v.userId, role: v.role })).toEqual([
    { userId: f.reviewerZh.userId, role: Role.REVIEWER },
    { userId: f.patient.userId, role: Role.PATIENT },
    undefined,
    undefined,
    undefined,
    undefined,
    { userId: f.reviewerEn.userId, role: Role.REVIEWER },
  ]);
  expect(viewers[0]).toMatchObject({ reviewerId: f.reviewerZh.reviewerId, patientId: null, reviewerCountry: "CN" });
  expect(viewers[1]).toMatchObject({ patientId: f.patient.patientId, reviewerId: null });
});

test("requests of different users at once each act as their own user", async () => {
  const VIEWER = `{ viewer { id role } }`;
  const accounts = [f.admin, f.coordinator, f.reviewerZh, f.reviewerEn, f.patient, f.otherPatient];
  const answers = await Promise.all(accounts.flatMap((account) => [account, account].map(async () => ({ account, answer: await server.gql(VIEWER, {}, account.token) }))));
  for (const { account, answer } of answers) expect(ok(answer).viewer.id).toBe(account.userId);
});

test("a read asked for after a sign-in ended answers nobody, even while an earlier read of it is in flight", async () => {
  const key = { userId: f.reviewerEn.userId, familyId: await sessionOf(f.reviewerEn.userId) };
  const earlier = server.runtime.viewers(key);
  await server.db.query(`UPDATE auth_session SET revoked_at = now() WHERE family_id = $1`, [key.familyId]);
  expect(await server.runtime.viewers(key)).toBeUndefined();
  await earlier;
});

test("a key that is not a uuid answers nobody and fails no other request's read", async () => {
  const familyId = await sessionOf(f.patient.userId);
  const [broken, brokenFamily, fine] = await Promise.all([
    server.runtime.viewers({ userId: "not-a-uuid", familyId: null }),
    server.runtime.viewers({ userId: f.patient.userId, familyId: "'; DROP TABLE app_user; --" }),
    server.runtime.viewers({ userId: f.patient.userId, familyId }),
  ]);
  expect([broken, brokenFamily]).toEqual([undefined, undefined]);
  expect(fine?.patientId).toBe(f.patient.patientId);
});
