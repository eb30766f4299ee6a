import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, InMemoryCache } from "@apollo/client";
import { SetContextLink } from "@apollo/client/link/context";
import { ErrorLink } from "@apollo/client/link/error";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { OperationTypeNode } from "graphql";
import { createClient, type Client as WsClient } from "graphql-ws";
import { from, switchMap } from "rxjs";
import { RefreshSessionDocument } from "../generated/graphql";
import { Session } from "./session";

/** Operations that carry no access token and never trigger a refresh. */
const SIGN_IN_OPERATIONS = new Set(["Login", "RefreshSession", "ActivateAccount"]);

export interface MeridianClient {
  apollo: ApolloClient;
  session: Session;
  /** Closes the WebSocket (sign-out); the next subscription opens a new one with the new token. */
  resetSocket(): void;
  /** Called after the WebSocket came back from a drop: followers resume from the last event they saw. */
  onReconnect(listener: () => void): () => void;
}

function socketUrl(): string {
  const url = new URL("/graphql", window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

export function createMeridianClient(): MeridianClient {
  const session = new Session();
  const httpLink = new HttpLink({ uri: "/graphql" });

  // Refreshed before expiry, shared by parallel requests (Session.refresh keeps one in flight).
  const authLink = new SetContextLink(async (prevContext, operation) => {
    if (operation.operationName && SIGN_IN_OPERATIONS.has(operation.operationName)) return {};
    const token = await session.freshAccessToken();
    return token ? { headers: { ...prevContext.headers, authorization: `Bearer ${token}` } } : {};
  });

  // A token the server no longer takes (a restart with other keys, a clock skew): refresh once and retry once.
  const retryLink = new ErrorLink(({ error, operation, forward }) => {
    if (operation.operationName && SIGN_IN_OPERATIONS.has(operation.operationName)) return;
    if (operation.getContext().retriedAfterRefresh || !session.storedRefreshToken) return;
    if (!CombinedGraphQLErrors.is(error) || !error.errors.some((e) => e.extensions?.code === "UNAUTHENTICATED")) return;
    return from(session.refresh()).pipe(
      switchMap((token) => {
        operation.setContext(({ headers }: { headers?: Record<string, string> }) => ({
          retriedAfterRefresh: true,
          headers: { ...headers, authorization: token ? `Bearer ${token}` : "" },
        }));
        return forward(operation);
      }),
    );
  });

  const reconnectListeners = new Set<() => void>();
  let ws: WsClient = createSocket();
  function createSocket(): WsClient {
    return createClient({
      url: socketUrl(),
      lazy: true,
      // Re-read on every (re)connection: a socket closed with 4403 (token expired) comes back with a fresh one.
      connectionParams: async () => {
        const token = await session.freshAccessToken();
        return token ? { authorization: `Bearer ${token}` } : {};
      },
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => session.viewer !== null,
      on: {
        connected: (_socket, _payload, wasRetry) => {
          if (wasRetry) for (const listener of reconnectListeners) listener();
        },
      },
    });
  }
  const wsLink = new GraphQLWsLink({
    subscribe: (payload, sink) => ws.subscribe(payload, sink),
  } as WsClient);

  const transport = ApolloLink.split(({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION, wsLink, httpLink);

  const apollo = new ApolloClient({
    link: ApolloLink.from([retryLink, authLink, transport]),
    cache: new InMemoryCache({
      typePolicies: {
        // Embedded values without an id: replaced whole.
        CaseSummary: { fields: { biomarkers: { merge: false } } },
        Case: {
          fields: {
            records: { merge: false },
            summaries: { merge: false },
            assignments: { merge: false },
            options: { merge: false },
            comments: { merge: false },
          },
        },
        Patient: { fields: { consents: { merge: false }, cases: { merge: false } } },
      },
    }),
    defaultOptions: { watchQuery: { fetchPolicy: "cache-and-network" } },
    // A re-read after an event must see that event: joining a request already in flight
    // (started before the change committed) would leave the page one change behind.
    queryDeduplication: false,
  });

  session.exchange = async (refreshToken) => {
    try {
      const result = await apollo.mutate({ mutation: RefreshSessionDocument, variables: { refreshToken }, fetchPolicy: "no-cache" });
      return result.data?.refreshSession ?? null;
    } catch (error) {
      if (CombinedGraphQLErrors.is(error)) return null;
      throw error;
    }
  };

  return {
    apollo,
    session,
    resetSocket() {
      void ws.dispose();
      ws = createSocket();
    },
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
  };
}
