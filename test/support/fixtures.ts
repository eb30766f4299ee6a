import crypto from "node:crypto";
import { hashPassword } from "../../server/auth/password";
import { signAccessToken } from "../../server/auth/tokens";
import { Role } from "../../server/common/enums";
import { searchTextOf } from "../../server/common/search";
import { ok, type TestServer } from "./server";

export const PASSWORD = "correct horse battery staple";

let passwordHash: Promise<string> | undefined;

export interface Account {
  userId: string;
  token: string;
  email: string;
}

export interface Fixtures {
  admin: Account;
  coordinator: Account;
  /** Reviewers in CN: one reads Chinese, one English. */
  reviewerZh: Account & { reviewerId: string };
  reviewerEn: Account & { reviewerId: string };
  /** A reviewer in another country (US), for consent coverage. */
  reviewerUs: Account & { reviewerId: string };
  patient: Account & { patientId: string };
  otherPatient: Account & { patientId: string };
}

/** An access token for a user, as login would issue it (with a live session behind it). */
export async function tokenFor(server: TestServer, userId: string, role: Role, lifetimeSeconds?: number): Promise<string> {
  const familyId = crypto.randomUUID();
  await server.db.query(
    `INSERT INTO auth_session (user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, now() + interval '1 day')`,
    [userId, familyId, crypto.randomBytes(32).toString("hex")],
  );
  return signAccessToken(server.runtime.jwtSecret, { userId, role, familyId }, lifetimeSeconds);
}

async function insertUser(server: TestServer, email: string, role: Role, displayName: string): Promise<Account> {
  passwordHash ??= hashPassword(PASSWORD);
  const [row] = await server.db.query(
    `INSERT INTO app_user (email, role, display_name, password_hash, search_text) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [email, role, displayName, await passwordHash, searchTextOf(displayName, email)],
  );
  return { userId: row.id, email, token: await tokenFor(server, row.id, role) };
}

/** Staff and reviewers go straight into the database; patients through the API, as coordinators make them. */
export async function createFixtures(server: TestServer, tag = "t"): Promise<Fixtures> {
  const admin = await insertUser(server, `admin.${tag}@test.meridian`, Role.ADMIN, "Test Admin");
  const coordinator = await insertUser(server, `coordinator.${tag}@test.meridian`, Role.COORDINATOR, "Test Coordinator");
  const reviewer = async (email: string, name: string, country: string, languages: string[]) => {
    const account = await insertUser(server, email, Role.REVIEWER, name);
    const [row] = await server.db.query(
      `INSERT INTO reviewer (user_id, institution, country, specialties, languages) VALUES ($1, 'Partner Hospital', $2, '{Oncology}', $3) RETURNING id`,
      [account.userId, country, languages],
    );
    return { ...account, reviewerId: row.id as string };
  };
  const patient = async (email: string, fullName: string) => {
    const data = ok(
      await server.gql(
        `mutation($input: CreatePatientInput!) { createPatient(input: $input) { id userId } }`,
        { input: { fullName, dateOfBirth: "1960-05-17", email, healthCardNumber: "9876-543-210", preferredLanguage: "EN" } },
        coordinator.token,
      ),
    );
    await server.db.query(`UPDATE app_user SET password_hash = $2 WHERE id = $1`, [data.createPatient.userId, await passwordHash]);
    return { userId: data.createPatient.userId, patientId: data.createPatient.id, email, token: await tokenFor(server, data.createPatient.userId, Role.PATIENT) };
  };
  return {
    admin,
    coordinator,
    reviewerZh: await reviewer(`reviewer.zh.${tag}@test.meridian`, "Dr Zh", "CN", ["ZH"]),
    reviewerEn: await reviewer(`reviewer.en.${tag}@test.meridian`, "Dr En", "CN", ["EN"]),
    reviewerUs: await reviewer(`reviewer.us.${tag}@test.meridian`, "Dr Us", "US", ["EN"]),
    patient: await patient(`patient.${tag}@test.meridian`, "Margaret Holloway"),
    otherPatient: await patient(`other.${tag}@test.meridian`, "Bartholomew Quince"),
  };
}
