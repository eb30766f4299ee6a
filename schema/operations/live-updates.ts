import fs from "node:fs";
import path from "node:path";
import type { Client } from "graphql-ws";

/** The shape of `fragment CaseEventFields` in live-updates.graphql. */
export interface CaseEventPayload {
  id: string;
  type: string;
  at: string;
  fromStatus: string | null;
  toStatus: string | null;
  note: string | null;
  noteCode: string | null;
  noteValues: string[] | null;
  case: { id: string; reference: string; status: string; version: number; statusSince: string; heldFrom: string | null };
}

/** `after` for "from the start" (event ids are positive), for events(after:) and caseActivity(after:) alike. */
export const FROM_THE_START = "0";

export const LIVE_UPDATES_DOCUMENT = fs.readFileSync(path.join(__dirname, "live-updates.graphql"), "utf8");

export interface FollowHandlers {
  event(event: CaseEventPayload): void;
  /** The server ended the subscription (rights ended, e.g. consent revoked): do not resume. */
  ended(error: unknown): void;
}

/**
 * Follows one case's activity and never misses an event: from the start, or after the
 * last event id the caller already has, then live; it remembers the last id it saw and,
 * when the socket drops (a restart, a refreshed token), resumes after it. Always from a
 * known position: following "from now on" would lose what happens before the first
 * event arrives if the socket drops meanwhile. Returns a function that stops following.
 */
export function followCase(client: Client, caseId: string, handlers: FollowHandlers, after: string = FROM_THE_START): () => void {
  let lastId = after;
  let stopped = false;
  let unsubscribe = () => {};
  const start = () => {
    unsubscribe = client.subscribe<{ caseActivity: CaseEventPayload }>(
      { query: LIVE_UPDATES_DOCUMENT, operationName: "CaseActivity", variables: { caseId, after: lastId } },
      {
        next: (result) => {
          const event = result.data?.caseActivity;
          // graphql-ws resubscribes with the payload it started with: skip what was already seen.
          if (!event || BigInt(event.id) <= BigInt(lastId)) return;
          lastId = event.id;
          handlers.event(event);
        },
        error: (error) => {
          // A closed socket is a CloseEvent-like object (the client reconnects); GraphQL errors are an array.
          if (Array.isArray(error)) {
            stopped = true;
            handlers.ended(error);
          } else if (!stopped) {
            setTimeout(start, 100);
          }
        },
        complete: () => {
          if (!stopped) setTimeout(start, 100);
        },
      },
    );
  };
  start();
  return () => {
    stopped = true;
    unsubscribe();
  };
}
