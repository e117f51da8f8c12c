import { sql } from 'kysely';
import type { DbOrTrx } from './db.js';
import type { MessageRow, NewMessageRow } from './schema.js';

/** Deletes an instance's whole message history; returns how many rows went. */
export async function clearMessages(db: DbOrTrx, instanceId: string): Promise<number> {
  const result = await db.deleteFrom('messages').where('instance_id', '=', instanceId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export function findMessage(db: DbOrTrx, instanceId: string, id: string): Promise<MessageRow | undefined> {
  return db.selectFrom('messages').selectAll().where('instance_id', '=', instanceId).where('id', '=', id).executeTakeFirst();
}

/** Inserts unless a message with that id is stored already; true when inserted. */
export async function insertMessageIfNew(db: DbOrTrx, row: NewMessageRow): Promise<boolean> {
  const result = await db
    .insertInto('messages')
    .values(row)
    .onConflict((oc) => oc.columns(['instance_id', 'id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

export async function insertMessage(db: DbOrTrx, row: NewMessageRow): Promise<void> {
  await db.insertInto('messages').values(row).execute();
}

export async function updateMessage(
  db: DbOrTrx,
  instanceId: string,
  id: string,
  patch: Partial<Omit<MessageRow, 'instance_id'>>,
): Promise<void> {
  await db.updateTable('messages').set(patch).where('instance_id', '=', instanceId).where('id', '=', id).execute();
}

export async function deleteMessage(db: DbOrTrx, instanceId: string, id: string): Promise<void> {
  await db.deleteFrom('messages').where('instance_id', '=', instanceId).where('id', '=', id).execute();
}

export interface MessageFilter {
  status?: string;
  chatId?: string;
}

/**
 * A page of history, newest first, with the total that matches the filter. The page's rowids
 * are found in the index alone (skipping `offset` index entries, not `offset` table rows) and
 * only the page's rows are read; the total of an unfiltered or status-only filter comes from
 * the counts kept by triggers (message_counts) rather than from counting the history.
 */
export async function listMessages(
  db: DbOrTrx,
  instanceId: string,
  filter: MessageFilter,
  limit: number,
  offset: number,
): Promise<{ rows: MessageRow[]; total: number }> {
  let ids = db.selectFrom('messages').select(sql<number>`rowid`.as('rowid')).where('instance_id', '=', instanceId);
  if (filter.status) ids = ids.where('status', '=', filter.status);
  if (filter.chatId) ids = ids.where('chat_id', '=', filter.chatId);
  const page = ids.orderBy('timestamp', 'desc').orderBy(sql`rowid`, 'desc').limit(limit).offset(offset);
  const rows = await db
    .selectFrom('messages')
    .selectAll()
    .where(sql<boolean>`rowid in (${page})`)
    .orderBy('timestamp', 'desc')
    .orderBy(sql`rowid`, 'desc')
    .execute();
  return { rows, total: await countMessages(db, instanceId, filter) };
}

async function countMessages(db: DbOrTrx, instanceId: string, filter: MessageFilter): Promise<number> {
  if (!filter.chatId) {
    let q = db.selectFrom('message_counts').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('n'), sql<number>`0`).as('n')).where('instance_id', '=', instanceId);
    if (filter.status) q = q.where('status', '=', filter.status);
    return Number((await q.executeTakeFirstOrThrow()).n);
  }
  let q = db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).where('instance_id', '=', instanceId).where('chat_id', '=', filter.chatId);
  if (filter.status) q = q.where('status', '=', filter.status);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** Message counts by status (incoming messages have the status `received`), from the trigger-kept counts. */
export async function countByStatus(db: DbOrTrx, instanceId: string): Promise<Record<string, number>> {
  const rows = await db.selectFrom('message_counts').select(['status', 'n']).where('instance_id', '=', instanceId).where('n', '>', 0).execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** Incoming messages of a chat not yet marked read. */
export async function unreadIncomingIds(db: DbOrTrx, instanceId: string, chatId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('messages')
    .select('id')
    .where('instance_id', '=', instanceId)
    .where('chat_id', '=', chatId)
    .where('from_me', '=', 0)
    .where('seen', '=', 0)
    .execute();
  return rows.map((r) => r.id);
}

export async function markChatSeen(db: DbOrTrx, instanceId: string, chatId: string): Promise<void> {
  await db
    .updateTable('messages')
    .set({ seen: 1 })
    .where('instance_id', '=', instanceId)
    .where('chat_id', '=', chatId)
    .where('from_me', '=', 0)
    .where('seen', '=', 0)
    .execute();
}

/** Outgoing messages left `pending` by a stopped server: their outcome is unknown. */
export async function failInterruptedSends(db: DbOrTrx, reason: string): Promise<number> {
  const result = await db
    .updateTable('messages')
    .set({ status: 'failed', error: reason })
    .where('from_me', '=', 1)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Moves an outgoing message to `to` if its status is one of `from`; answers its chat, or undefined. */
export async function advanceStatus(db: DbOrTrx, instanceId: string, id: string, from: string[], to: string): Promise<{ chat_id: string } | undefined> {
  if (from.length === 0) return undefined;
  return db
    .updateTable('messages')
    .set({ status: to })
    .where('instance_id', '=', instanceId)
    .where('id', '=', id)
    .where('from_me', '=', 1)
    .where('status', 'in', from)
    .returning('chat_id')
    .executeTakeFirst();
}
