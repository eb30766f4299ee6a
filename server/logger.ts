import pino from "pino";

export type Logger = pino.Logger;

/**
 * Structured JSON logs. Nothing that identifies a patient is ever logged:
 * callers pass ids and codes, and the redaction list is a second line of defence.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: ["*.password", "*.email", "*.fullName", "*.dateOfBirth", "*.healthCardNumber", "*.authorization", "*.token"],
      censor: "[redacted]",
    },
  });
}
