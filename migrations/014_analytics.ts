import { sql, type Kysely } from 'kysely';
import { isPostgres, MS } from './dialect.js';

// Counters for /api/analytics and /api/files, kept by triggers (SQLite's and PostgreSQL's, as in
// migration 005) in the same transaction as the write to `messages`, so that neither endpoint ever
// reads the history:
// - message_stats: per instance and hour (of the message's own timestamp), how many messages
//   were sent (accepted by WhatsApp), received, failed, delivered and read;
// - message_file_counts: per instance and kind (by MIME type), how many stored messages carry a
//   media file (a message deleted for everyone, type `revoked`, is not counted).

const ACCEPTED = `('sent', 'delivered', 'read', 'played')`;
const DELIVERED = `('delivered', 'read', 'played')`;
const READ = `('read', 'played')`;

/** The kind of a row's media, by its MIME type. */
const kindOf = (r: string) =>
  `CASE WHEN ${r}.media_mimetype LIKE 'image/%' THEN 'image' WHEN ${r}.media_mimetype LIKE 'video/%' THEN 'video' ` +
  `WHEN ${r}.media_mimetype LIKE 'audio/%' THEN 'audio' ELSE 'document' END`;
const counted = (r: string) => `${r}.media_file IS NOT NULL AND ${r}.type <> 'revoked'`;
const flag = (cond: string) => `CASE WHEN ${cond} THEN 1 ELSE 0 END`;

/** The five counts a newly written message adds (`r`: NEW or new). */
const onInsert = (r: string) => [
  flag(`${r}.from_me = 1 AND ${r}.status IN ${ACCEPTED}`),
  flag(`${r}.from_me = 0`),
  flag(`${r}.status = 'failed'`),
  flag(`${r}.from_me = 1 AND ${r}.status IN ${DELIVERED}`),
  flag(`${r}.from_me = 1 AND ${r}.status IN ${READ}`),
];
/** The five counts a status change adds: each only once, when first reached. */
const onUpdate = (o: string, n: string) => [
  flag(`${n}.from_me = 1 AND ${n}.status IN ${ACCEPTED} AND ${o}.status NOT IN ${ACCEPTED}`),
  '0',
  flag(`${n}.status = 'failed' AND ${o}.status <> 'failed'`),
  flag(`${n}.from_me = 1 AND ${n}.status IN ${DELIVERED} AND ${o}.status NOT IN ${DELIVERED}`),
  flag(`${n}.from_me = 1 AND ${n}.status IN ${READ} AND ${o}.status NOT IN ${READ}`),
];

const COLUMNS = 'instance_id, hour, sent, received, failed, delivered, read';
const addTo = (table: string) =>
  `ON CONFLICT (instance_id, hour) DO UPDATE SET sent = ${table}.sent + excluded.sent, received = ${table}.received + excluded.received, ` +
  `failed = ${table}.failed + excluded.failed, delivered = ${table}.delivered + excluded.delivered, read = ${table}.read + excluded.read`;

async function createTables(db: Kysely<any>): Promise<void> {
  let stats = db.schema
    .createTable('message_stats')
    .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id').onDelete('cascade'))
    // Unix seconds of the hour's start (UTC).
    .addColumn('hour', MS, (c) => c.notNull());
  for (const name of ['sent', 'received', 'failed', 'delivered', 'read']) stats = stats.addColumn(name, MS, (c) => c.notNull().defaultTo(0));
  await stats.addPrimaryKeyConstraint('message_stats_pk', ['instance_id', 'hour']).execute();
  await db.schema
    .createTable('message_file_counts')
    .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('n', MS, (c) => c.notNull())
    .addPrimaryKeyConstraint('message_file_counts_pk', ['instance_id', 'kind'])
    .execute();
  // The files of an instance, newest first, and of every instance: found without reading the rest of the history.
  await db.schema.createIndex('messages_files_by_instance').on('messages').columns(['instance_id', 'seq']).where(sql.ref('media_file'), 'is not', null).execute();
  await db.schema.createIndex('messages_files').on('messages').columns(['seq']).where(sql.ref('media_file'), 'is not', null).execute();
}

