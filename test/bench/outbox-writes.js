// Outbox write throughput: the global advisory lock against the xmin watermark, each with
// and without the NOTIFY trigger (DESIGN.md: a notifying commit takes a cluster-wide lock,
// which serializes such commits under many writers). Concurrent writers append one case
// event per transaction; alternating rounds, medians, ratios of figures from the same run.
// - "advisory lock": the outbox before the watermark, statement for statement: bump the
//   case's version, take the lock, insert the event (RETURNING *), commit.
// - "xmin watermark": the real appendEvents (no global lock), with the real OutboxListener
//   reading along (one LISTEN connection, polling every 50 ms), so the reader's cost and its
//   lag are part of the figure.
const path = require("node:path");
const { dist, openBenchDatabase, run } = require("./bench-database.js");
const { appendEvents } = require(path.join(dist, "events", "outbox.js"));
const { OutboxListener } = require(path.join(dist, "events", "outbox-listener.js"));
const { createLogger } = require(path.join(dist, "logger.js"));

const WRITERS = Number(process.env.BENCH_WRITERS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const OUTBOX_LOCK_KEY = 4_711_000_001;

async function main() {
  const database = await openBenchDatabase({ poolSize: WRITERS + 4 });
  const { db } = database;
  const [{ id: userId }] = await db.query(`INSERT INTO app_user (email, role, display_name, search_text) VALUES ('bench@bench', 'COORDINATOR', 'Bench', E'bench\\nbench@bench') RETURNING id`);
  const [{ id: patientId }] = await db.query(`INSERT INTO app_user (email, role, display_name, search_text) VALUES ('p@bench', 'PATIENT', 'P', E'p\\np@bench') RETURNING id`).then(async ([u]) =>
    db.query(`INSERT INTO patient (user_id, full_name, date_of_birth_enc, preferred_language, search_text) VALUES ($1, 'P', 'x.x.x.x', 'EN', 'p') RETURNING id`, [u.id]),
  );
  const cases = await db.query(
    `INSERT INTO medical_case (reference, patient_id, status, status_since, version, reason, opened_by_user_id, updated_at)
     SELECT 'MER-BENCH-' || g, $1, 'RECORDS_COLLECTION', now(), 0, 'bench', $2, now() FROM generate_series(1, 64) g RETURNING id`,
    [patientId, userId],
  );
  let handedOver = 0;
  const listener = new OutboxListener(db, database.url, async (events) => void (handedOver += events.length), createLogger("silent"), { pollIntervalMs: 50 });
  await listener.start();

  async function withLock(manager, caseId) {
    await manager.query(`UPDATE medical_case SET version = version + 1, updated_at = now() WHERE id = $1`, [caseId]);
    await manager.query(`SELECT pg_advisory_xact_lock($1)`, [OUTBOX_LOCK_KEY]);
    await manager.query(`INSERT INTO case_event (case_id, type, actor_user_id) VALUES ($1, 'RECORD_ADDED', $2) RETURNING *`, [caseId, userId]);
  }
  const watermark = (manager, caseId) => appendEvents(manager, userId, [{ caseId, type: "RECORD_ADDED" }]);

  async function round(append, trigger) {
    await db.query(`ALTER TABLE case_event ${trigger ? "ENABLE" : "DISABLE"} TRIGGER tg_case_event_notify`);
    let committed = 0;
    const until = Date.now() + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let i = 0; Date.now() < until; i++) {
          const caseId = cases[(w * 7 + i) % cases.length].id;
          await db.transaction((manager) => append(manager, caseId));
          committed++;
        }
      }),
    );
    await listener.settle();
    return committed / SECONDS;
  }

  const modes = [
    { mode: "advisory lock, NOTIFY trigger", append: withLock, trigger: true },
    { mode: "advisory lock, no trigger (poll only)", append: withLock, trigger: false },
    { mode: "xmin watermark, NOTIFY trigger", append: watermark, trigger: true },
    { mode: "xmin watermark, no trigger (poll only)", append: watermark, trigger: false },
  ];
  const results = modes.map(() => []);
  for (let r = 0; r < ROUNDS; r++) for (const [i, m] of modes.entries()) results[i].push(await round(m.append, m.trigger));
  const [{ events }] = await db.query(`SELECT count(*)::int AS events FROM case_event`);
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const medians = results.map(median);
  console.table(modes.map((m, i) => ({ mode: m.mode, writers: WRITERS, events_per_s: Math.round(medians[i]), rounds: results[i].map(Math.round).join(" ") })));
  console.log(`xmin watermark / advisory lock: ${(medians[2] / medians[0]).toFixed(2)}x with the NOTIFY trigger, ${(medians[3] / medians[1]).toFixed(2)}x without`);
  console.log(`NOTIFY costs ${((1 - medians[0] / medians[1]) * 100).toFixed(1)} % under the lock, ${((1 - medians[2] / medians[3]) * 100).toFixed(1)} % under the watermark`);
  // Every event written in every mode reached the reader once (its own check of the no-gap proof, under this load).
  console.log(`reader: ${handedOver} events handed over of ${events} written`);
  if (handedOver !== events) throw new Error(`the reader handed over ${handedOver} events, ${events} were written`);
  await listener.stop();
  await database.close();
}

run(main);
