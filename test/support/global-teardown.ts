import fs from "node:fs";

export default async function globalTeardown(): Promise<void> {
  await globalThis.__MERIDIAN_CLUSTER__?.stop();
  const root = process.env.MERIDIAN_TEST_ROOT;
  if (root) fs.rmSync(root, { recursive: true, force: true });
}
