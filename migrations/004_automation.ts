import type { Kysely } from 'kysely';
import { autoId, isPostgres, MS } from './dialect.js';

// Chatbot rules, bulk jobs with their recipients, scheduled messages.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('settings').addColumn('chatbot_enabled', 'integer', (c) => c.notNull().defaultTo(1)).execute();

  await db.schema
    .createTable('chatbot_rules')
    .addColumn('id', ...autoId(db))
    .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id').onDelete('cascade'))
    .addColumn('match_type', 'text', (c) => c.notNull())
    .addColumn('trigger_text', 'text', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('delay', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('created_at', MS, (c) => c.notNull())
    .addColumn('updated_at', MS, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('chatbot_rules_order').on('chatbot_rules').columns(['instance_id', 'priority', 'id']).execute();

  await db.schema
    .createTable('bulk_jobs')
    .addColumn('id', ...autoId(db))
    .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id').onDelete('cascade'))
    // queued | running | completed | cancelled
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('message_type', 'text', (c) => c.notNull())
    .addColumn('body', 'text')
    .addColumn('media_url', 'text')
    .addColumn('filename', 'text')
    // Seconds between recipients, fractions allowed (0.05): an SQLite INTEGER column keeps a
    // fraction as it is; PostgreSQL needs a floating-point column for it.
    .addColumn('delay', isPostgres(db) ? 'double precision' : 'integer', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('created_at', MS, (c) => c.notNull())
    .addColumn('started_at', MS)
    .addColumn('finished_at', MS)
    .execute();
  await db.schema.createIndex('bulk_jobs_by_instance').on('bulk_jobs').columns(['instance_id', 'id']).execute();
  await db.schema.createIndex('bulk_jobs_by_status').on('bulk_jobs').columns(['status']).execute();

  await db.schema
    .createTable('bulk_recipients')
    .addColumn('job_id', autoId(db)[0], (c) => c.notNull().references('bulk_jobs.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('chat_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    // pending | sending | sent | failed | cancelled
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('error', 'text')
    .addColumn('updated_at', MS)
    .addPrimaryKeyConstraint('bulk_recipients_pk', ['job_id', 'position'])
    .execute();
  await db.schema.createIndex('bulk_recipients_by_status').on('bulk_recipients').columns(['job_id', 'status', 'position']).execute();

  await db.schema
    .createTable('scheduled_messages')
    .addColumn('id', ...autoId(db))
    .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id').onDelete('cascade'))
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('chat_id', 'text', (c) => c.notNull())
    .addColumn('recipient_name', 'text')
    .addColumn('message_type', 'text', (c) => c.notNull())
    .addColumn('body', 'text')
    .addColumn('media_url', 'text')
    .addColumn('filename', 'text')
    .addColumn('scheduled_at', MS, (c) => c.notNull())
    // pending | queued | sending | sent | failed | cancelled
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', MS, (c) => c.notNull())
    .addColumn('sent_at', MS)
    .execute();
  await db.schema.createIndex('scheduled_due').on('scheduled_messages').columns(['status', 'scheduled_at']).execute();
  await db.schema.createIndex('scheduled_by_instance').on('scheduled_messages').columns(['instance_id', 'status', 'scheduled_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('scheduled_messages').execute();
  await db.schema.dropTable('bulk_recipients').execute();
  await db.schema.dropTable('bulk_jobs').execute();
  await db.schema.dropTable('chatbot_rules').execute();
  await db.schema.alterTable('settings').dropColumn('chatbot_enabled').execute();
}
