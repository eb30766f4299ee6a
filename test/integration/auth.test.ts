import { REFRESH_REUSE_GRACE_MS } from "../../server/auth/auth.service";
import { hashOpaqueToken } from "../../server/auth/tokens";
import { createFixtures, PASSWORD, type Fixtures } from "../support/fixtures";
import { failure, ok, startTestServer, type TestServer } from "../support/server";

const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken refreshToken user { id email role } } }`;
const REFRESH = `mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken user { id } } }`;
const SIGN_OUT = `mutation($t: String!) { signOut(refreshToken: $t) }`;
const VIEWER = `{ viewer { id email role displayName } }`;
const INVITE = `mutation($u: ID!) { issueAccountInvitation(userId: $u) }`;
const ACTIVATE = `mutation($token: String!, $password: String!) { activateAccount(token: $token, password: $password) { accessToken refreshToken user { id email role } } }`;
const CREATE_USER = `mutation($input: CreateUserInput!) { createUser(input: $input) { id email role displayName reviewer { institution country specialties languages } } }`;
const CREATE_PATIENT = `mutation($input: CreatePatientInput!) { createPatient(input: $input) { id userId } }`;

describe("sessions, invitations and accounts", () => {
  let server: TestServer;
  let f: Fixtures;

  beforeAll(async () => {
    server = await startTestServer();
    f = await createFixtures(server, "auth");
  });
  afterAll(() => server.close());

  const login = (email: string, password: string) => server.gql(LOGIN, { email, password });
  const count = async (sql: string, params: unknown[] = []) => (await server.db.query(sql, params))[0].n as number;

  test("login with the right password gives a token that reaches viewer", async () => {
    const session = ok(await login(f.coordinator.email, PASSWORD)).login;
    expect(session.user).toEqual({ id: f.coordinator.userId, email: f.coordinator.email, role: "COORDINATOR" });
    expect(session.accessToken).toEqual(expect.any(String));
    expect(session.refreshToken).toEqual(expect.any(String));
    const viewer = ok(await server.gql(VIEWER, {}, session.accessToken)).viewer;
    expect(viewer).toMatchObject({ id: f.coordinator.userId, email: f.coordinator.email, role: "COORDINATOR" });
    // Emails are matched case-insensitively and trimmed.
    const shouted = ok(await login(`  ${f.patient.email.toUpperCase()} `, PASSWORD)).login;
    expect(shouted.user).toMatchObject({ id: f.patient.userId, role: "PATIENT" });
    // No token, no viewer.
    expect(ok(await server.gql(VIEWER, {})).viewer).toBeNull();
    expect(ok(await server.gql(VIEWER, {}, "not-a-token")).viewer).toBeNull();
  });

  test("a sign-in's payload is the signed-in user's: user.patient as viewer { patient } gives it", async () => {
    const PATIENT_OF_USER = `user { id patient { id fullName cases { id } } }`;
    const loggedIn = ok(await server.gql(`mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken refreshToken ${PATIENT_OF_USER} } }`, { email: f.patient.email, password: PASSWORD })).login;
    expect(loggedIn.user.patient).toMatchObject({ id: f.patient.patientId, fullName: "Margaret Holloway" });
    const asViewer = ok(await server.gql(`{ viewer { id patient { id fullName cases { id } } } }`, {}, loggedIn.accessToken)).viewer;
    expect(loggedIn.user).toEqual(asViewer);
    const refreshed = ok(await server.gql(`mutation($t: String!) { refreshSession(refreshToken: $t) { ${PATIENT_OF_USER} } }`, { t: loggedIn.refreshToken })).refreshSession;
    expect(refreshed.user).toEqual(asViewer);
    // Staff have no patient profile, whichever way their user is reached.
    const staff = ok(await server.gql(`mutation($email: String!, $password: String!) { login(email: $email, password: $password) { user { patient { id } } } }`, { email: f.coordinator.email, password: PASSWORD })).login;
    expect(staff.user.patient).toBeNull();
  });

  test("a wrong password and an unknown email get the same UNAUTHENTICATED answer", async () => {
    const wrongPassword = failure(await login(f.reviewerEn.email, "definitely not the password"));
    const unknownEmail = failure(await login("nobody.at.all@test.meridian", PASSWORD));
    expect(wrongPassword.code).toBe("UNAUTHENTICATED");
    expect(unknownEmail.code).toBe("UNAUTHENTICATED");
    expect(unknownEmail.message).toBe(wrongPassword.message);
    expect(unknownEmail.extensions).toEqual(wrongPassword.extensions);
    // An account that has no password yet answers the same way.
    const fresh = ok(await server.gql(CREATE_PATIENT, { input: { fullName: "No Password Yet", dateOfBirth: "1970-01-01", email: "nopassword@test.meridian", preferredLanguage: "EN" } }, f.coordinator.token));
    expect(fresh.createPatient.userId).toEqual(expect.any(String));
    const passwordless = failure(await login("nopassword@test.meridian", ""));
    expect(passwordless).toMatchObject({ code: "UNAUTHENTICATED", message: wrongPassword.message });
  });

  /** Moves a rotated token's rotation back in time, past the reuse grace window. */
  const ageRotation = (refreshToken: string) =>
    server.db.query(`UPDATE auth_session SET used_at = used_at - make_interval(secs => $2) WHERE token_hash = $1`, [hashOpaqueToken(refreshToken), REFRESH_REUSE_GRACE_MS / 1000 + 1]);

  test("refreshSession rotates, and a refresh token presented again after the grace window ends the whole family", async () => {
    const first = ok(await login(f.admin.email, PASSWORD)).login;
    const second = ok(await server.gql(REFRESH, { t: first.refreshToken })).refreshSession;
    expect(second.user.id).toBe(f.admin.userId);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(ok(await server.gql(VIEWER, {}, second.accessToken)).viewer.id).toBe(f.admin.userId);

    // A second, unrelated sign-in of the same user must survive what follows.
    const elsewhere = ok(await login(f.admin.email, PASSWORD)).login;

    // Past the grace window, the old token is spent: presenting it again is refused ...
    await ageRotation(first.refreshToken);
    expect(failure(await server.gql(REFRESH, { t: first.refreshToken })).code).toBe("UNAUTHENTICATED");
    // ... and counts as theft: the newest token of that family is revoked too.
    expect(failure(await server.gql(REFRESH, { t: second.refreshToken })).code).toBe("UNAUTHENTICATED");
    const [{ revoked, total }] = await server.db.query(
      `SELECT count(*) FILTER (WHERE revoked_at IS NOT NULL)::int AS revoked, count(*)::int AS total
         FROM auth_session WHERE family_id = (SELECT family_id FROM auth_session WHERE token_hash = $1)`,
      [hashOpaqueToken(second.refreshToken)],
    );
    expect(total).toBe(2);
    expect(revoked).toBe(total);
    expect(ok(await server.gql(VIEWER, {}, second.accessToken)).viewer).toBeNull();

    // The other family is untouched.
    const rotated = ok(await server.gql(REFRESH, { t: elsewhere.refreshToken })).refreshSession;
    expect(rotated.user.id).toBe(f.admin.userId);
    // Garbage is refused the same way.
    expect(failure(await server.gql(REFRESH, { t: "garbage" })).code).toBe("UNAUTHENTICATED");
  });

  test("five refreshes with one token at once (two tabs) all succeed with the same successor, and the family lives on", async () => {
    const session = ok(await login(f.reviewerEn.email, PASSWORD)).login;
    const answers = await Promise.all(Array.from({ length: 5 }, () => server.gql(REFRESH, { t: session.refreshToken })));
    const refreshed = answers.map((answer) => ok(answer).refreshSession);
    expect(new Set(refreshed.map((r) => r.refreshToken)).size).toBe(1);
    expect(refreshed[0].refreshToken).not.toBe(session.refreshToken);
    for (const r of refreshed) expect(ok(await server.gql(VIEWER, {}, r.accessToken)).viewer.id).toBe(f.reviewerEn.userId);
    // One rotation happened: the family holds the first token and one successor, none revoked, nothing stored in plain text.
    const rows: Array<{ token_hash: string; used_at: Date | null; revoked_at: Date | null }> = await server.db.query(
      `SELECT token_hash, used_at, revoked_at FROM auth_session WHERE family_id = (SELECT family_id FROM auth_session WHERE token_hash = $1) ORDER BY created_at`,
      [hashOpaqueToken(session.refreshToken)],
    );
    expect(rows.map((r) => [r.token_hash, r.used_at !== null, r.revoked_at])).toEqual([
      [hashOpaqueToken(session.refreshToken), true, null],
      [hashOpaqueToken(refreshed[0].refreshToken), false, null],
    ]);
    // The successor rotates on as usual.
    const next = ok(await server.gql(REFRESH, { t: refreshed[0].refreshToken })).refreshSession;
    expect(ok(await server.gql(VIEWER, {}, next.accessToken)).viewer.id).toBe(f.reviewerEn.userId);
    // Once the successor itself was rotated, the first token is reuse even inside the window.
    expect(failure(await server.gql(REFRESH, { t: session.refreshToken })).code).toBe("UNAUTHENTICATED");
    expect(failure(await server.gql(REFRESH, { t: next.refreshToken })).code).toBe("UNAUTHENTICATED");
  });

  test("inside the grace window a rotated token gets the same successor; after it, the same request revokes the family", async () => {
    const session = ok(await login(f.reviewerZh.email, PASSWORD)).login;
    const rotated = ok(await server.gql(REFRESH, { t: session.refreshToken })).refreshSession;
    const again = ok(await server.gql(REFRESH, { t: session.refreshToken })).refreshSession;
    expect(again.refreshToken).toBe(rotated.refreshToken);
    await ageRotation(session.refreshToken);
    expect(failure(await server.gql(REFRESH, { t: session.refreshToken })).code).toBe("UNAUTHENTICATED");
    expect(failure(await server.gql(REFRESH, { t: rotated.refreshToken })).code).toBe("UNAUTHENTICATED");
    expect(ok(await server.gql(VIEWER, {}, again.accessToken)).viewer).toBeNull();
  });

  test("signOut revokes the session", async () => {
    const session = ok(await login(f.reviewerZh.email, PASSWORD)).login;
    expect(ok(await server.gql(SIGN_OUT, { t: session.refreshToken })).signOut).toBe(true);
    expect(failure(await server.gql(REFRESH, { t: session.refreshToken })).code).toBe("UNAUTHENTICATED");
    // A session rotated before signing out ends with it: signing out ends the whole sign-in.
    const another = ok(await login(f.reviewerZh.email, PASSWORD)).login;
    const rotated = ok(await server.gql(REFRESH, { t: another.refreshToken })).refreshSession;
    expect(ok(await server.gql(SIGN_OUT, { t: rotated.refreshToken })).signOut).toBe(true);
    expect(failure(await server.gql(REFRESH, { t: rotated.refreshToken })).code).toBe("UNAUTHENTICATED");
    expect(ok(await server.gql(SIGN_OUT, { t: "never-issued" })).signOut).toBe(false);
    // Access tokens die with their sign-in, without waiting for their expiry.
    expect(ok(await server.gql(VIEWER, {}, session.accessToken)).viewer).toBeNull();
    expect(failure(await server.gql(`{ cases { totalCount } }`, {}, rotated.accessToken)).code).toBe("UNAUTHENTICATED");
  });

  test("every login pays for one argon2 verification, known email or not", async () => {
    const real = server.runtime.passwords.verify;
    const verified: string[] = [];
    server.runtime.passwords.verify = (hash, password) => {
      verified.push(hash);
      return real(hash, password);
    };
    try {
      failure(await login("nobody.here@test.meridian", PASSWORD));
      failure(await login(f.coordinator.email, "wrong password entirely"));
      ok(await login(f.coordinator.email, PASSWORD));
    } finally {
      server.runtime.passwords.verify = real;
    }
    expect(verified).toHaveLength(3);
    expect(verified.every((hash) => hash.startsWith("$argon2id$"))).toBe(true);
    // The unknown email was checked against the dummy hash, not skipped.
    expect(verified[0]).not.toBe(verified[1]);
  });

  describe("invitations", () => {
    let userId: string;
    const email = "invited.patient@test.meridian";
    const goodPassword = "a long and quiet river at dusk";

    beforeAll(async () => {
      const created = ok(
        await server.gql(CREATE_PATIENT, { input: { fullName: "Invited Patient", dateOfBirth: "1955-02-03", email, preferredLanguage: "EN" } }, f.coordinator.token),
      );
      userId = created.createPatient.userId;
    });

    const tokenOf = (link: string) => {
      const match = /[#?&]token=([A-Za-z0-9_-]+)/.exec(link);
      expect(match).not.toBeNull();
      return match![1];
    };

    test("a coordinator invites a patient; a too-short password is refused and spends nothing", async () => {
      const link = ok(await server.gql(INVITE, { u: userId }, f.coordinator.token)).issueAccountInvitation;
      expect(link).toMatch(new RegExp(`^${server.runtime.publicUrl}/activate#token=`));
      const token = tokenOf(link);
      expect(token.length).toBeGreaterThanOrEqual(32);

      const short = failure(await server.gql(ACTIVATE, { token, password: "short" }));
      expect(short.code).toBe("BAD_USER_INPUT");
      expect(short.extensions.field).toBe("password");
      expect((await server.db.query(`SELECT password_hash FROM app_user WHERE id = $1`, [userId]))[0].password_hash).toBeNull();

      const session = ok(await server.gql(ACTIVATE, { token, password: goodPassword })).activateAccount;
      expect(session.user).toEqual({ id: userId, email, role: "PATIENT" });
      expect(ok(await server.gql(VIEWER, {}, session.accessToken)).viewer).toMatchObject({ id: userId, role: "PATIENT" });
      expect(ok(await server.gql(REFRESH, { t: session.refreshToken })).refreshSession.user.id).toBe(userId);

      // The link works once.
      const again = failure(await server.gql(ACTIVATE, { token, password: "another long passphrase here" }));
      expect(again.code).toBe("BAD_USER_INPUT");
      expect(again.extensions.field).toBe("token");
      // The password set by the first use is the one that signs in.
      expect(ok(await login(email, goodPassword)).login.user.id).toBe(userId);
      expect(failure(await login(email, "another long passphrase here")).code).toBe("UNAUTHENTICATED");
    });

    test("an unknown invitation token is BAD_USER_INPUT on token", async () => {
      const unknown = failure(await server.gql(ACTIVATE, { token: "x".repeat(43), password: goodPassword }));
      expect(unknown).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "token" } });
    });

    test("a coordinator cannot invite staff; patients and reviewers cannot invite at all", async () => {
      expect(failure(await server.gql(INVITE, { u: f.admin.userId }, f.coordinator.token)).code).toBe("NOT_FOUND");
      expect(failure(await server.gql(INVITE, { u: userId }, f.patient.token)).code).toBe("FORBIDDEN");
      expect(failure(await server.gql(INVITE, { u: userId }, f.reviewerEn.token)).code).toBe("FORBIDDEN");
      expect(failure(await server.gql(INVITE, { u: userId })).code).toBe("UNAUTHENTICATED");
    });

    test("an account that already has a password cannot be invited: staff never take over an active account", async () => {
      const before = (await server.db.query(`SELECT count(*)::int AS n FROM account_invitation`))[0].n;
      expect(failure(await server.gql(INVITE, { u: f.patient.userId }, f.coordinator.token))).toMatchObject({ code: "CONFLICT", extensions: { field: "userId" } });
      expect(failure(await server.gql(INVITE, { u: f.coordinator.userId }, f.admin.token)).code).toBe("CONFLICT");
      expect((await server.db.query(`SELECT count(*)::int AS n FROM account_invitation`))[0].n).toBe(before);
    });
  });

  describe("createUser", () => {
    const reviewerInput = (email: string, country: string) => ({
      email,
      displayName: "Dr New Reviewer",
      role: "REVIEWER",
      reviewer: { institution: "Shanghai Partner Hospital", country, specialties: ["Oncology", "Radiology"], languages: ["ZH", "EN"] },
    });
    const users = () => count(`SELECT count(*)::int AS n FROM app_user`);
    const reviewers = () => count(`SELECT count(*)::int AS n FROM reviewer`);

    test("an admin creates a reviewer with a profile", async () => {
      const created = ok(await server.gql(CREATE_USER, { input: reviewerInput("new.reviewer@test.meridian", "CN") }, f.admin.token)).createUser;
      expect(created).toMatchObject({
        email: "new.reviewer@test.meridian",
        role: "REVIEWER",
        reviewer: { institution: "Shanghai Partner Hospital", country: "CN", specialties: ["Oncology", "Radiology"], languages: ["ZH", "EN"] },
      });
      const [row] = await server.db.query(`SELECT password_hash FROM app_user WHERE id = $1`, [created.id]);
      expect(row.password_hash).toBeNull();
      // The admin can then invite them.
      expect(ok(await server.gql(INVITE, { u: created.id }, f.admin.token)).issueAccountInvitation).toMatch(/token=/);
    });

    test.each(["XX", "cn", "CHN", ""])("country %p is BAD_USER_INPUT on input.reviewer.country, and nothing is created", async (country) => {
      const [usersBefore, reviewersBefore] = [await users(), await reviewers()];
      const refused = failure(await server.gql(CREATE_USER, { input: reviewerInput(`bad.${country || "empty"}@test.meridian`, country) }, f.admin.token));
      expect(refused.code).toBe("BAD_USER_INPUT");
      expect(refused.extensions.field).toBe("input.reviewer.country");
      expect(await users()).toBe(usersBefore);
      expect(await reviewers()).toBe(reviewersBefore);
    });

    test("a duplicate email is CONFLICT on input.email, whatever its case", async () => {
      const before = await users();
      for (const email of [f.coordinator.email, f.coordinator.email.toUpperCase()]) {
        const refused = failure(await server.gql(CREATE_USER, { input: { email, displayName: "Copycat", role: "COORDINATOR" } }, f.admin.token));
        expect(refused.code).toBe("CONFLICT");
        expect(refused.extensions.field).toBe("input.email");
      }
      const asReviewer = failure(await server.gql(CREATE_USER, { input: reviewerInput(f.reviewerZh.email, "CN") }, f.admin.token));
      expect(asReviewer).toMatchObject({ code: "CONFLICT", extensions: { field: "input.email" } });
      expect(await users()).toBe(before);
    });

    test("a coordinator calling createUser is FORBIDDEN and creates nothing", async () => {
      const before = await users();
      const refused = failure(await server.gql(CREATE_USER, { input: { email: "sneaky@test.meridian", displayName: "Sneaky", role: "ADMIN" } }, f.coordinator.token));
      expect(refused.code).toBe("FORBIDDEN");
      expect(await users()).toBe(before);
    });
  });

  test("reads that show accounts never select a password hash; only signing in and changing the password do", async () => {
    const sendsHash = (sql: string) => /password_hash(?! IS NOT NULL)/.test(sql);
    const invited = ok(await server.gql(CREATE_USER, { input: { email: "never.auth@test.meridian", role: "COORDINATOR", displayName: "Never Activated" } }, f.admin.token)).createUser;
    server.statements.length = 0;
    const listed = ok(await server.gql(`{ users(first: 50) { edges { node { id activated } } } }`, {}, f.admin.token)).users.edges.map((e: { node: { id: string; activated: boolean } }) => e.node);
    ok(await server.gql(`{ viewer { id activated } reviewers { id displayName } }`, {}, f.admin.token));
    ok(await server.gql(`{ cases(first: 10) { edges { node { id assignments { reviewer { displayName } } } } } }`, {}, f.coordinator.token));
    expect(server.statements.length).toBeGreaterThan(0);
    expect(server.statements.filter(sendsHash)).toEqual([]);
    // What was read instead still tells activated accounts from invited ones.
    expect(listed.find((u: { id: string }) => u.id === invited.id)).toEqual({ id: invited.id, activated: false });
    expect(listed.find((u: { id: string }) => u.id === f.coordinator.userId)).toEqual({ id: f.coordinator.userId, activated: true });
    server.statements.length = 0;
    ok(await login(f.coordinator.email, PASSWORD));
    expect(server.statements.filter(sendsHash)).toHaveLength(1);
  });

  test("anonymous requests for cases are UNAUTHENTICATED", async () => {
    const response = await server.gql(`{ cases(first: 5) { totalCount edges { node { id } } } }`);
    expect(response.status).toBeLessThan(500);
    expect(failure(response).code).toBe("UNAUTHENTICATED");
    expect(response.data?.cases ?? null).toBeNull();
    expect(failure(await server.gql(`query($id: ID!) { case(id: $id) { id } }`, { id: "00000000-0000-4000-8000-000000000000" })).code).toBe("UNAUTHENTICATED");
  });
});

