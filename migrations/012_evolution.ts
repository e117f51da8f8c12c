import type { Kysely } from 'kysely';
import { hasColumn } from './dialect.js';

/**
 * Evolution API's webhook, per instance (issue 17): its payload format chosen by `webhook_format`,
 * and Evolution's own webhook options beside ours. `webhook_format` is shared with the other
 * dialects' formats (GoWA's arrives as 011): whichever migration runs first adds it, so this one
 * adds it only when it is not there yet (hasColumn).
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!(await hasColumn(db, 'settings', 'webhook_format'))) {
    // `native` (the seed's envelope), or a dialect's name: `evolution`.
    await db.schema.alterTable('settings').addColumn('webhook_format', 'text', (c) => c.notNull().defaultTo('native')).execute();
  }
  // JSON array of Evolution's event ids (MESSAGES_UPSERT, ...); null: every event.
  await db.schema.alterTable('settings').addColumn('evolution_events', 'text').execute();
  // Each event to `<url>/<event-name>` (Evolution's webhookByEvents).
  await db.schema.alterTable('settings').addColumn('evolution_by_events', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // Media of messages.upsert inline as base64 (Evolution's webhookBase64).
  await db.schema.alterTable('settings').addColumn('evolution_base64', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // JSON object of extra headers sent with each delivery (Evolution's webhook headers).
  await db.schema.alterTable('settings').addColumn('evolution_headers', 'text').execute();
  // The owner chose to put this instance's token in webhooks (`apikey`) and fetchInstances: the
  // token itself (an instance key made for it) and its key id; null while not chosen.
  await db.schema.alterTable('settings').addColumn('evolution_apikey', 'text').execute();
  await db.schema.alterTable('settings').addColumn('evolution_apikey_id', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['evolution_apikey_id', 'evolution_apikey', 'evolution_headers', 'evolution_base64', 'evolution_by_events', 'evolution_events']) {
    await db.schema.alterTable('settings').dropColumn(column).execute();
  }
  // webhook_format stays: another format's migration may own it.
}
