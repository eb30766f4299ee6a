import { BadUserInputError } from "../errors.js";

/**
 * What every cursor connection (cases, patients, users) shares: the page size bound, and
 * opaque cursors that carry the sort key of the last row they follow.
 */

export const MAX_PAGE_SIZE = 100;

export function requirePageSize(first: number): number {
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new BadUserInputError("first", `first must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  return first;
}

export const encodeCursor = (key: Record<string, string>) => Buffer.from(JSON.stringify(key)).toString("base64url");

/** The key a cursor carries, each field checked by `shape`; BAD_USER_INPUT on `after` for anything else. */
export function decodeCursor<K extends string>(after: string, shape: Record<K, (value: string) => boolean>): Record<K, string> {
  try {
    const key = JSON.parse(Buffer.from(after, "base64url").toString("utf8")) as Record<string, unknown>;
    const fields = Object.entries(shape) as Array<[K, (value: string) => boolean]>;
    if (key !== null && typeof key === "object" && fields.every(([name, valid]) => typeof key[name] === "string" && valid(key[name]))) {
      return Object.fromEntries(fields.map(([name]) => [name, key[name]])) as Record<K, string>;
    }
  } catch {
    // fall through to the error below
  }
  throw new BadUserInputError("after", "after is not a cursor this API handed out");
}

/** A page as services return it: rows with their cursors, whether more follow, and the total. */
export interface Page<T> {
  edges: Array<{ cursor: string; row: T }>;
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
}

/** The GraphQL shape of a page (Connection, see connection.type.ts), its rows mapped to nodes. */
export function toConnection<T, N>(page: Page<T>, node: (row: T) => N) {
  return {
    edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: node(edge.row) })),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    totalCount: page.totalCount,
  };
}
