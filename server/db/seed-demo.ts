import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { In } from "typeorm";
import { hashPassword } from "../auth/password.js";
import { buildContext, loadViewer, type RequestContext } from "../context.js";
import { Language, Role } from "../common/enums.js";
import { ReviewerEntity } from "../reviewers/reviewer.entity.js";
import type { Runtime } from "../runtime.js";
import { UserEntity } from "../users/user.entity.js";
import { createUser } from "../users/user.service.js";
import { seedDemoCases } from "./seed-demo-cases.js";

export const DEMO_ACCOUNTS = [
  { email: "admin@demo.meridian", role: Role.ADMIN, displayName: "Nadia Haddad" },
  { email: "coordinator@demo.meridian", role: Role.COORDINATOR, displayName: "Chloé Tremblay" },
  {
    email: "reviewer.zh@demo.meridian",
    role: Role.REVIEWER,
    displayName: "Dr. Wang Lei",
    reviewer: { institution: "Shanghai Oncology Partner Hospital", country: "CN", specialties: ["Thoracic oncology", "Medical oncology"], languages: [Language.ZH] },
  },
  {
    email: "reviewer.en@demo.meridian",
    role: Role.REVIEWER,
    displayName: "Dr. Zhou Min",
    reviewer: { institution: "Guangzhou Partner Cancer Centre", country: "CN", specialties: ["Breast oncology", "Medical oncology"], languages: [Language.EN] },
  },
  { email: "patient@demo.meridian", role: Role.PATIENT, displayName: "Diane Lefebvre" },
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
  if (demoPatient?.activated) return { created: false, password, passwordSource };
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
      reviewer: "reviewer" in account ? { ...account.reviewer, specialties: [...account.reviewer.specialties], languages: [...account.reviewer.languages] } : null,
    });
  }
  const reviewers = runtime.db.getRepository(ReviewerEntity);
  const reviewerOf = async (email: string) => (await reviewers.findOneByOrFail({ userId: (await users.findOneByOrFail({ email })).id })).id;
  await seedDemoCases(
    {
      coordinator: await contextAs(runtime, "coordinator@demo.meridian"),
      reviewerZh: await contextAs(runtime, "reviewer.zh@demo.meridian"),
      reviewerEn: await contextAs(runtime, "reviewer.en@demo.meridian"),
      patientAccount: () => contextAs(runtime, "patient@demo.meridian"),
    },
    { zh: await reviewerOf("reviewer.zh@demo.meridian"), en: await reviewerOf("reviewer.en@demo.meridian") },
  );
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
