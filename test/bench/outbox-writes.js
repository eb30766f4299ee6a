// Outbox write throughput with and without the NOTIFY trigger (DESIGN.md: a notifying
// commit takes a cluster-wide lock, which serializes such commits under many writers).
// Concurrent writers append case events through the real appendEvents; alternating
// rounds, medians, reported as a ratio of the two measured in the same run.
const path = require("node:path");
const { Client } = require("pg");
const { dist, openBenchDatabase, run } = require("./bench-database.js");
const { appendEvents } = require(path.join(dist, "events", "outbox.js"));

const WRITERS = Number(process.env.BENCH_WRITERS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function main() {
  const database = await openBenchDatabase({ poolSize: WRITERS + 2 });
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
  // A listener is connected, as in production, so notifications are really queued.
  const listener = new Client({ connectionString: database.url });
  await listener.connect();
  await listener.query("LISTEN case_event");

  async function round(trigger) {
    await db.query(`ALTER TABLE case_event ${trigger ? "ENABLE" : "DISABLE"} TRIGGER tg_case_event_notify`);
    let committed = 0;
    const until = Date.now() + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let i = 0; Date.now() < until; i++) {
          const caseId = cases[(w * 7 + i) % cases.length].id;
          await db.transaction((manager) => appendEvents(manager, userId, [{ caseId, type: "RECORD_ADDED" }]));
          committed++;
        }
      }),
    );
    return committed / SECONDS;
  }

  const results = { notify: [], plain: [] };
  for (let r = 0; r < ROUNDS; r++) {
    results.notify.push(await round(true));
    results.plain.push(await round(false));
  }
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const notify = median(results.notify);
  const plain = median(results.plain);
  console.table([
    { mode: "with NOTIFY trigger", writers: WRITERS, events_per_s: Math.round(notify) },
    { mode: "without trigger (poll only)", writers: WRITERS, events_per_s: Math.round(plain) },
  ]);
  console.log(`NOTIFY costs ${((1 - notify / plain) * 100).toFixed(1)} % of write throughput (ratio ${(notify / plain).toFixed(2)})`);
  await listener.end();
  await database.close();
}

run(main);
