import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { createFileMailer } from "../../server/mail/mailer";
import { createFixtures, PASSWORD, type Fixtures } from "../support/fixtures";
import { failure, ok, startTestServer, type TestServer } from "../support/server";

/** Invitation and password-reset links (one mechanism, only the newest works), the mail outbox, password changes. */

const CREATE_PATIENT = `mutation($input: CreatePatientInput!) { createPatient(input: $input) { id userId } }`;
const INVITE = `mutation($u: ID!) { issueAccountInvitation(userId: $u) }`;
const ACTIVATE = `mutation($token: String!, $password: String!) { activateAccount(token: $token, password: $password) { accessToken refreshToken user { id } } }`;
const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken refreshToken } }`;
const REQUEST_RESET = `mutation($email: String!) { requestPasswordReset(email: $email) }`;
const RESET = `mutation($token: String!, $password: String!) { resetPassword(token: $token, password: $password) { accessToken refreshToken user { id patient { id } } } }`;
const CHANGE = `mutation($current: String!, $next: String!) { changePassword(currentPassword: $current, newPassword: $next) }`;
const REFRESH = `mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }`;
const VIEWER = `{ viewer { id } }`;

let server: TestServer;
let f: Fixtures;
let counter = 0;

beforeAll(async () => {
  server = await startTestServer();
  f = await createFixtures(server, "links");
});
afterAll(() => server.close());

const tokenOf = (link: string) => /#token=([A-Za-z0-9_-]+)$/.exec(link)![1];
const outbox = () => server.config.mailDir;
const mails = () => (fs.existsSync(outbox()) ? fs.readdirSync(outbox()).sort() : []);
const mailsTo = (email: string) => mails().filter((name) => fs.readFileSync(path.join(outbox(), name), "utf8").includes(`To: ${email}\r\n`));

/** Waits for the outbox to hold `count` mails to `email` (reset mails are written after the answer). */
async function mailTo(email: string, count: number): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (mailsTo(email).length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  const names = mailsTo(email);
  expect(names).toHaveLength(count);
  return fs.readFileSync(path.join(outbox(), names[names.length - 1]), "utf8");
}

const linkIn = (mail: string) => /(http\S+#token=[A-Za-z0-9_-]+)/.exec(mail)![1];

async function newPatientUser(): Promise<{ userId: string; email: string }> {
  counter += 1;
  const email = `links.${counter}.${Date.now()}@test.meridian`;
  const created = ok(await server.gql(CREATE_PATIENT, { input: { fullName: "Link Subject", dateOfBirth: "1971-04-05", email, preferredLanguage: "EN" } }, f.coordinator.token)).createPatient;
  return { userId: created.userId, email };
}

/** An active patient account with its own password. */
async function activePatient(password = "the first long passphrase"): Promise<{ userId: string; email: string; password: string }> {
  const user = await newPatientUser();
  const link = ok(await server.gql(INVITE, { u: user.userId }, f.coordinator.token)).issueAccountInvitation;
  ok(await server.gql(ACTIVATE, { token: tokenOf(link), password }));
  return { ...user, password };
}

describe("invitations", () => {
  test("reissuing an invitation ends the earlier link: only the newest works", async () => {
    const user = await newPatientUser();
    const first = ok(await server.gql(INVITE, { u: user.userId }, f.coordinator.token)).issueAccountInvitation;
    const second = ok(await server.gql(INVITE, { u: user.userId }, f.admin.token)).issueAccountInvitation;
    expect(second).not.toBe(first);
    expect(failure(await server.gql(ACTIVATE, { token: tokenOf(first), password: "a long enough passphrase" }))).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "token" } });
    expect((await server.db.query(`SELECT password_hash FROM app_user WHERE id = $1`, [user.userId]))[0].password_hash).toBeNull();
    expect(ok(await server.gql(ACTIVATE, { token: tokenOf(second), password: "a long enough passphrase" })).activateAccount.user.id).toBe(user.userId);
  });

  test("two invitations issued at once leave exactly one link alive", async () => {
    const user = await newPatientUser();
    const links = await Promise.all([0, 1, 2].map(() => server.gql(INVITE, { u: user.userId }, f.coordinator.token)));
    expect(links.every((r) => typeof r.data?.issueAccountInvitation === "string")).toBe(true);
    const [{ alive }] = await server.db.query(`SELECT count(*)::int AS alive FROM account_invitation WHERE user_id = $1 AND used_at IS NULL AND expires_at > now()`, [user.userId]);
    expect(alive).toBe(1);
  });

  test("the invitation is mailed to the account's address, into the outbox", async () => {
    const user = await newPatientUser();
    const link = ok(await server.gql(INVITE, { u: user.userId }, f.coordinator.token)).issueAccountInvitation;
    const mail = await mailTo(user.email, 1);
    expect(linkIn(mail)).toBe(link);
    const file = path.join(outbox(), mailsTo(user.email)[0]);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe("password reset", () => {
  test("the answer is the same whether or not the email has an account, and only an account's owner gets a mail", async () => {
    const user = await activePatient();
    const before = mails().length;
    const known = await server.gql(REQUEST_RESET, { email: ` ${user.email.toUpperCase()} ` });
    const unknown = await server.gql(REQUEST_RESET, { email: "nobody.here.at.all@test.meridian" });
    expect(known.raw).toBe(`{"data":{"requestPasswordReset":true}}\n`);
    expect(unknown.raw).toBe(known.raw);
    expect(unknown.status).toBe(known.status);
    const mail = await mailTo(user.email, 2);
    expect(mail).toContain("Subject: Reset your Meridian password");
    expect(linkIn(mail)).toMatch(new RegExp(`^${server.runtime.publicUrl}/reset-password#token=`));
    // The invitation and the reset; nothing for the unknown address.
    expect(mails().length).toBe(before + 1);
  });

  test("the link sets the password once, ends every earlier sign-in, and signs in (payload is the owner's)", async () => {
    const user = await activePatient();
    const earlier = ok(await server.gql(LOGIN, { email: user.email, password: user.password })).login;
    ok(await server.gql(REQUEST_RESET, { email: user.email }));
    const token = tokenOf(linkIn(await mailTo(user.email, 2)));

    const weak = failure(await server.gql(RESET, { token, password: "short" }));
    expect(weak).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "password" } });
    const reset = ok(await server.gql(RESET, { token, password: "a brand new passphrase" })).resetPassword;
    expect(reset.user.id).toBe(user.userId);
    const [{ id: patientId }] = await server.db.query(`SELECT id FROM patient WHERE user_id = $1`, [user.userId]);
    expect(reset.user.patient).toEqual({ id: patientId });
    expect(ok(await server.gql(VIEWER, {}, reset.accessToken)).viewer.id).toBe(user.userId);

    // Earlier sign-ins are over; the old password is gone; the link is spent.
    expect(ok(await server.gql(VIEWER, {}, earlier.accessToken)).viewer).toBeNull();
    expect(failure(await server.gql(REFRESH, { t: earlier.refreshToken })).code).toBe("UNAUTHENTICATED");
    expect(failure(await server.gql(LOGIN, { email: user.email, password: user.password })).code).toBe("UNAUTHENTICATED");
    ok(await server.gql(LOGIN, { email: user.email, password: "a brand new passphrase" }));
    expect(failure(await server.gql(RESET, { token, password: "yet another passphrase" }))).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "token" } });
  });

  test("only the newest reset link works, an invitation token does not reset, and a link expires after an hour", async () => {
    const user = await activePatient();
    ok(await server.gql(REQUEST_RESET, { email: user.email }));
    const first = tokenOf(linkIn(await mailTo(user.email, 2)));
    ok(await server.gql(REQUEST_RESET, { email: user.email }));
    const second = tokenOf(linkIn(await mailTo(user.email, 3)));
    expect(failure(await server.gql(RESET, { token: first, password: "a brand new passphrase" })).extensions.field).toBe("token");

    const [{ lifetime }] = await server.db.query(
      `SELECT extract(epoch FROM expires_at - created_at)::int AS lifetime FROM account_invitation WHERE user_id = $1 AND purpose = 'PASSWORD_RESET' ORDER BY created_at DESC LIMIT 1`,
      [user.userId],
    );
    expect(lifetime).toBe(3600);
    await server.db.query(`UPDATE account_invitation SET expires_at = now() - interval '1 second' WHERE user_id = $1 AND purpose = 'PASSWORD_RESET' AND used_at IS NULL`, [user.userId]);
    expect(failure(await server.gql(RESET, { token: second, password: "a brand new passphrase" })).extensions.field).toBe("token");

    const fresh = await newPatientUser();
    const invitation = tokenOf(ok(await server.gql(INVITE, { u: fresh.userId }, f.coordinator.token)).issueAccountInvitation);
    expect(failure(await server.gql(RESET, { token: invitation, password: "a brand new passphrase" })).extensions.field).toBe("token");
    expect((await server.db.query(`SELECT password_hash FROM app_user WHERE id = $1`, [fresh.userId]))[0].password_hash).toBeNull();
  });

  test("requests are rate-limited per account, known or not, with the same answer", async () => {
    const user = await activePatient();
    const answers = async (email: string) => {
      const codes: string[] = [];
      for (let i = 0; i < 7; i++) {
        const response = await server.gql(REQUEST_RESET, { email });
        codes.push(response.errors ? String(response.errors[0].extensions?.code) : "OK");
      }
      return codes;
    };
    const known = await answers(user.email);
    const unknown = await answers("unknown.rate.limited@test.meridian");
    expect(known).toEqual(["OK", "OK", "OK", "OK", "OK", "RATE_LIMITED", "RATE_LIMITED"]);
    expect(unknown).toEqual(known);
  });
});

