import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import type { TestServer } from "./server";

export interface Subscription<T = any> {
  /** Results received so far, in order. */
  results: Array<{ data?: T; errors?: Array<{ message: string; extensions?: Record<string, any> }> }>;
  /** Set when the server ended the subscription with an error. */
  error: unknown;
  completed: boolean;
  /** Resolves once `count` results have arrived (rejects after `ms`). */
  waitFor(count: number, ms?: number): Promise<void>;
  waitForEnd(ms?: number): Promise<void>;
  unsubscribe(): void;
}

export interface WsClient {
  client: Client;
  closed: Promise<{ code: number; reason: string }>;
  subscribe<T = any>(query: string, variables?: Record<string, unknown>): Subscription<T>;
  dispose(): Promise<void>;
}

const poll = async (check: () => boolean, ms: number, what: string) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** A real graphql-ws client (over the `ws` package) against the test server. */
export function connect(server: TestServer | string, token?: string, options: { retryAttempts?: number } = {}): WsClient {
  const url = (typeof server === "string" ? server : server.url).replace(/^http/, "ws") + "/graphql";
  let resolveClosed: (value: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (resolveClosed = resolve));
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: options.retryAttempts ?? 0,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    on: { closed: (event) => resolveClosed({ code: (event as { code: number }).code, reason: String((event as { reason: unknown }).reason) }) },
    onNonLazyError: () => {},
  });
  return {
    client,
    closed,
    subscribe(query, variables) {
      const subscription: Subscription = {
        results: [],
        error: undefined,
        completed: false,
        waitFor: (count, ms = 10_000) => poll(() => subscription.results.length >= count || subscription.error !== undefined || subscription.completed, ms, `${count} results`),
        waitForEnd: (ms = 10_000) => poll(() => subscription.error !== undefined || subscription.completed, ms, "the end of the subscription"),
        unsubscribe: () => unsubscribe(),
      };
      const unsubscribe = client.subscribe(
        { query, variables },
        {
          next: (value) => subscription.results.push(value as never),
          error: (error) => (subscription.error = error ?? "error"),
          complete: () => (subscription.completed = true),
        },
      );
      return subscription;
    },
    dispose: () => client.dispose() as Promise<void>,
  };
}
