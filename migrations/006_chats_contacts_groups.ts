import { sql, type Kysely } from 'kysely';
import { isPostgres, MS } from './dialect.js';

// Migrations take Kysely<any>: they are frozen in time and must not follow later table types.
//
// 1. `messages` gets a `seq` column (insertion order, replacing SQLite's rowid, which PostgreSQL
//    does not have) and `native_key` (the engine's own key of the message, e.g. whatsapp-web.js's
//    serialized key, so that reacting to or deleting an old message still works after a restart).
// 2. `chats`, `contacts` and `chat_groups` are kept by the writes that store messages and by what
//    engines report, so listing them costs O(chats), not O(messages). `chat_states` (the archive
//    flag) becomes a column of `chats`.
export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await db.schema.alterTable('messages').addColumn('seq', 'bigint', (c) => c.generatedByDefaultAsIdentity()).execute();
    await db.schema.alterTable('messages').addColumn('native_key', 'text').execute();
    for (const index of ['messages_by_time', 'messages_by_chat', 'messages_by_status', 'messages_by_sender']) {
      await db.schema.dropIndex(index).execute();
    }
    await db.schema.createIndex('messages_seq').on('messages').column('seq').unique().execute();
  } else {
    await rebuildSqliteMessages(db);
  }
  await db.schema.createIndex('messages_by_time').on('messages').columns(['instance_id', 'timestamp', 'seq']).execute();
  await db.schema.createIndex('messages_by_chat').on('messages').columns(['instance_id', 'chat_id', 'timestamp', 'seq']).execute();
  await db.schema.createIndex('messages_by_status').on('messages').columns(['instance_id', 'status', 'timestamp', 'seq']).execute();

  await db.schema
    .createTable('chats')
    .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id').onDelete('cascade'))
    .addColumn('chat_id', 'text', (c) => c.notNull())
    .addColumn('is_group', 'integer', (c) => c.notNull())
    // The name WhatsApp gives the chat (an address-book name); null: named by its group or contact.
    .addColumn('name', 'text')
    .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
    // Incoming messages not marked read.
    .addColumn('unread_count', 'integer', (c) => c.notNull().defaultTo(0))
    // Unix seconds and seq of the newest stored message (or what the engine reported); null: none.
    .addColumn('last_message_at', MS)
    .addColumn('last_seq', MS)
    .addColumn('updated_at', MS, (c) => c.notNull())
    .addPrimaryKeyConstraint('chats_pk', ['instance_id', 'chat_id'])
    .execute();

  await db.schema
    .createTable('contacts')
    .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull())
    // The address-book name (from the engine), and the contact's own push name (newest known).
    .addColumn('name', 'text')
    .addColumn('notify', 'text')
    .addColumn('updated_at', MS, (c) => c.notNull())
    .addPrimaryKeyConstraint('contacts_pk', ['instance_id', 'contact_id'])
    .execute();

  await db.schema
    .createTable('chat_groups')
    .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id').onDelete('cascade'))
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('owner', 'text')
    .addColumn('creation', MS)
    // JSON array of { id, admin }.
    .addColumn('participants', 'text', (c) => c.notNull())
    .addColumn('updated_at', MS, (c) => c.notNull())
    .addPrimaryKeyConstraint('chat_groups_pk', ['instance_id', 'group_id'])
    .execute();

  const now = Date.now();
  await sql`INSERT INTO chats (instance_id, chat_id, is_group, name, archived, unread_count, last_message_at, last_seq, updated_at)
    SELECT m.instance_id, m.chat_id, CASE WHEN m.chat_id LIKE '%@g.us' THEN 1 ELSE 0 END, NULL,
      COALESCE(MAX(s.archived), 0), SUM(CASE WHEN m.from_me = 0 AND m.seen = 0 THEN 1 ELSE 0 END),
      MAX(m.timestamp), MAX(m.seq), ${now}
    FROM messages m LEFT JOIN chat_states s ON s.instance_id = m.instance_id AND s.chat_id = m.chat_id
    WHERE m.status <> 'failed'
    GROUP BY m.instance_id, m.chat_id`.execute(db);
  await sql`INSERT INTO chats (instance_id, chat_id, is_group, name, archived, unread_count, last_message_at, last_seq, updated_at)
    SELECT s.instance_id, s.chat_id, CASE WHEN s.chat_id LIKE '%@g.us' THEN 1 ELSE 0 END, NULL, s.archived, 0, NULL, NULL, ${now}
    FROM chat_states s
    WHERE NOT EXISTS (SELECT 1 FROM chats c WHERE c.instance_id = s.instance_id AND c.chat_id = s.chat_id)`.execute(db);
  // Everyone who wrote (with the newest push name they wrote under), then everyone written to.
  await sql`INSERT INTO contacts (instance_id, contact_id, name, notify, updated_at)
    SELECT instance_id, from_jid, NULL, NULLIF(sender_name, ''), ${now} FROM (
      SELECT instance_id, from_jid, sender_name, ROW_NUMBER() OVER (
        PARTITION BY instance_id, from_jid
        ORDER BY CASE WHEN sender_name IS NULL OR sender_name = '' THEN 1 ELSE 0 END, timestamp DESC, seq DESC
      ) AS rn
      FROM messages WHERE from_me = 0 AND from_jid LIKE '%@s.whatsapp.net'
    ) newest WHERE rn = 1`.execute(db);
  await sql`INSERT INTO contacts (instance_id, contact_id, name, notify, updated_at)
    SELECT c.instance_id, c.chat_id, NULL, NULL, ${now} FROM chats c
    WHERE c.is_group = 0 AND c.chat_id LIKE '%@s.whatsapp.net'
      AND NOT EXISTS (SELECT 1 FROM contacts k WHERE k.instance_id = c.instance_id AND k.contact_id = c.chat_id)`.execute(db);
  await db.schema.dropTable('chat_states').execute();
}