describe("changing a password", () => {
  test("needs the current password (BAD_USER_INPUT on currentPassword), then ends the other sign-ins and keeps this one", async () => {
    const user = await activePatient();
    const here = ok(await server.gql(LOGIN, { email: user.email, password: user.password })).login;
    const elsewhere = ok(await server.gql(LOGIN, { email: user.email, password: user.password })).login;

    expect(failure(await server.gql(CHANGE, { current: "not the password at all", next: "a changed passphrase" }, here.accessToken))).toMatchObject({
      code: "BAD_USER_INPUT",
      extensions: { field: "currentPassword" },
    });
    expect(failure(await server.gql(CHANGE, { current: user.password, next: "short" }, here.accessToken))).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "newPassword" } });
    expect(ok(await server.gql(VIEWER, {}, elsewhere.accessToken)).viewer.id).toBe(user.userId);

    expect(ok(await server.gql(CHANGE, { current: user.password, next: "a changed passphrase" }, here.accessToken)).changePassword).toBe(true);
    expect(ok(await server.gql(VIEWER, {}, here.accessToken)).viewer.id).toBe(user.userId);
    ok(await server.gql(REFRESH, { t: here.refreshToken }));
    expect(ok(await server.gql(VIEWER, {}, elsewhere.accessToken)).viewer).toBeNull();
    expect(failure(await server.gql(REFRESH, { t: elsewhere.refreshToken })).code).toBe("UNAUTHENTICATED");
    expect(failure(await server.gql(LOGIN, { email: user.email, password: user.password })).code).toBe("UNAUTHENTICATED");
    ok(await server.gql(LOGIN, { email: user.email, password: "a changed passphrase" }));
  });

  test("a pending reset link stops working once the password is changed; anonymous callers are UNAUTHENTICATED", async () => {
    const user = await activePatient();
    ok(await server.gql(REQUEST_RESET, { email: user.email }));
    const token = tokenOf(linkIn(await mailTo(user.email, 2)));
    const session = ok(await server.gql(LOGIN, { email: user.email, password: user.password })).login;
    ok(await server.gql(CHANGE, { current: user.password, next: "a changed passphrase" }, session.accessToken));
    expect(failure(await server.gql(RESET, { token, password: "a brand new passphrase" })).extensions.field).toBe("token");
    expect(failure(await server.gql(CHANGE, { current: PASSWORD, next: "a changed passphrase" })).code).toBe("UNAUTHENTICATED");
  });
});

