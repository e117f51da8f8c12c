import type { DbOrTrx } from './db.js';
import type { InstanceRow, InstanceUpdate, NewInstanceRow } from './schema.js';
import { newWebhookSecret } from './settings-repo.js';
import { transact } from './transact.js';

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
  else await transact(db, write);
}

export async function updateInstance(db: DbOrTrx, id: string, patch: InstanceUpdate): Promise<void> {
  await db
    .updateTable('instances')
    .set({ ...patch, updated_at: Date.now() })
    .where('id', '=', id)
    .execute();
}

/** Deletes the instance row; what is left of its settings, chats and the rest goes with it (ON DELETE CASCADE). */
export async function deleteInstance(db: DbOrTrx, id: string): Promise<void> {
  await db.deleteFrom('instances').where('id', '=', id).execute();
}
