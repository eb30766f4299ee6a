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

/** Whether PostgreSQL refused the statement for its data (classes 22 data exception and 23 integrity violation), not for a failure of the database or the connection. */
export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^2[23]/.test(code);
}