describe("the file mailer", () => {
  async function sendWith(production: boolean) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meridian-mail-"));
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
    const mailer = createFileMailer(path.join(dir, "mail"), pino({ level: "info" }, sink), production);
    await mailer.send({ to: "someone.private@example.org", subject: "Reset", text: "Your link: https://meridian.example/reset-password#token=abc", kind: "PASSWORD_RESET", link: "https://meridian.example/reset-password#token=abc" });
    await new Promise((resolve) => setImmediate(resolve));
    const files = fs.readdirSync(path.join(dir, "mail"));
    const content = fs.readFileSync(path.join(dir, "mail", files[0]), "utf8");
    fs.rmSync(dir, { recursive: true, force: true });
    return { files, content, log: lines.join("") };
  }

  test("writes the mail as a file and logs its kind and file, never the address; the link only outside production", async () => {
    const development = await sendWith(false);
    expect(development.files).toHaveLength(1);
    expect(development.content).toContain("To: someone.private@example.org");
    expect(development.log).toContain(development.files[0]);
    expect(development.log).toContain("PASSWORD_RESET");
    expect(development.log).toContain("reset-password#token=abc");
    expect(development.log).not.toContain("someone.private");

    const production = await sendWith(true);
    expect(production.log).toContain(production.files[0]);
    expect(production.log).not.toContain("token=abc");
    expect(production.log).not.toContain("someone.private");
  });
});
