import type { Kysely } from 'kysely';
import { MS } from './dialect.js';

// Migrations take Kysely<any>: they are frozen in time and must not follow later table types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('instances')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('engine', 'text', (c) => c.notNull())
    // 1 once `connect` was called and until `logout`: such instances are started again after a restart.
    .addColumn('should_run', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('account_id', 'text')
    .addColumn('account_name', 'text')
    .addColumn('account_phone', 'text')
    .addColumn('created_at', MS, (c) => c.notNull())
    .addColumn('updated_at', MS, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('settings')
    .addColumn('instance_id', 'text', (c) => c.primaryKey().references('instances.id').onDelete('cascade'))
    .addColumn('webhook_url', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('webhook_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('send_delay', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('messages')
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
    // Bytes: a received document may pass 2^31 (PostgreSQL's integer); SQLite's integers are 64-bit anyway.
    .addColumn('media_size', MS)
    .addColumn('extra', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('seen', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sender_name', 'text')
    .addColumn('timestamp', MS, (c) => c.notNull())
    .addPrimaryKeyConstraint('messages_pk', ['instance_id', 'id'])
    .execute();
  await db.schema.createIndex('messages_by_time').on('messages').columns(['instance_id', 'timestamp']).execute();
  await db.schema
    .createIndex('messages_by_chat')
    .on('messages')
    .columns(['instance_id', 'chat_id', 'timestamp'])
    .execute();
  await db.schema
    .createIndex('messages_by_status')
    .on('messages')
    .columns(['instance_id', 'status', 'timestamp'])
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', MS, (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['instance_id', 'key'])
    .execute();
  await db.schema.createIndex('idempotency_keys_by_age').on('idempotency_keys').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
  await db.schema.dropTable('messages').execute();
  await db.schema.dropTable('settings').execute();
  await db.schema.dropTable('instances').execute();
}
