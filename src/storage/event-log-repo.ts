import type { DbOrTrx } from './db.js';
import { inEventOrder } from './event-order.js';
import type { EventLogRow } from './schema.js';

export async function appendEvent(db: DbOrTrx, row: { instance_id: string; event: string; data: string; created_at: number }): Promise<void> {
  await inEventOrder(db);
  await db.insertInto('event_log').values(row).execute();
}

/** Events after `seq`, oldest first, of the given instances (null: every instance). */
export function eventsAfter(db: DbOrTrx, seq: number, instanceIds: readonly string[] | null, limit: number): Promise<EventLogRow[]> {
  let q = db.selectFrom('event_log').selectAll().where('seq', '>', seq);
  if (instanceIds) {
    if (instanceIds.length === 0) return Promise.resolve([]);
    q = instanceIds.length === 1 ? q.where('instance_id', '=', instanceIds[0]!) : q.where('instance_id', 'in', instanceIds);
  }
  return q.orderBy('seq').limit(limit).execute();
}

/** The newest seq in the log (0 when empty). */
export async function newestSeq(db: DbOrTrx): Promise<number> {
  const row = await db.selectFrom('event_log').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/** The oldest seq still kept (null when empty): a resume from before it has a gap. */
export async function oldestSeq(db: DbOrTrx): Promise<number | null> {
  const row = await db.selectFrom('event_log').select((eb) => eb.fn.min('seq').as('seq')).executeTakeFirst();
  return row?.seq == null ? null : Number(row.seq);
}

/** Deletes up to `batch` events older than `before` (Unix ms); answers how many went. */
export async function pruneBefore(db: DbOrTrx, before: number, batch: number): Promise<number> {
  const doomed = db.selectFrom('event_log').select('seq').where('created_at', '<', before).orderBy('seq').limit(batch);
  const result = await db.deleteFrom('event_log').where('seq', 'in', doomed).executeTakeFirst();
  return Number(result.numDeletedRows ?? 0);
}

/** Deletes up to `batch` logged events of an instance (when the instance goes). */
export async function deleteInstanceEvents(db: DbOrTrx, instanceId: string, batch: number): Promise<number> {
  const doomed = db.selectFrom('event_log').select('seq').where('instance_id', '=', instanceId).limit(batch);
  const result = await db.deleteFrom('event_log').where('seq', 'in', doomed).executeTakeFirst();
  return Number(result.numDeletedRows ?? 0);
}
