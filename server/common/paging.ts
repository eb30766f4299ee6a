import DataLoader from "dataloader";
import type { DataSource, EntityTarget, ObjectLiteral } from "typeorm";
import { BadUserInputError } from "../errors.js";
import { isUuid } from "./input.js";
import { entityColumns, positional, queryRows } from "../db/rows.js";

/** One page of a list: the items after the item `after` (its id), at most `first` of them. */
export interface Page {
  after: string | null;
  first: number;
}

/** How large a page of a list is when unasked, and how large it may be asked; the cost limit reads the same numbers. */
export interface PageSize {
  default: number;
  max: number;
}

/** Checks a list field's `first` and `after`, naming the argument that is wrong. */
export function pageOf(size: PageSize, first: number | null | undefined, after: string | null | undefined): Page {
  const count = first ?? size.default;
  if (!Number.isInteger(count) || count < 0 || count > size.max) throw new BadUserInputError("first", `first must be between 0 and ${size.max}`);
  if (after !== null && after !== undefined && !isUuid(after)) throw new BadUserInputError("after", "after must be the id of an item of the list");
  return { after: after ?? null, first: count };
}

/** What a page of one parent's children is read with: the filter (the viewer's view, as SQL) is applied before the limit. */
export interface PagedKey {
  parentId: string;
  page: Page;
  /** A SQL condition on the child row `y`, with its parameters; equal filters batch together. */
  filter?: { sql: string; params: Record<string, unknown> };
}

export interface PagedList {
  table: string;
  parentColumn: string;
  /** Sort columns of `x`, the id last breaking ties; `after` compares the row tuple. */
  order: string[];
  descending?: boolean;
}

/**
 * Rows of other tables read along with each child `x`: their columns, the tables they come from,
 * the condition tying them to `x`, and what to do with them. They are looked up child by child
 * (a LATERAL that is never flattened), by the key `on` names: a plain join let the planner hash
 * whole tables (every user, to name a page's reviewers) when it guessed the page large.
 */
export interface JoinedRows<T> {
  columns: string;
  from: string;
  on: string;
  attach(row: T, raw: Record<string, unknown>): void;
}

/**
 * A DataLoader for pages of children per parent (comments per case, ...): one statement per
 * distinct (page, filter) in a tick, whatever the number of parents, each parent cut to its
 * page in SQL (a LATERAL join with LIMIT), so a list never loads beyond the page asked for.
 */
export function pagedChildren<T extends ObjectLiteral>(db: DataSource, entity: EntityTarget<T>, list: PagedList, joined?: JoinedRows<T>): DataLoader<PagedKey, T[], string> {
  const order = [...list.order, "id"];
  const tuple = (alias: string) => `(${order.map((c) => `${alias}.${c}`).join(", ")})`;
  const direction = list.descending ? "DESC" : "ASC";
  return new DataLoader<PagedKey, T[], string>(
    async (keys) => {
      const x = entityColumns(db, entity, "x");
      const parentProperty = db.getMetadata(entity).columns.find((c) => c.databaseName === list.parentColumn)!.propertyName;
      const groups = new Map<string, number[]>();
      keys.forEach((key, i) => {
        const group = JSON.stringify([key.page, key.filter ?? null]);
        const members = groups.get(group);
        if (members) members.push(i);
        else groups.set(group, [i]);
      });
      const results: T[][] = keys.map(() => []);
      for (const indices of groups.values()) {
        const { page, filter } = keys[indices[0]];
        if (page.first === 0) continue;
        const parentIds = [...new Set(indices.map((i) => keys[i].parentId))];
        const values: unknown[] = [parentIds, page.first];
        let cursor = "";
        if (page.after) {
          values.push(page.after);
          cursor = `AND ${tuple("y")} ${list.descending ? "<" : ">"} (SELECT ${order.map((c) => `a.${c}`).join(", ")} FROM ${list.table} a WHERE a.id = $3)`;
        }
        const condition = filter ? positional(filter.sql, filter.params, values.length) : undefined;
        if (condition) values.push(...condition.values);
        const rows = await queryRows(
          db,
          `SELECT ${x.select}${joined ? ", j.*" : ""}
           FROM unnest($1::uuid[]) AS k(parent_id) CROSS JOIN LATERAL (
             SELECT y.* FROM ${list.table} y WHERE y.${list.parentColumn} = k.parent_id ${condition ? `AND (${condition.sql})` : ""} ${cursor}
             ORDER BY ${order.map((c) => `y.${c} ${direction}`).join(", ")} LIMIT $2) x
           ${joined ? `CROSS JOIN LATERAL (SELECT ${joined.columns} FROM ${joined.from} WHERE ${joined.on} OFFSET 0) j` : ""}
           ORDER BY x.${list.parentColumn}, ${order.map((c) => `x.${c} ${direction}`).join(", ")}`,
          values,
        );
        const perParent = new Map<string, T[]>();
        for (const raw of rows) {
          const row = x.from(raw);
          joined?.attach(row, raw);
          const parentId = row[parentProperty] as string;
          const siblings = perParent.get(parentId);
          if (siblings) siblings.push(row);
          else perParent.set(parentId, [row]);
        }
        for (const i of indices) results[i] = perParent.get(keys[i].parentId) ?? [];
      }
      return results;
    },
    { cacheKeyFn: (key) => JSON.stringify([key.parentId, key.page, key.filter ?? null]) },
  );
}
