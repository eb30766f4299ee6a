import { useApolloClient } from "@apollo/client/react";
import { useEffect, useRef, useState } from "react";
import { useMeridianClient } from "../app/auth";
import { CaseActivityDocument, CaseTimelineDocument, type CaseEventFieldsFragment, type TimelineEventFragment } from "../generated/graphql";
import { applyCaseEvent } from "./live";

const PAGE = 100;

export interface CaseActivity {
  events: TimelineEventFragment[] | null;
  error: unknown;
  /** The subscription was ended by the server (the viewer may no longer see the case). */
  ended: boolean;
}

/**
 * A case's whole timeline, then every new event live. It remembers the last event id and, after
 * the socket comes back from a drop, subscribes again with `caseActivity(after:)` from there:
 * nothing is missed and nothing shown twice. Each event's case state goes into the cache
 * (newer versions only) and `onEvent` hears it.
 */
export function useCaseActivity(caseId: string, onEvent: (event: CaseEventFieldsFragment) => void): CaseActivity {
  const apollo = useApolloClient();
  const { onReconnect } = useMeridianClient();
  const [state, setState] = useState<CaseActivity>({ events: null, error: null, ended: false });
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;

  useEffect(() => {
    let stopped = false;
    let lastId: string | null = null;
    let loaded = false;
    let subscription: { unsubscribe(): void } | null = null;

    const follow = () => {
      subscription?.unsubscribe();
      if (stopped) return;
      subscription = apollo.subscribe({ query: CaseActivityDocument, variables: { caseId, after: lastId }, fetchPolicy: "no-cache" }).subscribe({
        next: (result) => {
          const event = result.data?.caseActivity;
          if (result.error && !event) {
            stopped = true;
            setState((previous) => ({ ...previous, ended: true }));
            return;
          }
          if (!event || (lastId !== null && BigInt(event.id) <= BigInt(lastId))) return;
          lastId = event.id;
          applyCaseEvent(apollo.cache, event);
          setState((previous) => ({ ...previous, events: [...(previous.events ?? []), event] }));
          onEventRef.current(event);
        },
        error: () => {
          if (!stopped) setTimeout(follow, 1000);
        },
      });
    };

    const load = async () => {
      const events: TimelineEventFragment[] = [];
      for (;;) {
        const after: string | null = events.length ? events[events.length - 1].id : null;
        const result = await apollo.query({ query: CaseTimelineDocument, variables: { id: caseId, after }, fetchPolicy: "no-cache" });
        const page = result.data?.case?.events ?? [];
        events.push(...page);
        if (page.length < PAGE) break;
      }
      if (stopped) return;
      // "0" replays from the start: an event that lands between the read and the subscription is not lost.
      lastId = events.length ? events[events.length - 1].id : "0";
      loaded = true;
      setState({ events, error: null, ended: false });
      follow();
    };

    setState({ events: null, error: null, ended: false });
    load().catch((error: unknown) => {
      if (!stopped) setState({ events: null, error, ended: false });
    });
    const stopReconnect = onReconnect(() => {
      if (loaded) follow();
    });
    return () => {
      stopped = true;
      stopReconnect();
      subscription?.unsubscribe();
    };
  }, [apollo, caseId, onReconnect]);

  return state;
}