/** The counts of the history written before this migration. */
async function backfill(db: Kysely<any>, hour: string): Promise<void> {
  const sums = onInsert('m').map((e) => `sum(${e})`).join(', ');
  await sql
    .raw(`INSERT INTO message_stats (${COLUMNS}) SELECT m.instance_id, ${hour}, ${sums} FROM messages m WHERE m.status <> 'pending' GROUP BY m.instance_id, ${hour}`)
    .execute(db);
  await sql
    .raw(`INSERT INTO message_file_counts (instance_id, kind, n) SELECT m.instance_id, ${kindOf('m')}, count(*) FROM messages m WHERE ${counted('m')} GROUP BY m.instance_id, ${kindOf('m')}`)
    .execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  await createTables(db);
  if (isPostgres(db)) return upPostgres(db);
  const hour = (r: string) => `(CAST(${r}.timestamp AS INTEGER) / 3600) * 3600`;
  await backfill(db, hour('m'));
  await sql
    .raw(`CREATE TRIGGER messages_stats_insert AFTER INSERT ON messages WHEN new.status <> 'pending' BEGIN
      INSERT INTO message_stats (${COLUMNS}) VALUES (new.instance_id, ${hour('new')}, ${onInsert('new').join(', ')}) ${addTo('message_stats')};
    END`)
    .execute(db);
  await sql
    .raw(`CREATE TRIGGER messages_stats_update AFTER UPDATE OF status ON messages WHEN old.status IS NOT new.status BEGIN
      INSERT INTO message_stats (${COLUMNS}) VALUES (new.instance_id, ${hour('new')}, ${onUpdate('old', 'new').join(', ')}) ${addTo('message_stats')};
    END`)
    .execute(db);
  const plusOne = `INSERT INTO message_file_counts (instance_id, kind, n) SELECT new.instance_id, ${kindOf('new')}, 1 WHERE ${counted('new')}
      ON CONFLICT (instance_id, kind) DO UPDATE SET n = n + 1;`;
  const minusOne = `UPDATE message_file_counts SET n = n - 1 WHERE ${counted('old')} AND instance_id = old.instance_id AND kind = ${kindOf('old')};`;
  await sql.raw(`CREATE TRIGGER messages_files_insert AFTER INSERT ON messages WHEN ${counted('new')} BEGIN ${plusOne} END`).execute(db);
  await sql.raw(`CREATE TRIGGER messages_files_delete AFTER DELETE ON messages WHEN ${counted('old')} BEGIN ${minusOne} END`).execute(db);
  await sql
    .raw(`CREATE TRIGGER messages_files_update AFTER UPDATE OF instance_id, type, media_file, media_mimetype ON messages BEGIN ${minusOne} ${plusOne} END`)
    .execute(db);
}

async function upPostgres(db: Kysely<any>): Promise<void> {
  const hour = (r: string) => `(${r}.timestamp / 3600) * 3600`;
  await backfill(db, hour('m'));
  const values = (exprs: string[]) => exprs.join(', ');
  await sql
    .raw(`CREATE FUNCTION messages_stats() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        IF NEW.status = 'pending' THEN RETURN NULL; END IF;
        INSERT INTO message_stats (${COLUMNS}) VALUES (NEW.instance_id, ${hour('NEW')}, ${values(onInsert('NEW'))}) ${addTo('message_stats')};
      ELSIF OLD.status IS DISTINCT FROM NEW.status THEN
        INSERT INTO message_stats (${COLUMNS}) VALUES (NEW.instance_id, ${hour('NEW')}, ${values(onUpdate('OLD', 'NEW'))}) ${addTo('message_stats')};
      END IF;
      RETURN NULL;
    END $$`)
    .execute(db);
  await sql.raw(`CREATE TRIGGER messages_stats AFTER INSERT OR UPDATE OF status ON messages FOR EACH ROW EXECUTE FUNCTION messages_stats()`).execute(db);
  await sql
    .raw(`CREATE FUNCTION messages_files() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      -- Nested: OLD is NULL on INSERT and NEW on DELETE.
      IF TG_OP IN ('DELETE', 'UPDATE') THEN
        IF ${counted('OLD')} THEN
          UPDATE message_file_counts SET n = n - 1 WHERE instance_id = OLD.instance_id AND kind = ${kindOf('OLD')};
        END IF;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF ${counted('NEW')} THEN
          INSERT INTO message_file_counts (instance_id, kind, n) VALUES (NEW.instance_id, ${kindOf('NEW')}, 1)
            ON CONFLICT (instance_id, kind) DO UPDATE SET n = message_file_counts.n + 1;
        END IF;
      END IF;
      RETURN NULL;
    END $$`)
    .execute(db);
  await sql
    .raw(`CREATE TRIGGER messages_files AFTER INSERT OR DELETE OR UPDATE OF instance_id, type, media_file, media_mimetype ON messages FOR EACH ROW EXECUTE FUNCTION messages_files()`)
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`DROP TRIGGER messages_files ON messages`.execute(db);
    await sql`DROP TRIGGER messages_stats ON messages`.execute(db);
    await sql`DROP FUNCTION messages_files()`.execute(db);
    await sql`DROP FUNCTION messages_stats()`.execute(db);
  } else {
    for (const t of ['messages_files_update', 'messages_files_delete', 'messages_files_insert', 'messages_stats_update', 'messages_stats_insert']) {
      await sql.raw(`DROP TRIGGER ${t}`).execute(db);
    }
  }
  await db.schema.dropIndex('messages_files').execute();
  await db.schema.dropIndex('messages_files_by_instance').execute();
  await db.schema.dropTable('message_file_counts').execute();
  await db.schema.dropTable('message_stats').execute();
}
