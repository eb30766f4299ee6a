import { createHash } from "node:crypto";
import type { Pool } from "pg";
import type { DataSource, EntityTarget, ObjectLiteral } from "typeorm";

/**
 * The hot reads (the case list, the request's loaders, the viewer) as plain SQL: each a prepared
 * statement (PostgreSQL plans it once per connection, not on every request) whose text does not
 * vary with the number of keys (`= ANY($1::uuid[])`), read straight from the pool into rows
 * aliased to the entity's property names. TypeORM's query building and entity hydration cost
 * more CPU than the statements themselves (the dashboard's profile); writes keep TypeORM.
 */

const statementNames = new Map<string, string>();

/** One name per distinct text: pg prepares a name once per connection and refuses the same name for another text. */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `m_${createHash("sha256").update(text).digest("base64url").slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

/** Runs one prepared statement on the pool (counted by the data source's logger like any other) and returns its rows. */
export async function queryRows<R = Record<string, unknown>>(db: DataSource, text: string, values: unknown[]): Promise<R[]> {
  db.logger.logQuery(text, values);
  const pool = (db.driver as unknown as { master: Pool }).master;
  return (await pool.query({ name: statementName(text), text, values })).rows as R[];
}

export interface EntityColumns<T> {
  /** `alias.column AS "<prefix>property", ...` for every column of the entity a find would read. */
  select: string;
  /** The entity from a row read with `select`. */
  from(row: Record<string, unknown>): T;
  table: string;
}

const columnLists = new WeakMap<object, Map<string, EntityColumns<unknown>>>();

/**
 * What a plain read of `entity` selects under `alias`, and how a row becomes the entity again
 * (columns under their property names, value transformers applied).
 * `prefix` tells the columns of several entities of one row apart.
 */
export function entityColumns<T extends ObjectLiteral>(db: DataSource, entity: EntityTarget<T>, alias: string, prefix = ""): EntityColumns<T> {
  const metadata = db.getMetadata(entity);
  let lists = columnLists.get(metadata);
  if (!lists) columnLists.set(metadata, (lists = new Map()));
  const key = `${alias}:${prefix}`;
  const cached = lists.get(key);
  if (cached) return cached as EntityColumns<T>;
  // What a find would read: no column marked select: false (secrets, search helpers), virtual columns computed.
  const columns = metadata.columns.filter((c) => (!c.relationMetadata || c.relationMetadata.isOwning) && c.isSelect);
  const select = columns.map((c) => `${c.isVirtualProperty && c.query ? `(${c.query(alias)})` : `${alias}.${c.databaseName}`} AS "${prefix}${c.propertyName}"`).join(", ");
  const transformed = columns.filter((c) => c.transformer && !Array.isArray(c.transformer)).map((c) => ({ property: c.propertyName, from: (c.transformer as { from(v: unknown): unknown }).from }));
  const keys = columns.map((c) => [prefix + c.propertyName, c.propertyName] as const);
  // Plain objects, not class instances: nothing reads these rows but resolvers and services, and
  // writes load their rows again through TypeORM under a lock.
  const from = prefix
    ? (row: Record<string, unknown>) => {
        const item: Record<string, unknown> = {};
        for (const [key, property] of keys) item[property] = row[key];
        for (const t of transformed) item[t.property] = t.from(item[t.property]);
        return item as T;
      }
    : (row: Record<string, unknown>) => {
        for (const t of transformed) row[t.property] = t.from(row[t.property]);
        return row as T;
      };
  const list: EntityColumns<T> = { select, from, table: metadata.tableName };
  lists.set(key, list as EntityColumns<unknown>);
  return list;
}

/**
 * A condition written with TypeORM-style named parameters (`:name`) as positional ones,
 * numbered after `offset` existing parameters; `::type` casts are left alone.
 */
export function positional(sql: string, params: Record<string, unknown>, offset: number): { sql: string; values: unknown[] } {
  const values: unknown[] = [];
  const numbers = new Map<string, number>();
  const text = sql.replace(/(?<!:):([A-Za-z_]\w*)/g, (_match, name: string) => {
    if (!(name in params)) throw new Error(`no parameter ${name}`);
    let n = numbers.get(name);
    if (n === undefined) {
      values.push(params[name]);
      n = offset + values.length;
      numbers.set(name, n);
    }
    return `$${n}`;
  });
  return { sql: text, values };
}
