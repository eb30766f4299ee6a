import type { ApolloCache } from "@apollo/client";
import { CaseLiveStateFragmentDoc, type CaseEventFieldsFragment } from "../generated/graphql";

/**
 * Writes an event's case state into the normalized cache, only when it is newer than what the
 * cache holds: a late, older event (a replay after reconnecting, a slow socket) must not roll
 * the status back. Returns whether the cache changed.
 */
export function applyCaseEvent(cache: ApolloCache, event: CaseEventFieldsFragment): boolean {
  const id = cache.identify({ __typename: "Case", id: event.case.id });
  const cached = cache.readFragment({ id, fragment: CaseLiveStateFragmentDoc });
  if (cached && cached.version >= event.case.version) return false;
  cache.writeFragment({ id, fragment: CaseLiveStateFragmentDoc, data: { ...event.case, __typename: "Case" } });
  return true;
}