/**
 * SQLite cannot add a column that numbers existing rows, so the table is rebuilt with `seq` as its
 * INTEGER PRIMARY KEY (an alias of the rowid, copied over, so the order of stored messages is
 * kept). Dropping the old table drops its triggers and indexes; the count triggers of migration
 * 005 are made again here.
 */
async function rebuildSqliteMessages(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('messages_v6')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('chat_id', 'text', (c) => c.notNull())
    .addColumn('from_jid', 'text', (c) => c.notNull())
    .addColumn('to_jid', 'text', (c) => c.notNull())
    .addColumn('from_me', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('body', 'text')
    .addColumn('caption', 'text')
    .addColumn('media_file', 'text')
    .addColumn('media_mimetype', 'text')
    .addColumn('media_filename', 'text')
    .addColumn('media_size', 'integer')
    .addColumn('extra', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('seen', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sender_name', 'text')
    .addColumn('timestamp', MS, (c) => c.notNull())
    .addColumn('native_key', 'text')
    .addUniqueConstraint('messages_key', ['instance_id', 'id'])
    .execute();
  await sql`INSERT INTO messages_v6 (seq, instance_id, id, chat_id, from_jid, to_jid, from_me, type, body, caption, media_file,
      media_mimetype, media_filename, media_size, extra, status, error, seen, sender_name, timestamp, native_key)
    SELECT rowid, instance_id, id, chat_id, from_jid, to_jid, from_me, type, body, caption, media_file,
      media_mimetype, media_filename, media_size, extra, status, error, seen, sender_name, timestamp, NULL
    FROM messages`.execute(db);
  await db.schema.dropTable('messages').execute();
  await sql`ALTER TABLE messages_v6 RENAME TO messages`.execute(db);
  await sql`CREATE INDEX messages_unread ON messages (instance_id, chat_id) WHERE from_me = 0 AND seen = 0`.execute(db);
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
}

export async function down(): Promise<void> {
  throw new Error('006_chats_contacts_groups cannot be undone: restore a backup taken before the upgrade');
}
