import { Session, type SessionTokens } from "../../client/src/app/session";

/** The web app's sign-in: refresh tokens rotate, so parallel requests must share one refresh. */
const store = new Map<string, string>();
Object.assign(globalThis, {
  sessionStorage: {
    getItem: (key: string) => store.get(key) ?? null,
    setItem: (key: string, value: string) => void store.set(key, value),
    removeItem: (key: string) => void store.delete(key),
  },
});

function accessToken(expiresInSeconds: number): string {
  const payload = Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + expiresInSeconds })).toString("base64url");
  return `header.${payload}.signature`;
}

const user = { __typename: "User" as const, id: "1", displayName: "Coordinator", email: "c@example.org", role: "COORDINATOR" as const };

function tokens(refreshToken: string, expiresIn: number): SessionTokens {
  return { accessToken: accessToken(expiresIn), refreshToken, user };
}

beforeEach(() => store.clear());

test("a token far from expiry is used as it is", async () => {
  const session = new Session();
  session.exchange = jest.fn();
  session.signedIn(tokens("r1", 900));
  await expect(session.freshAccessToken()).resolves.toMatch(/^header\./);
  expect(session.exchange).not.toHaveBeenCalled();
});

test("parallel requests near expiry share one refresh, and the rotated refresh token is kept for a reload", async () => {
  const session = new Session();
  const waiting: Array<() => void> = [];
  const release = () => waiting.forEach((resolve) => resolve());
  const exchange = jest.fn(async (refreshToken: string) => {
    await new Promise<void>((resolve) => waiting.push(resolve));
    return tokens(`${refreshToken}-next`, 900);
  });
  session.exchange = exchange;
  session.signedIn(tokens("r1", 30));
  const parallel = Promise.all([session.freshAccessToken(), session.freshAccessToken(), session.freshAccessToken()]);
  await new Promise((resolve) => setImmediate(resolve));
  release();
  const [a, b, c] = await parallel;
  expect(exchange).toHaveBeenCalledTimes(1);
  expect(exchange).toHaveBeenCalledWith("r1");
  expect(new Set([a, b, c]).size).toBe(1);
  expect(session.storedRefreshToken).toBe("r1-next");
});

test("a refused refresh signs the tab out; a network failure does not", async () => {
  const session = new Session();
  session.signedIn(tokens("r1", 10));
  session.exchange = async () => {
    throw new Error("network down");
  };
  await expect(session.freshAccessToken()).rejects.toThrow("network down");
  expect(session.viewer).not.toBeNull();
  session.exchange = async () => null;
  await expect(session.freshAccessToken()).resolves.toBeNull();
  expect(session.viewer).toBeNull();
  expect(session.storedRefreshToken).toBeNull();
});
