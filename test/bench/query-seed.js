// The query benchmark's data set, all in SQL (one argon2 hash shared by every account):
// patients with consent to review in CN, cases over the past years in every status, four
// records, an English summary and its Chinese translation, two comments, three options and
// three events per case, rotating reviewers (most cases have one, some two), and one reviewer
// ACCEPTED on every twentieth case (the de-identified list). `addCases` grows it in place,
// so the scale mode measures the same database at 5,000 and at 50,000 cases.
const path = require("node:path");
const { dist } = require("./bench-database.js");
const { hashPassword } = require(path.join(dist, "auth", "password.js"));
const { seal } = require(path.join(dist, "auth", "field-crypto.js"));
const { searchTextOf } = require(path.join(dist, "common", "search.js"));

const STATUSES = ["RECORDS_COLLECTION", "CASE_ORGANISATION", "TRANSLATION", "PATHWAY_ASSESSMENT", "OPTION_MAPPING", "OPTIONS_DELIVERED", "CLOSED", "ON_HOLD", "WITHDRAWN"];
const ROTATING_REVIEWERS = 60;
const RECORDS_PER_CASE = 4;
/** One statement per table inserts 45,000 cases' rows: longer than the server's 15 s limit on a busy machine. */
const SEED_STATEMENT_TIMEOUT_MS = 30 * 60_000;

async function insertUsers(db, passwordHash, role, prefix, names) {
  const emails = names.map((_, i) => `${prefix}${i}@bench.meridian`);
  return db.query(
    `INSERT INTO app_user (email, role, display_name, password_hash, search_text)
     SELECT e, $1, n, $4, s FROM unnest($2::text[], $3::text[], $5::text[]) AS t(e, n, s) RETURNING id`,
    [role, emails, names, passwordHash, names.map((n, i) => searchTextOf(n, emails[i]))],
  );
}

async function insertReviewers(db, users, institution) {
  return db.query(
    `INSERT INTO reviewer (user_id, institution, country, specialties, languages)
     SELECT u, ${institution}, 'CN', '{Oncology}', '{EN,ZH}' FROM unnest($1::uuid[]) WITH ORDINALITY AS t(u, o) RETURNING id`,
    [users.map((u) => u.id)],
  );
}

/** The accounts, patients and consents; cases come from addCases. */
async function seed(db, keyRing, { patients, cases }) {
  const passwordHash = await hashPassword("bench-password-0001");
  const [coordinator] = await insertUsers(db, passwordHash, "COORDINATOR", "coordinator", ["Bench Coordinator"]);
  await insertReviewers(db, await insertUsers(db, passwordHash, "REVIEWER", "reviewer", Array.from({ length: ROTATING_REVIEWERS }, (_, i) => `Dr Reviewer ${i}`)), `'Institute ' || (o % 12)`);
  const [acceptedUser] = await insertUsers(db, passwordHash, "REVIEWER", "accepted", ["Dr Accepted Reviewer"]);
  const [accepted] = await insertReviewers(db, [acceptedUser], `'Partner Cancer Hospital'`);
  const names = Array.from({ length: patients }, (_, i) => `Patient ${String.fromCharCode(65 + (i % 26))}${i} Bench`);
  const patientUsers = await insertUsers(db, passwordHash, "PATIENT", "patient", names);
  await db.query(
    `INSERT INTO patient (user_id, full_name, date_of_birth_enc, health_card_number_enc, preferred_language, search_text)
     SELECT u, n, d, h, CASE WHEN o % 3 = 0 THEN 'ZH' ELSE 'EN' END, s FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS t(u, n, d, h, s, o)`,
    [
      patientUsers.map((u) => u.id),
      names,
      names.map((_, i) => seal(keyRing, `19${40 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`)),
      names.map((_, i) => seal(keyRing, `${1000000000 + i}`)),
      names.map((n) => searchTextOf(n)),
    ],
  );
  await db.query(`INSERT INTO consent (patient_id, scope, destination_countries, attested_by_coordinator, recorded_by_user_id) SELECT id, 'CROSS_BORDER_REVIEW', '{CN}', true, $1 FROM patient`, [coordinator.id]);
  const ids = { coordinator: coordinator.id, acceptedUser: acceptedUser.id, acceptedReviewer: accepted.id };
  await addCases(db, ids, 0, cases);
  // The detail page's case: in OPTION_MAPPING, with the accepted reviewer on it.
  const [detail] = await db.query(
    `SELECT c.id FROM medical_case c JOIN review_assignment a ON a.case_id = c.id AND a.reviewer_id = $1 WHERE c.status = 'OPTION_MAPPING' ORDER BY c.reference LIMIT 1`,
    [accepted.id],
  );
  return { ...ids, detailCase: detail.id };
}

