import { sql } from 'kysely';
import type { DbOrTrx } from './db.js';
import type { ScheduledMessageRow, ScheduledStatus } from './schema.js';
import { readTogether } from './transact.js';

/** A new scheduled message: what the client chose; status and outcome start empty. */
export type NewScheduled = Omit<ScheduledMessageRow, 'id' | 'status' | 'message_id' | 'error' | 'created_at' | 'sent_at'>;

export async function insertScheduled(db: DbOrTrx, row: NewScheduled): Promise<number> {
  const { id } = await db
    .insertInto('scheduled_messages')
    .values({ ...row, status: 'pending', message_id: null, error: null, created_at: Date.now(), sent_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function listScheduled(
  db: DbOrTrx,
  instanceId: string,
  status: ScheduledStatus | undefined,
  limit: number,
  offset: number,
): Promise<{ rows: ScheduledMessageRow[]; total: number }> {
  return readTogether(db, async (trx) => {
    let q = trx.selectFrom('scheduled_messages').where('instance_id', '=', instanceId);
    if (status) q = q.where('status', '=', status);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('scheduled_at').orderBy('id').limit(limit).offset(offset).execute(),
      q.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  });
}

export function findScheduled(db: DbOrTrx, instanceId: string, id: number): Promise<ScheduledMessageRow | undefined> {
  return db.selectFrom('scheduled_messages').selectAll().where('instance_id', '=', instanceId).where('id', '=', id).executeTakeFirst();
}

/** Cancels a pending message; false when it is not pending (any more). */
export async function cancelScheduled(db: DbOrTrx, instanceId: string, id: number): Promise<boolean> {
  const r = await db
    .updateTable('scheduled_messages')
    .set({ status: 'cancelled' })
    .where('instance_id', '=', instanceId)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Pending messages of these instances whose time has come, oldest first. */
export function dueScheduled(db: DbOrTrx, instanceIds: string[], now: number, limit: number): Promise<ScheduledMessageRow[]> {
  if (instanceIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('scheduled_messages')
    .selectAll()
    .where('status', '=', 'pending')
    .where('scheduled_at', '<=', now)
    .where('instance_id', 'in', instanceIds)
    .orderBy('scheduled_at')
    .limit(limit)
    .execute();
}

/** Pending messages more than `overdueMs` late, of instances other than these (not open): failed. */
export async function giveUpOverdue(db: DbOrTrx, openInstanceIds: string[], before: number, reason: string): Promise<number> {
  let q = db.updateTable('scheduled_messages').set({ status: 'failed', error: reason }).where('status', '=', 'pending').where('scheduled_at', '<', before);
  if (openInstanceIds.length) q = q.where('instance_id', 'not in', openInstanceIds);
  return Number((await q.executeTakeFirst()).numUpdatedRows);
}

export async function setScheduled(
  db: DbOrTrx,
  id: number,
  fromStatus: ScheduledStatus | ScheduledStatus[],
  patch: { status: ScheduledStatus; message_id?: string | null; error?: string | null; sent_at?: number | null },
): Promise<boolean> {
  const r = await db
    .updateTable('scheduled_messages')
    .set(patch)
    .where('id', '=', id)
    .where('status', Array.isArray(fromStatus) ? 'in' : '=', fromStatus)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** After a crash: `sending` ends failed (outcome unknown); `queued` (never attempted) is pending again. */
export async function recoverScheduled(db: DbOrTrx, reason: string): Promise<number> {
  const r = await db.updateTable('scheduled_messages').set({ status: 'failed', error: reason }).where('status', '=', 'sending').executeTakeFirst();
  await db.updateTable('scheduled_messages').set({ status: 'pending' }).where('status', '=', 'queued').execute();
  return Number(r.numUpdatedRows);
}

/** Links a queued message to the history row stored for it (`pending`, not handed to WhatsApp yet). */
export async function linkScheduledMessage(db: DbOrTrx, id: number, messageId: string): Promise<void> {
  await db.updateTable('scheduled_messages').set({ message_id: messageId }).where('id', '=', id).where('status', '=', 'queued').execute();
}

/**
 * What a crash can leave between scheduled messages and the history: `queued` ones whose message
 * was stored but never handed to WhatsApp, and `sending` ones (the outcome unknown).
 */
export function scheduledToReconcile(db: DbOrTrx): Promise<{ id: number; status: ScheduledStatus; message_id: string; instance_id: string }[]> {
  return db
    .selectFrom('scheduled_messages')
    .select(['id', 'status', 'message_id', 'instance_id'])
    .where('status', 'in', ['queued', 'sending'])
    .where('message_id', 'is not', null)
    .execute() as Promise<{ id: number; status: ScheduledStatus; message_id: string; instance_id: string }[]>;
}
