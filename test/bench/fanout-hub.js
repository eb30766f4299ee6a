// The hub alone: CPU per event of EventHub.publish with N in-process subscribers (half
// coordinators, half accepted reviewers) whose send only counts, so no socket is measured.
// N=10000 EVENTS=30 node --expose-gc test/bench/fanout-hub.js (add --cpu-prof to profile).
const path = require("node:path");
const { parse, print } = require("graphql");
const { dist, openBenchDatabase, run } = require("./bench-database.js");
const { loadConfig } = require(path.join(dist, "config.js"));
const { createLogger } = require(path.join(dist, "logger.js"));
const { createRuntime } = require(path.join(dist, "runtime.js"));
const { createApp } = require(path.join(dist, "app.js"));
const { seal } = require(path.join(dist, "auth", "field-crypto.js"));
const { appendEvents } = require(path.join(dist, "events", "outbox.js"));
const N = Number(process.env.N ?? 10000);
const QUERY = `subscription($caseId: ID) { caseStatusChanged(caseId: $caseId) { id type fromStatus toStatus note case { id status version } } }`;
async function main() {
  const database = await openBenchDatabase({ poolSize: 20 });
  const { db } = database;
  const config = { ...loadConfig({ NODE_ENV: "bench", MERIDIAN_DATA_DIR: database.root }), databaseUrl: database.url, logLevel: "silent", outboxPollMs: 0 };
  const runtime = await createRuntime(config, db, createLogger("silent"));
  const app = await createApp(runtime);
  await app.listener.stop();
  const [{ id: patientUser }] = await db.query(`INSERT INTO app_user (email, role, display_name, search_text) VALUES ('bench.patient@bench', 'PATIENT', 'Bench Patient', 'x') RETURNING id`);
  const [{ id: patientId }] = await db.query(`INSERT INTO patient (user_id, full_name, date_of_birth_enc, preferred_language, search_text) VALUES ($1, 'Bench Patient', $2, 'EN', 'bench patient') RETURNING id`, [patientUser, seal(runtime.keyRing, "1960-01-01")]);
  await db.query(`INSERT INTO consent (patient_id, scope, destination_countries, attested_by_coordinator, recorded_by_user_id) VALUES ($1, 'CROSS_BORDER_REVIEW', '{CN}', true, $2)`, [patientId, patientUser]);
  const users = await db.query(`INSERT INTO app_user (email, role, display_name, search_text) SELECT 'bench' || g || '@bench', CASE WHEN g % 2 = 0 THEN 'COORDINATOR' ELSE 'REVIEWER' END, 'Bench ' || g, 'b' FROM generate_series(1, $1) g RETURNING id, role`, [N]);
  const coordinator = users.find((u) => u.role === "COORDINATOR").id;
  const [{ id: caseId }] = await db.query(`INSERT INTO medical_case (reference, patient_id, status, status_since, version, reason, opened_by_user_id, updated_at) VALUES ('MER-BENCH-1', $1, 'RECORDS_COLLECTION', now(), 0, 'bench', $2, now()) RETURNING id`, [patientId, coordinator]);
  const reviewers = await db.query(`INSERT INTO reviewer (user_id, institution, country, languages) SELECT id, 'Bench Hospital', 'CN', '{EN}' FROM app_user WHERE role = 'REVIEWER' AND email LIKE 'bench%@bench' RETURNING id, user_id`);
  await db.query(`INSERT INTO review_assignment (case_id, reviewer_id, status) SELECT $1, id, 'ACCEPTED' FROM reviewer`, [caseId]);
  const reviewerOf = new Map(reviewers.map((r) => [r.user_id, r.id]));
  const document = parse(QUERY);
  let sent = 0, bytes = 0, firstAt = 0, lastAt = 0;
  for (const [i, u] of users.entries()) {
    const viewer = { userId: u.id, role: u.role, displayName: "B", patientId: null, reviewerId: reviewerOf.get(u.id) ?? null, reviewerCountry: u.role === "REVIEWER" ? "CN" : null, reviewerLanguages: ["EN"] };
    await app.hub.subscribe({ field: "caseStatusChanged", viewer, caseId, after: null, document, documentKey: `${print(document)}\u0000\u0000${JSON.stringify({ caseId })}`, operationName: null, variableValues: { caseId }, clientAddress: "127.0.0.1", subscriptionId: String(i), send: (m) => { sent++; bytes += m.length; lastAt = performance.now(); if (!firstAt) firstAt = lastAt; }, bufferedBytes: () => 0 });
  }
  global.gc?.();
  const m0 = process.memoryUsage();
  console.log("subscribers", app.hub.stats().subscribers, "heap MB", (m0.heapUsed / 1e6).toFixed(0));
  const times = [];
  for (let i = 0; i < Number(process.env.EVENTS ?? 30); i++) {
    const events = await db.transaction((m) => appendEvents(m, coordinator, [{ caseId, type: "STATUS_CHANGED", fromStatus: "RECORDS_COLLECTION", toStatus: "ON_HOLD", note: String(i) }]));
    sent = 0; firstAt = 0;
    const c0 = process.cpuUsage(); const t0 = performance.now();
    await app.hub.publish(events);
    const queued = performance.now();
    await app.hub.idle();
    const c = process.cpuUsage(c0); times.push({ cpu: (c.user + c.system) / 1000, queued: queued - t0, first: firstAt - t0, last: lastAt - t0, sent });
  }
  const warm = times.slice(5);
  const med = (k) => warm.map((t) => t[k]).sort((a, b) => a - b)[Math.floor(warm.length / 2)];
  console.log(`cpu ${med("cpu").toFixed(1)} ms; publish->queued ${med("queued").toFixed(1)} ms, first send ${med("first").toFixed(1)} ms, last send ${med("last").toFixed(1)} ms, sent ${warm[0].sent}`);
  await app.close();
  await database.close();
}
run(main);
