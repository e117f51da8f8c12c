import type { DbOrTrx } from './db.js';
import type { ApiKeyRow, NewApiKeyRow } from './schema.js';
import { transact } from './transact.js';

/** A key with the instances it reaches (none for a global key). */
export interface ApiKeyWithInstances extends ApiKeyRow {
  instanceIds: string[];
}

/** Inserts the key and its instances in one transaction. */
export async function insertKey(db: DbOrTrx, row: NewApiKeyRow, instanceIds: readonly string[]): Promise<void> {
  const write = async (trx: DbOrTrx) => {
    await trx.insertInto('api_keys').values(row).execute();
    if (instanceIds.length) await trx.insertInto('api_key_instances').values(instanceIds.map((instance_id) => ({ key_id: row.id, instance_id }))).execute();
  };
  if (db.isTransaction) await write(db);
  else await transact(db, write);
}

/** Every key, newest first, with its instances. */
export async function listKeys(db: DbOrTrx): Promise<ApiKeyWithInstances[]> {
  const [rows, links] = await Promise.all([
    db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc').orderBy('id').execute(),
    db.selectFrom('api_key_instances').selectAll().orderBy('instance_id').execute(),
  ]);
  const byKey = new Map<string, string[]>();
  for (const l of links) {
    const list = byKey.get(l.key_id);
    if (list) list.push(l.instance_id);
    else byKey.set(l.key_id, [l.instance_id]);
  }
  return rows.map((r) => ({ ...r, instanceIds: byKey.get(r.id) ?? [] }));
}

/** Marks the key revoked; false when it was already (or does not exist). */
export async function revokeKey(db: DbOrTrx, id: string, at: number): Promise<boolean> {
  const result = await db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export function findKey(db: DbOrTrx, id: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Adds a flush of usage counters to a key's figures. */
export async function addKeyUsage(db: DbOrTrx, id: string, add: { total: number; failed: number; busyUs: number; lastUsedAt: number }): Promise<void> {
  await db
    .updateTable('api_keys')
    .set((eb) => ({
      requests_total: eb('requests_total', '+', add.total),
      requests_failed: eb('requests_failed', '+', add.failed),
      busy_us: eb('busy_us', '+', add.busyUs),
      last_used_at: add.lastUsedAt,
    }))
    .where('id', '=', id)
    .execute();
}
