import { sql, type Kysely } from 'kysely';
import { isPostgres } from './dialect.js';

// Migrations take Kysely<any>: they are frozen in time and must not follow later table types.
//
// Message counts per instance and status, kept by triggers (SQLite's here, PostgreSQL's below) in the same transaction as the change
// to `messages`. Statistics and the `total` of an unfiltered or status-filtered history page read
// a handful of rows here instead of counting the whole history (53 ms at 1,000,000 messages).
export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) return upPostgres(db);
  await sql`CREATE TABLE message_counts (
    instance_id TEXT NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (instance_id, status)
  ) WITHOUT ROWID`.execute(db);
  await sql`INSERT INTO message_counts (instance_id, status, n)
    SELECT instance_id, status, count(*) FROM messages GROUP BY instance_id, status`.execute(db);
  await sql`CREATE TRIGGER messages_count_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_counts (instance_id, status, n) VALUES (new.instance_id, new.status, 1)
      ON CONFLICT (instance_id, status) DO UPDATE SET n = n + 1;
  END`.execute(db);
  await sql`CREATE TRIGGER messages_count_delete AFTER DELETE ON messages BEGIN
    UPDATE message_counts SET n = n - 1 WHERE instance_id = old.instance_id AND status = old.status;
  END`.execute(db);
  await sql`CREATE TRIGGER messages_count_update AFTER UPDATE OF instance_id, status ON messages
    WHEN old.status IS NOT new.status OR old.instance_id IS NOT new.instance_id BEGIN
    UPDATE message_counts SET n = n - 1 WHERE instance_id = old.instance_id AND status = old.status;
    INSERT INTO message_counts (instance_id, status, n) VALUES (new.instance_id, new.status, 1)
      ON CONFLICT (instance_id, status) DO UPDATE SET n = n + 1;
  END`.execute(db);
  // A deleted instance's messages go by cascade (each decrementing its count); its rows go here.
  await sql`CREATE TRIGGER instances_drop_counts AFTER DELETE ON instances BEGIN
    DELETE FROM message_counts WHERE instance_id = old.id;
  END`.execute(db);
}

/** The same counts on PostgreSQL: one plpgsql trigger function on messages, one on instances. */
async function upPostgres(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE message_counts (
    instance_id TEXT NOT NULL,
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (instance_id, status)
  )`.execute(db);
  await sql`INSERT INTO message_counts (instance_id, status, n)
    SELECT instance_id, status, count(*) FROM messages GROUP BY instance_id, status`.execute(db);
  await sql`CREATE FUNCTION messages_count() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.instance_id = NEW.instance_id THEN
        RETURN NULL;
      END IF;
      IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE message_counts SET n = n - 1 WHERE instance_id = OLD.instance_id AND status = OLD.status;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO message_counts (instance_id, status, n) VALUES (NEW.instance_id, NEW.status, 1)
          ON CONFLICT (instance_id, status) DO UPDATE SET n = message_counts.n + 1;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER messages_count AFTER INSERT OR DELETE OR UPDATE OF instance_id, status ON messages
    FOR EACH ROW EXECUTE FUNCTION messages_count()`.execute(db);
  await sql`CREATE FUNCTION instances_drop_counts() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM message_counts WHERE instance_id = OLD.id;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER instances_drop_counts AFTER DELETE ON instances
    FOR EACH ROW EXECUTE FUNCTION instances_drop_counts()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`DROP TRIGGER instances_drop_counts ON instances`.execute(db);
    await sql`DROP TRIGGER messages_count ON messages`.execute(db);
    await sql`DROP FUNCTION instances_drop_counts()`.execute(db);
    await sql`DROP FUNCTION messages_count()`.execute(db);
    await db.schema.dropTable('message_counts').execute();
    return;
  }
  await sql`DROP TRIGGER instances_drop_counts`.execute(db);
  await sql`DROP TRIGGER messages_count_update`.execute(db);
  await sql`DROP TRIGGER messages_count_delete`.execute(db);
  await sql`DROP TRIGGER messages_count_insert`.execute(db);
  await db.schema.dropTable('message_counts').execute();
}