/** Cases number from+1..to (reference MER-B-000042), with everything that hangs off them. */
async function addCases(db, ids, from, to) {
  const ref = (n) => `MER-B-${String(n).padStart(6, "0")}`;
  const batch = `c.reference > '${ref(from)}' AND c.reference <= '${ref(to)}'`;
  await db.query(
    `INSERT INTO medical_case (reference, patient_id, status, held_from, status_since, version, reason, patient_age_band, opened_by_user_id, opened_at, updated_at)
     SELECT 'MER-B-' || lpad(g::text, 6, '0'), p.id, s.status, CASE WHEN s.status = 'ON_HOLD' THEN 'TRANSLATION' END, now() - (g % 400) * interval '1 hour', 3,
            'Second opinion on the treatment plan', '60-69', $1, now() - g * interval '7 minutes', now() - (g % 500) * interval '1 minute'
     FROM generate_series($2::int + 1, $3::int) g
     JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM patient) p ON p.n = g % (SELECT count(*) FROM patient)
     JOIN (SELECT status, ordinality - 1 AS n FROM unnest($4::text[]) WITH ORDINALITY AS x(status)) s ON s.n = g % 9`,
    [ids.coordinator, from, to, STATUSES],
  );
  const numbered = `(SELECT id, substr(reference, 7)::int AS n FROM medical_case c WHERE ${batch})`;
  // Four in five cases have a rotating reviewer, one in seven of those a second one.
  await db.query(
    `INSERT INTO review_assignment (case_id, reviewer_id, status, invited_at, opinion, submitted_at)
     SELECT c.id, r.id, st, now() - r.n * interval '1 minute', CASE WHEN st = 'SUBMITTED' THEN 'Agree with the plan' END, CASE WHEN st = 'SUBMITTED' THEN now() END
     FROM ${numbered} c
     JOIN (SELECT r.id, row_number() OVER (ORDER BY r.id) - 1 AS n FROM reviewer r WHERE r.id <> $2) r ON r.n = c.n % $1 OR (c.n % 7 = 0 AND r.n = (c.n + 1) % $1)
     CROSS JOIN LATERAL (SELECT (ARRAY['INVITED','ACCEPTED','SUBMITTED','DECLINED'])[1 + c.n % 4] AS st) s
     WHERE c.n % 5 <> 0`,
    [ROTATING_REVIEWERS, ids.acceptedReviewer],
  );
  await db.query(
    `INSERT INTO review_assignment (case_id, reviewer_id, status, invited_at, responded_at)
     SELECT c.id, $1, 'ACCEPTED', now() - interval '2 days', now() - interval '1 day' FROM ${numbered} c WHERE c.n % 20 = 4`,
    [ids.acceptedReviewer],
  );
  await db.query(
    `INSERT INTO medical_record (case_id, kind, title, language, added_by_user_id, content_type, size_bytes, sha256, uploaded_at, shared_with_reviewers, shared_at)
     SELECT c.id, 'CLINICAL_NOTE', 'Note ' || k, 'EN', $1, 'application/pdf', 1000, repeat('0', 64), now(), k % 2 = 0, CASE WHEN k % 2 = 0 THEN now() END
     FROM medical_case c CROSS JOIN generate_series(1, $2) k WHERE ${batch}`,
    [ids.coordinator, RECORDS_PER_CASE],
  );
  await db.query(
    `INSERT INTO case_summary (case_id, language, version, primary_cancer, stage, biomarkers, treatment_history, current_plan, questions_for_reviewers, created_by_user_id, published_at)
     SELECT c.id, 'EN', 1, 'Breast cancer', 'II', '[{"name":"HER2","result":"negative"}]', 'Surgery, then chemotherapy', 'Radiotherapy', '["Is radiotherapy needed?"]', $1, now()
     FROM medical_case c WHERE ${batch}`,
    [ids.coordinator],
  );
  await db.query(
    `INSERT INTO case_summary (case_id, language, version, translation_of_id, primary_cancer, stage, biomarkers, treatment_history, current_plan, questions_for_reviewers, created_by_user_id, published_at)
     SELECT s.case_id, 'ZH', 1, s.id, '乳腺癌', 'II', s.biomarkers, '手术，然后化疗', '放疗', '["是否需要放疗？"]', $1, now()
     FROM case_summary s JOIN medical_case c ON c.id = s.case_id WHERE s.language = 'EN' AND ${batch}`,
    [ids.coordinator],
  );
  await db.query(
    `INSERT INTO comment (case_id, summary_id, section, body, author_user_id)
     SELECT s.case_id, s.id, 'STAGE', 'Please confirm the stage', $1 FROM case_summary s JOIN medical_case c ON c.id = s.case_id CROSS JOIN generate_series(1, 2) WHERE s.language = 'EN' AND ${batch}`,
    [ids.coordinator],
  );
  await db.query(
    `INSERT INTO pathway_option (case_id, kind, title, description, complexity, status, proposed_by_user_id)
     SELECT c.id, k, 'Option ' || o, 'What the reviewers propose', 'MEDIUM', 'PROPOSED', $1
     FROM medical_case c CROSS JOIN unnest(ARRAY['CONFIRM_CURRENT_PLAN','CLINICAL_TRIAL','FURTHER_DIAGNOSTICS']) WITH ORDINALITY AS t(k, o) WHERE ${batch}`,
    [ids.acceptedUser],
  );
  await db.query(
    `INSERT INTO case_event (case_id, type, to_status, actor_user_id)
     SELECT c.id, t, CASE WHEN t = 'STATUS_CHANGED' THEN c.status END, $1 FROM medical_case c CROSS JOIN unnest(ARRAY['CASE_OPENED','RECORD_ADDED','STATUS_CHANGED']) t WHERE ${batch}`,
    [ids.coordinator],
  );
  await db.query("ANALYZE");
  return counts(db);
}

async function counts(db) {
  const [row] = await db.query(
    `SELECT (SELECT count(*) FROM patient) AS patients, (SELECT count(*) FROM medical_case) AS cases, (SELECT count(*) FROM medical_record) AS records,
            (SELECT count(*) FROM case_summary) AS summaries, (SELECT count(*) FROM reviewer) AS reviewers, (SELECT count(*) FROM review_assignment) AS assignments,
            (SELECT count(*) FROM comment) AS comments, (SELECT count(*) FROM pathway_option) AS options, (SELECT count(*) FROM case_event) AS events`,
  );
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
}

module.exports = { SEED_STATEMENT_TIMEOUT_MS, seed, addCases, counts };
