import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { autoId, MS } from './dialect.js';

// Webhook settings (which events, a per-instance signing secret) and the durable outbox.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('settings').addColumn('webhook_events', 'text').execute();
  await db.schema.alterTable('settings').addColumn('webhook_secret', 'text', (c) => c.notNull().defaultTo('')).execute();
  const rows = await db.selectFrom('settings').select('instance_id').execute();
  for (const row of rows) {
    await db
      .updateTable('settings')
      .set({ webhook_secret: `whsec_${randomBytes(32).toString('base64')}` })
      .where('instance_id', '=', row.instance_id)
      .execute();
  }

  await db.schema
    .createTable('webhook_events')
    .addColumn('seq', ...autoId(db))
    .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id').onDelete('cascade'))
    // The Standard Webhooks `webhook-id`: the same on every attempt of this event.
    .addColumn('webhook_id', 'text', (c) => c.notNull().unique())
    .addColumn('event', 'text', (c) => c.notNull())
    // The exact JSON body sent: the seed's envelope { event, data, timestamp, instance_id }.
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', MS, (c) => c.notNull())
    .addColumn('next_attempt_at', MS, (c) => c.notNull())
    .addColumn('expires_at', MS, (c) => c.notNull())
    .addColumn('last_attempt_at', MS)
    .addColumn('delivered_at', MS)
    .addColumn('last_error', 'text')
    .addColumn('response_code', 'integer')
    .addColumn('url', 'text')
    .execute();
  // The dispatcher's question: the oldest pending event of an instance.
  await db.schema.createIndex('webhook_events_pending').on('webhook_events').columns(['instance_id', 'status', 'seq']).execute();
  // Pruning old deliveries.
  await db.schema.createIndex('webhook_events_by_age').on('webhook_events').columns(['status', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_events').execute();
  await db.schema.alterTable('settings').dropColumn('webhook_secret').execute();
  await db.schema.alterTable('settings').dropColumn('webhook_events').execute();
}
