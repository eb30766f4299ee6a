import type { DataSource } from "typeorm";
import { createDataSource } from "../../server/db/data-source";
import { createEmptyDatabase, createTestDatabase } from "../support/database";

type Database = Awaited<ReturnType<typeof createTestDatabase>>;

async function publicTables(db: DataSource): Promise<string[]> {
  const rows: Array<{ table_name: string }> = await db.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  return rows.map((r) => r.table_name);
}

async function appliedMigrations(db: DataSource): Promise<number> {
  const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM schema_migration`);
  return count;
}

describe("on a freshly migrated database", () => {
  let database: Database;
  let db: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDataSource({ url: database.url });
    await db.initialize();
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  test("TypeORM's schema diff against the entities is empty (migration:generate would write nothing)", async () => {
    const diff = await db.driver.createSchemaBuilder().log();
    expect(diff.upQueries.map((q) => q.query)).toEqual([]);
  });

  test("no migration is pending", async () => {
    expect(await db.showMigrations()).toBe(false);
    expect(await appliedMigrations(db)).toBe(db.migrations.length);
  });

  test("audit_entry is append-only: UPDATE and DELETE are refused by the trigger", async () => {
    const [{ id }] = await db.query(
      `INSERT INTO audit_entry (action, object_type, outcome) VALUES ('TEST', 'Case', 'ALLOWED') RETURNING id`,
    );
    await expect(db.query(`UPDATE audit_entry SET action = 'TAMPERED' WHERE id = $1`, [id])).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM audit_entry WHERE id = $1`, [id])).rejects.toThrow(/append-only/);
    await expect(db.query(`TRUNCATE audit_entry`)).rejects.toThrow(/append-only/);
    const [row] = await db.query(`SELECT action FROM audit_entry WHERE id = $1`, [id]);
    expect(row.action).toBe("TEST");
  });

  test("medical_case refuses a status outside the workflow (CHECK constraint)", async () => {
    const [user] = await db.query(
      `INSERT INTO app_user (email, role, display_name, search_text) VALUES ('check.coordinator@test.meridian', 'COORDINATOR', 'C', '') RETURNING id`,
    );
    const [patientUser] = await db.query(
      `INSERT INTO app_user (email, role, display_name, search_text) VALUES ('check.patient@test.meridian', 'PATIENT', 'P', '') RETURNING id`,
    );
    const [patient] = await db.query(
      `INSERT INTO patient (user_id, full_name, date_of_birth_enc, preferred_language, search_text) VALUES ($1, 'P', 'x', 'EN', '') RETURNING id`,
      [patientUser.id],
    );
    const insert = (reference: string, status: string) =>
      db.query(
        `INSERT INTO medical_case (reference, patient_id, status, status_since, reason, opened_by_user_id, updated_at)
         VALUES ($1, $2, $3, now(), 'r', $4, now())`,
        [reference, patient.id, status, user.id],
      );
    await expect(insert("CHK-1", "ARCHIVED")).rejects.toMatchObject({ code: "23514", constraint: "ck_medical_case_status" });
    // The same row with a real status goes in: the constraint, not something else, refused the first one.
    await expect(insert("CHK-2", "RECORDS_COLLECTION")).resolves.toBeDefined();
    await expect(db.query(`UPDATE medical_case SET status = 'DONE' WHERE reference = 'CHK-2'`)).rejects.toMatchObject({
      code: "23514",
      constraint: "ck_medical_case_status",
    });
  });
});

describe("on an empty database", () => {
  let database: Database;
  let db: DataSource;

  beforeAll(async () => {
    database = await createEmptyDatabase();
    db = createDataSource({ url: database.url });
    await db.initialize();
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  test("every migration runs up, down to nothing, and up again", async () => {
    const entityTables = db.entityMetadatas.map((m) => m.tableName).sort();
    expect(entityTables.length).toBeGreaterThan(10);
    expect(await publicTables(db)).toEqual([]);

    const applied = await db.runMigrations();
    expect(applied.length).toBe(db.migrations.length);
    expect(await publicTables(db)).toEqual(expect.arrayContaining(entityTables));

    // Undo one at a time until none is recorded (bounded by the number of migrations).
    for (let i = 0; i < db.migrations.length && (await appliedMigrations(db)) > 0; i++) await db.undoLastMigration();
    expect(await appliedMigrations(db)).toBe(0);
    const left = await publicTables(db);
    expect(left.filter((t) => entityTables.includes(t))).toEqual([]);
    // Nothing hand-written survives either: only TypeORM's own bookkeeping table.
    expect(left).toEqual(["schema_migration"]);
    const [{ count: functions }] = await db.query(
      `SELECT count(*)::int AS count FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'`,
    );
    expect(functions).toBe(0);
    // Sequences left are only those of schema_migration's own id column.
    const sequences: Array<{ name: string }> = await db.query(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'S'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.refobjid = 'schema_migration'::regclass)`,
    );
    expect(sequences.map((s) => s.name)).toEqual([]);

    const again = await db.runMigrations();
    expect(again.length).toBe(db.migrations.length);
    expect(await publicTables(db)).toEqual(expect.arrayContaining(entityTables));
    const diff = await db.driver.createSchemaBuilder().log();
    expect(diff.upQueries.map((q) => q.query)).toEqual([]);
  });
});

describe("the search column migration", () => {
  let database: Database;
  let db: DataSource;

  beforeAll(async () => {
    database = await createEmptyDatabase();
    db = createDataSource({ url: database.url });
    await db.initialize();
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  test("folds the names and emails of rows that existed before it", async () => {
    await db.runMigrations();
    const isApplied = async () => (await db.query(`SELECT 1 FROM schema_migration WHERE name = 'SearchText1796500000001'`)).length > 0;
    for (let i = 0; i < db.migrations.length && (await isApplied()); i++) await db.undoLastMigration();
    expect(await isApplied()).toBe(false);
    const [user] = await db.query(`INSERT INTO app_user (email, role, display_name) VALUES ('h.tremblay@example.ca', 'PATIENT', 'Hélène TREMBLAY') RETURNING id`);
    await db.query(`INSERT INTO patient (user_id, full_name, date_of_birth_enc, preferred_language) VALUES ($1, 'Hélène TREMBLAY', 'x', 'EN')`, [user.id]);
    await db.runMigrations();
    const [row] = await db.query(`SELECT u.search_text AS user_text, p.search_text AS patient_text FROM app_user u JOIN patient p ON p.user_id = u.id`);
    expect(row).toEqual({ user_text: "helene tremblay\nh.tremblay@example.ca", patient_text: "helene tremblay" });
  });
});
