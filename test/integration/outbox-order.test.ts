import type { DataSource, QueryRunner } from "typeorm";
import { CaseEventType } from "../../server/common/enums";
import { createDataSource } from "../../server/db/data-source";
import { createLogger } from "../../server/logger";
import type { CaseEventEntity } from "../../server/events/case-event.entity";
import { appendEvents } from "../../server/events/outbox";
import { OutboxListener } from "../../server/events/outbox-listener";
import { createTestDatabase } from "../support/database";
import { insertCase, insertPatient, insertUser } from "../support/sql-seed";

/**
 * The outbox guarantee (server/events/outbox.ts, outbox-listener.ts, DESIGN.md "Events"):
 * with no global lock, transactions commit in another order than they were handed their
 * ids, and the reader still hands over every committed event exactly once, each case's
 * in id order.
 */

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: DataSource;
const listeners: OutboxListener[] = [];
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
  // on medical_case (appendEvents bumps the case's version).
  caseA = await insertCase(db, await insertPatient(db, "Patient A"), actor);
  caseB = await insertCase(db, await insertPatient(db, "Patient B"), actor);
});

afterEach(async () => {
  for (const listener of listeners.splice(0)) await listener.stop();
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

const event = (caseId: string, note: string) => ({ caseId, type: CaseEventType.COMMENT_ADDED, note });

/** The real outbox reader, signalled by hand (settle): what it hands over, in order. */
async function startListener(batchSize?: number) {
  const handed: CaseEventEntity[] = [];
  const listener = new OutboxListener(db, database.url, async (events) => void handed.push(...events), createLogger("silent"), { pollIntervalMs: 0, batchSize });
  await listener.start();
  listeners.push(listener);
  return { listener, handed, ids: () => handed.map((e) => BigInt(e.id)) };
}

test("a lower id committed after a higher one is still handed over, once, and the higher one does not wait for it", async () => {
  const { listener, ids } = await startListener();
  const txA = await transaction();
  const txB = await transaction();

  const [eventA] = await appendEvents(txA.manager, actor, [event(caseA, "A")]);
  // No global lock: B appends and commits while A is still open.
  const [eventB] = await appendEvents(txB.manager, actor, [event(caseB, "B")]);
  expect(BigInt(eventB.id)).toBeGreaterThan(BigInt(eventA.id));

  // Nothing is visible yet: neither transaction has committed.
  await listener.settle();
  expect(ids()).toEqual([]);

  await txB.commitTransaction();
  await listener.settle();
  expect(ids()).toEqual([BigInt(eventB.id)]);

  // A commits last with the lower id: a reader going by "ids above the last one" would skip it.
  await txA.commitTransaction();
  await listener.settle();
  await listener.settle();
  expect(ids()).toEqual([BigInt(eventB.id), BigInt(eventA.id)]);
});

test("events a transaction wrote before the reader started, committed after, are handed over; those committed before are not", async () => {
  const before = await transaction();
  await appendEvents(before.manager, actor, [event(caseA, "committed before start")]);
  await before.commitTransaction();
  const open = await transaction();
  const [inFlight] = await appendEvents(open.manager, actor, [event(caseB, "in flight at start")]);
  const { listener, ids } = await startListener();
  const after = await transaction();
  const [later] = await appendEvents(after.manager, actor, [event(caseA, "after start")]);
  await after.commitTransaction();
  await open.commitTransaction();
  await listener.settle();
  expect(ids().sort((x, y) => (x < y ? -1 : 1))).toEqual([BigInt(inFlight.id), BigInt(later.id)]);
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
  // Another append goes through at once.
  const next = await transaction();
  await expect(appendEvents(next.manager, actor, [event(caseA, "after rollback")])).resolves.toHaveLength(1);
  await next.rollbackTransaction();
});

test("under concurrent writers with long and short transactions, every committed event is handed over exactly once, each case's in id order", async () => {
  // Small batches, so catch-ups run over several reads; the reader is woken all along.
  const { listener, handed } = await startListener(7);
  const cases = [caseA, caseB, ...(await Promise.all([1, 2].map(async (n) => insertCase(db, await insertPatient(db, `Patient ${n}`), actor))))];
  const committed: bigint[] = [];
  const rolledBack: bigint[] = [];
  let writing = true;
  const reading = (async () => {
    while (writing) {
      await listener.settle();
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
  })();

  // One transaction writes first (the lowest ids, the oldest transaction id) and commits last: the watermark stays behind it throughout.
  const oldest = await transaction();
  const oldestEvents = await appendEvents(oldest.manager, actor, [event(cases[3], "oldest 1"), event(cases[3], "oldest 2")]);

  const writer = async (w: number) => {
    for (let i = 0; i < 15; i++) {
      const runner = db.createQueryRunner();
      await runner.connect();
      try {
        await runner.startTransaction();
        const caseId = cases[(w + i) % 3];
        const written = await appendEvents(runner.manager, actor, Array.from({ length: 1 + ((w + i) % 3) }, (_, k) => event(caseId, `w${w} t${i} e${k}`)));
        // Some transactions stay open while others commit around them; some roll back.
        if ((w + i) % 4 === 0) await new Promise((resolve) => setTimeout(resolve, 20 + ((w * 7 + i) % 5) * 10));
        if ((w * 3 + i) % 7 === 0) {
          await runner.rollbackTransaction();
          rolledBack.push(...written.map((e) => BigInt(e.id)));
        } else {
          await runner.commitTransaction();
          committed.push(...written.map((e) => BigInt(e.id)));
        }
      } finally {
        await runner.release();
      }
    }
  };
  await Promise.all(Array.from({ length: 6 }, (_, w) => writer(w)));
  await oldest.commitTransaction();
  committed.push(...oldestEvents.map((e) => BigInt(e.id)));
  writing = false;
  await reading;
  await listener.settle();
  await listener.settle();

  const handedIds = handed.map((e) => BigInt(e.id));
  const sorted = (ids: bigint[]) => [...ids].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  // Exactly the committed events: none skipped, none twice, nothing rolled back.
  expect(rolledBack.length).toBeGreaterThan(0);
  expect(handedIds).toHaveLength(committed.length);
  expect(sorted(handedIds)).toEqual(sorted(committed));
  for (const id of rolledBack) expect(handedIds).not.toContain(id);
  // Within each case, in id order.
  for (const caseId of cases) {
    const ofCase = handed.filter((e) => e.caseId === caseId).map((e) => BigInt(e.id));
    expect(ofCase).toEqual(sorted(ofCase));
  }
  // Across cases, ids were handed over out of order at least once: the order of commit, not of ids.
  expect(handedIds).not.toEqual(sorted(handedIds));
});
