import { randomBytes } from 'node:crypto';
import type { DbOrTrx } from './db.js';
import type { InstanceRow, InstanceUpdate, NewInstanceRow, SettingsRow } from './schema.js';

export function listInstances(db: DbOrTrx): Promise<InstanceRow[]> {
  return db.selectFrom('instances').selectAll().orderBy('created_at').orderBy('id').execute();
}

/** Inserts the instance with its default settings, in one transaction. */
export async function insertInstance(db: DbOrTrx, row: NewInstanceRow): Promise<void> {
  const write = async (trx: DbOrTrx) => {
    await trx.insertInto('instances').values(row).execute();
    await trx.insertInto('settings').values({ instance_id: row.id, webhook_events: null, webhook_secret: newWebhookSecret() }).execute();
  };
  if (db.isTransaction) await write(db);
  else await db.transaction().execute(write);
}

export async function updateInstance(db: DbOrTrx, id: string, patch: InstanceUpdate): Promise<void> {
  await db
    .updateTable('instances')
    .set({ ...patch, updated_at: Date.now() })
    .where('id', '=', id)
    .execute();
}

/** Deletes the instance; its settings, messages and the rest go with it (ON DELETE CASCADE). */
export async function deleteInstance(db: DbOrTrx, id: string): Promise<void> {
  await db.deleteFrom('instances').where('id', '=', id).execute();
}

export function getSettings(db: DbOrTrx, instanceId: string): Promise<SettingsRow | undefined> {
  return db.selectFrom('settings').selectAll().where('instance_id', '=', instanceId).executeTakeFirst();
}

/** A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
