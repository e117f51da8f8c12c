import type { Kysely } from 'kysely';

/**
 * Who stands behind a URL kept for later: `operator` (the admin token or a global API key: the
 * operator's ALLOW_PRIVATE_URLS applies when it is delivered to or loaded) or `strict` (an
 * instance-scoped key or an embed token: public addresses only, at every delivery and load).
 * Rows from before this migration were set by either; they keep the operator's rule.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('settings').addColumn('webhook_url_trust', 'text', (c) => c.notNull().defaultTo('operator')).execute();
  await db.schema.alterTable('bulk_jobs').addColumn('media_url_trust', 'text', (c) => c.notNull().defaultTo('operator')).execute();
  await db.schema.alterTable('scheduled_messages').addColumn('media_url_trust', 'text', (c) => c.notNull().defaultTo('operator')).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('scheduled_messages').dropColumn('media_url_trust').execute();
  await db.schema.alterTable('bulk_jobs').dropColumn('media_url_trust').execute();
  await db.schema.alterTable('settings').dropColumn('webhook_url_trust').execute();
}
