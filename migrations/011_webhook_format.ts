import type { Kysely } from 'kysely';
import { hasColumn } from './dialect.js';

/**
 * The body a webhook receiver gets, chosen per instance: `native` (the seed's envelope, Standard
 * Webhooks signatures) or `gowa` (GoWA's `{ event, device_id, payload }`, its event names and its
 * `X-Hub-Signature-256`). Each outbox row keeps the format it was written in, so a delivery is
 * signed the way its body was built even when the setting changes while it waits.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Shared with Evolution's format (012), which adds it itself on a database that ran it first.
  if (!(await hasColumn(db, 'settings', 'webhook_format'))) {
    await db.schema.alterTable('settings').addColumn('webhook_format', 'text', (c) => c.notNull().defaultTo('native')).execute();
  }
  await db.schema.alterTable('webhook_events').addColumn('format', 'text', (c) => c.notNull().defaultTo('native')).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('webhook_events').dropColumn('format').execute();
  await db.schema.alterTable('settings').dropColumn('webhook_format').execute();
}