describe("failed login limit", () => {
  let server: TestServer;
  let f: Fixtures;

  beforeAll(async () => {
    server = await startTestServer({ loginLimitPerAccount: 3 });
    f = await createFixtures(server, "limit");
  });
  afterAll(() => server.close());

  test("past the per-account limit, login answers RATE_LIMITED, even with the right password", async () => {
    const login = (email: string, password: string) => server.gql(LOGIN, { email, password });
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(failure(await login(f.coordinator.email, `wrong password ${attempt}`)).code).toBe("UNAUTHENTICATED");
    }
    const limited = failure(await login(f.coordinator.email, "wrong password 4"));
    expect(limited.code).toBe("RATE_LIMITED");
    expect(failure(await login(f.coordinator.email, PASSWORD)).code).toBe("RATE_LIMITED");
    // The same address with another account is still served.
    expect(ok(await login(f.admin.email, PASSWORD)).login.user.id).toBe(f.admin.userId);
  });

  test("a successful login resets the account's count", async () => {
    const login = (email: string, password: string) => server.gql(LOGIN, { email, password });
    expect(failure(await login(f.patient.email, "wrong 1")).code).toBe("UNAUTHENTICATED");
    expect(failure(await login(f.patient.email, "wrong 2")).code).toBe("UNAUTHENTICATED");
    expect(ok(await login(f.patient.email, PASSWORD)).login.user.id).toBe(f.patient.userId);
    expect(failure(await login(f.patient.email, "wrong 3")).code).toBe("UNAUTHENTICATED");
    expect(failure(await login(f.patient.email, "wrong 4")).code).toBe("UNAUTHENTICATED");
    expect(ok(await login(f.patient.email, PASSWORD)).login.user.id).toBe(f.patient.userId);
  });
});
