import { ConflictError } from "../errors.js";

/** Maps a unique-constraint violation to a CONFLICT naming the input field; rethrows anything else. */
export function conflictOnUnique(error: unknown, constraints: Record<string, { field: string; message: string }>): never {
  const e = error as { driverError?: { code?: string; constraint?: string }; code?: string; constraint?: string };
  const driver = e?.driverError ?? e;
  if (driver?.code === "23505" && driver.constraint && constraints[driver.constraint]) {
    const { field, message } = constraints[driver.constraint];
    throw new ConflictError(message, field);
  }
  throw error;
}
