import type { DbOrTrx } from './db.js';
import type { IdempotencyKeyRow } from './schema.js';

/** The answer kept for a key, if it was kept after `since` (unix ms). */
export function findAnswer(db: DbOrTrx, instanceId: string, key: string, since: number): Promise<Pick<IdempotencyKeyRow, 'status_code' | 'body'> | undefined> {
  return db
    .selectFrom('idempotency_keys')
    .select(['status_code', 'body'])
    .where('instance_id', '=', instanceId)
    .where('key', '=', key)
    .where('created_at', '>', since)
    .executeTakeFirst();
}

export async function saveAnswer(db: DbOrTrx, row: IdempotencyKeyRow): Promise<void> {
  await db
    .insertInto('idempotency_keys')
    .values(row)
    .onConflict((oc) => oc.columns(['instance_id', 'key']).doUpdateSet({ status_code: row.status_code, body: row.body, created_at: row.created_at }))
    .execute();
}

/** Deletes the answers kept at or before `before` (unix ms); answers how many went. */
export async function deleteExpired(db: DbOrTrx, before: number): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('created_at', '<=', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
