import type { DataSource, QueryRunner } from "typeorm";
import { CaseEventType } from "../../server/common/enums";
import { createDataSource } from "../../server/db/data-source";
import { appendEvents, OUTBOX_LOCK_KEY } from "../../server/events/outbox";
import { createTestDatabase } from "../support/database";
import { insertCase, insertPatient, insertUser } from "../support/sql-seed";

/**
 * The outbox guarantee (server/events/outbox.ts, DESIGN.md "Events"): a reader that
 * takes "every id above the last one I saw" after each signal misses no event, even
 * when transactions commit in another order than they were handed their ids.
 */

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: DataSource;
let actor: string;
let caseA: string;
let caseB: string;
const runners: QueryRunner[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDataSource({ url: database.url });
  await db.initialize();
  actor = await insertUser(db, "COORDINATOR", "Outbox Coordinator");
  // Two cases, so the second transaction is not held up by the first one's row lock
  // on medical_case (appendEvents bumps the case's version): only the outbox lock remains.
  caseA = await insertCase(db, await insertPatient(db, "Patient A"), actor);
  caseB = await insertCase(db, await insertPatient(db, "Patient B"), actor);
});

afterEach(async () => {
  for (const runner of runners.splice(0)) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    if (!runner.isReleased) await runner.release();
  }
});

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

async function transaction(): Promise<QueryRunner> {
  const runner = db.createQueryRunner();
  runners.push(runner);
  await runner.connect();
  await runner.startTransaction();
  return runner;
}

async function backendPid(runner: QueryRunner): Promise<number> {
  const [{ pid }] = await runner.query(`SELECT pg_backend_pid() AS pid`);
  return pid;
}

const maxEventId = async (): Promise<bigint> => BigInt((await db.query(`SELECT coalesce(max(id), 0)::text AS id FROM case_event`))[0].id);

/** The reader of the listener: every committed event above the last id it saw, in id order. */
function reader(start: bigint) {
  let last = start;
  const seen: bigint[] = [];
  return {
    seen,
    async poll(): Promise<bigint[]> {
      const rows: Array<{ id: string }> = await db.query(`SELECT id::text AS id FROM case_event WHERE id > $1 ORDER BY id`, [last.toString()]);
      const ids = rows.map((r) => BigInt(r.id));
      for (const id of ids) if (id > last) last = id;
      seen.push(...ids);
      return ids;
    },
  };
}

/** Whether a promise has settled yet: a short race against an already-resolved marker (a few turns of the event loop). */
async function isPending(promise: Promise<unknown>): Promise<boolean> {
  const PENDING = Symbol("pending");
  const marker = new Promise((resolve) => setTimeout(() => resolve(PENDING), 20));
  return (await Promise.race([promise.then(() => "settled", () => "settled"), marker])) === PENDING;
}

/** Polls pg_locks until `pid` waits (not granted) for the outbox advisory lock; bounded. */
async function waitUntilBlockedOnOutboxLock(pid: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const rows = await db.query(
      `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = $1 AND NOT granted
          AND ((classid::bigint << 32) | objid::bigint) = $2`,
      [pid, OUTBOX_LOCK_KEY],
    );
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`backend ${pid} never waited on the outbox advisory lock`);
}

const event = (caseId: string, note: string) => ({ caseId, type: CaseEventType.COMMENT_ADDED, note });

test("with the advisory lock, a later appendEvents waits for the earlier one's commit, and the reader sees both in order", async () => {
  const read = reader(await maxEventId());
  const txA = await transaction();
  const txB = await transaction();
  const pidB = await backendPid(txB);

  const [eventA] = await appendEvents(txA.manager, actor, [event(caseA, "A")]);
  // B starts its append while A holds the lock, uncommitted.
  const appendB = appendEvents(txB.manager, actor, [event(caseB, "B")]);
  await waitUntilBlockedOnOutboxLock(pidB);
  expect(await isPending(appendB)).toBe(true);

  // Nothing is visible yet: neither transaction has committed.
  expect(await read.poll()).toEqual([]);

  await txA.commitTransaction();
  const [eventB] = await appendB; // A's commit released the lock: B gets its id now, after A's.
  expect(BigInt(eventB.id)).toBeGreaterThan(BigInt(eventA.id));
  expect(await read.poll()).toEqual([BigInt(eventA.id)]);

  await txB.commitTransaction();
  expect(await read.poll()).toEqual([BigInt(eventB.id)]);

  expect(read.seen).toEqual([BigInt(eventA.id), BigInt(eventB.id)]);
  const rows = await db.query(`SELECT id::text AS id, case_id, note FROM case_event WHERE id = ANY($1::bigint[]) ORDER BY id`, [[eventA.id, eventB.id]]);
  expect(rows).toEqual([
    { id: eventA.id, case_id: caseA, note: "A" },
    { id: eventB.id, case_id: caseB, note: "B" },
  ]);
});

test("control, without the lock: committing the higher id first makes an 'id > last' reader skip the lower one", async () => {
  const start = await maxEventId();
  const read = reader(start);
  const tx1 = await transaction();
  const tx2 = await transaction();
  const insert = async (runner: QueryRunner, caseId: string, note: string): Promise<bigint> => {
    const [row] = await runner.query(`INSERT INTO case_event (case_id, type, note) VALUES ($1, 'COMMENT_ADDED', $2) RETURNING id::text AS id`, [caseId, note]);
    return BigInt(row.id);
  };
  const low = await insert(tx1, caseA, "low"); // handed out first...
  const high = await insert(tx2, caseB, "high"); // ...but not committed first, and nothing makes tx2 wait
  expect(high).toBeGreaterThan(low);

  await tx2.commitTransaction();
  expect(await read.poll()).toEqual([high]);
  await tx1.commitTransaction();
  expect(await read.poll()).toEqual([]); // low < last seen (high): never read

  // The lower event did commit: the reader skipped it.
  const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM case_event WHERE id = $1`, [low.toString()]);
  expect(count).toBe(1);
  expect(read.seen).toEqual([high]);
  expect(read.seen).not.toContain(low);
});

test("a rolled-back appendEvents leaves no event and no version change", async () => {
  const [{ version: before }] = await db.query(`SELECT version FROM medical_case WHERE id = $1`, [caseA]);
  const start = await maxEventId();
  const tx = await transaction();
  const [appended] = await appendEvents(tx.manager, actor, [event(caseA, "rolled back")]);
  expect(BigInt(appended.id)).toBeGreaterThan(start);
  await tx.rollbackTransaction();

  expect(await db.query(`SELECT id FROM case_event WHERE id = $1`, [appended.id])).toEqual([]);
  expect(await db.query(`SELECT id FROM case_event WHERE note = 'rolled back'`)).toEqual([]);
  const [{ version: after }] = await db.query(`SELECT version FROM medical_case WHERE id = $1`, [caseA]);
  expect(after).toBe(before);
  // The lock went with the transaction: another append goes through at once.
  const next = await transaction();
  await expect(appendEvents(next.manager, actor, [event(caseA, "after rollback")])).resolves.toHaveLength(1);
  await next.rollbackTransaction();
});
