import { sql, type Kysely } from 'kysely';
import { MS } from './dialect.js';

// Migrations take Kysely<any>: they are frozen in time and must not follow later table types.
export async function up(db: Kysely<any>): Promise<void> {
  // A chat's archive flag as last set through the API or seen on WhatsApp, so that it survives a
  // restart (the sandbox forgets its chats; a real session may not list a chat until it syncs).
  await db.schema
    .createTable('chat_states')
    .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id').onDelete('cascade'))
    .addColumn('chat_id', 'text', (c) => c.notNull())
    .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', MS, (c) => c.notNull())
    .addPrimaryKeyConstraint('chat_states_pk', ['instance_id', 'chat_id'])
    .execute();

  // Unread counts per chat (chats list) and chats/read only look at unread incoming messages:
  // a partial index keeps both proportional to what is unread, not to the whole history.
  await sql`CREATE INDEX messages_unread ON messages (instance_id, chat_id) WHERE from_me = 0 AND seen = 0`.execute(db);
  // Contacts and push names come from who wrote (from_jid).
  await db.schema.createIndex('messages_by_sender').on('messages').columns(['instance_id', 'from_jid', 'timestamp']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('messages_by_sender').execute();
  await db.schema.dropIndex('messages_unread').execute();
  await db.schema.dropTable('chat_states').execute();
}
