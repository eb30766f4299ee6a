import { CombinedGraphQLErrors } from "@apollo/client";
import type { TFunction } from "i18next";

export interface ErrorFacts {
  code: string;
  field?: string;
  missing: string[];
  message?: string;
}

/** The first GraphQL error's code, field and missing requirements; NETWORK for a failed transport. */
export function errorFacts(error: unknown): ErrorFacts {
  if (CombinedGraphQLErrors.is(error)) {
    const first = error.errors[0];
    const extensions = (first?.extensions ?? {}) as { code?: string; field?: string; missing?: string[] };
    return { code: extensions.code ?? "INTERNAL_SERVER_ERROR", field: extensions.field, missing: extensions.missing ?? [], message: first?.message };
  }
  return { code: "NETWORK", missing: [] };
}

/** A sentence in the viewer's language for any error the API or the network gives. */
export function describeError(t: TFunction, error: unknown): string {
  const facts = errorFacts(error);
  const known = ["BAD_USER_INPUT", "CONFLICT", "NOT_FOUND", "FORBIDDEN", "UNAUTHENTICATED", "TRANSITION_NOT_ALLOWED", "RATE_LIMITED", "SERVICE_UNAVAILABLE", "PAYLOAD_TOO_LARGE", "NETWORK"];
  const code = known.includes(facts.code) ? facts.code : "UNEXPECTED";
  const sentence = t(`errors.${code}`);
  if (code === "BAD_USER_INPUT" && facts.message) return `${sentence} ${facts.message}`;
  if (code === "TRANSITION_NOT_ALLOWED" && facts.missing.length > 0) {
    return `${sentence} ${facts.missing.map((m) => t(`missing.${m}`)).join(" ")}`;
  }
  return sentence;
}
