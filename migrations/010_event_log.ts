import type { Kysely } from 'kysely';
import { autoId, MS } from './dialect.js';

// The event log: every event an instance emits (the same events as the webhooks, whatever the
// webhook settings), kept for a while so that an event stream can resume from the last id it
// saw. Numbered 010 so that it sorts after the migrations other branches add as 008 and 009.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('event_log')
    .addColumn('seq', ...autoId(db))
    .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id').onDelete('cascade'))
    .addColumn('event', 'text', (c) => c.notNull())
    // The event's `data`, as JSON.
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', MS, (c) => c.notNull())
    .execute();
  // One instance's stream; pruning goes by seq (created_at grows with it).
  await db.schema.createIndex('event_log_by_instance').on('event_log').columns(['instance_id', 'seq']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('event_log').execute();
}
