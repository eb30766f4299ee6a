import crypto from "node:crypto";
import { signAccessToken, verifyAccessToken } from "../../server/auth/tokens";
import { Role } from "../../server/common/enums";

/** Verified access tokens are kept, but never beyond their validity, nor for another secret. */

const secret = () => new Uint8Array(crypto.randomBytes(32));
const claims = { userId: crypto.randomUUID(), role: Role.COORDINATOR, familyId: crypto.randomUUID() };

afterEach(() => jest.useRealTimers());

test("a token verifies to its claims, the second time from what was kept", async () => {
  const key = secret();
  const token = await signAccessToken(key, claims);
  const first = await verifyAccessToken(key, token);
  expect(first).toMatchObject(claims);
  expect(await verifyAccessToken(key, token)).toBe(first);
});

test("a kept token is refused once it has expired", async () => {
  const key = secret();
  const token = await signAccessToken(key, claims, 60);
  expect(await verifyAccessToken(key, token)).toMatchObject(claims);
  jest.useFakeTimers({ now: Date.now() + 61_000 });
  expect(await verifyAccessToken(key, token)).toBeUndefined();
});

test("a token kept for one secret is refused under another", async () => {
  const [key, other] = [secret(), secret()];
  const token = await signAccessToken(key, claims);
  expect(await verifyAccessToken(key, token)).toMatchObject(claims);
  expect(await verifyAccessToken(other, token)).toBeUndefined();
});

test("a token altered after a valid one was kept is refused", async () => {
  const key = secret();
  const token = await signAccessToken(key, claims);
  await verifyAccessToken(key, token);
  const [header, payload, signature] = token.split(".");
  const forged = JSON.parse(Buffer.from(payload, "base64url").toString());
  forged.role = Role.ADMIN;
  expect(await verifyAccessToken(key, `${header}.${Buffer.from(JSON.stringify(forged)).toString("base64url")}.${signature}`)).toBeUndefined();
  expect(await verifyAccessToken(key, `${token.slice(0, -2)}xx`)).toBeUndefined();
});
