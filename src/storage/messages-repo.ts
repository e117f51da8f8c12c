import { sql, type SelectQueryBuilder } from 'kysely';
import type { DbOrTrx } from './db.js';
import type { Database, MessageRow, MessageStatus, MessageUpdate } from './schema.js';
import { readTogether } from './transact.js';

// The send path's writes (insert, confirm, statuses) live in message-writes-repo.ts.
export * from './message-writes-repo.js';

export function findMessage(db: DbOrTrx, instanceId: string, id: string): Promise<MessageRow | undefined> {
  return db.selectFrom('messages').selectAll().where('instance_id', '=', instanceId).where('id', '=', id).executeTakeFirst();
}

export async function updateMessage(db: DbOrTrx, instanceId: string, id: string, patch: MessageUpdate): Promise<void> {
  await db.updateTable('messages').set(patch).where('instance_id', '=', instanceId).where('id', '=', id).execute();
}

export async function deleteMessage(db: DbOrTrx, instanceId: string, id: string): Promise<void> {
  await db.deleteFrom('messages').where('instance_id', '=', instanceId).where('id', '=', id).execute();
}

/**
 * Deletes at most `limit` messages of an instance (of one chat, when given); answers how many went.
 * Callers loop, yielding between batches, so that a history of millions never holds the event
 * loop (SQLite runs on the main thread) or one transaction for long.
 */
export async function deleteMessageBatch(db: DbOrTrx, instanceId: string, limit: number, chatId?: string): Promise<number> {
  let batch = db.selectFrom('messages').select('seq').where('instance_id', '=', instanceId);
  if (chatId !== undefined) batch = batch.where('chat_id', '=', chatId);
  const result = await db.deleteFrom('messages').where('seq', 'in', batch.limit(limit)).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface MessageFilter {
  status?: MessageStatus;
  chatId?: string;
  /** Only messages sent by the account (true) or by others (false). */
  fromMe?: boolean;
  /** Only messages of these kinds (`chat`, `image`, ...). */
  types?: string[];
  /** Unix seconds, both ends included. */
  since?: number;
  until?: number;
}

/** The conditions of a filter beyond status and chat (they are served by scanning within those). */
function narrowed<O>(q: SelectQueryBuilder<Database, 'messages', O>, filter: MessageFilter): SelectQueryBuilder<Database, 'messages', O> {
  let out = q;
  if (filter.fromMe !== undefined) out = out.where('from_me', '=', filter.fromMe ? 1 : 0);
  if (filter.types?.length) out = out.where('type', 'in', filter.types);
  if (filter.since !== undefined) out = out.where('timestamp', '>=', filter.since);
  if (filter.until !== undefined) out = out.where('timestamp', '<=', filter.until);
  return out;
}

const isNarrowed = (f: MessageFilter) => f.fromMe !== undefined || !!f.types?.length || f.since !== undefined || f.until !== undefined;

/**
 * A page of history, newest first, with the total that matches the filter. The page's seqs are
 * found in an index alone (skipping `offset` index entries, not `offset` table rows) and only the
 * page's rows are read; the total of an unfiltered or status-only filter comes from the counts
 * kept by triggers (message_counts) rather than from counting the history.
 */
export async function listMessages(
  db: DbOrTrx,
  instanceId: string,
  filter: MessageFilter,
  limit: number,
  offset: number,
): Promise<{ rows: MessageRow[]; total: number }> {
  return readTogether(db, async (trx) => {
    let seqs = trx.selectFrom('messages').select('seq').where('instance_id', '=', instanceId);
    if (filter.status) seqs = seqs.where('status', '=', filter.status);
    if (filter.chatId) seqs = seqs.where('chat_id', '=', filter.chatId);
    seqs = narrowed(seqs, filter);
    const page = seqs.orderBy('timestamp', 'desc').orderBy('seq', 'desc').limit(limit).offset(offset);
    const rows = await trx
      .selectFrom('messages')
      .selectAll()
      .where('seq', 'in', page)
      .orderBy('timestamp', 'desc')
      .orderBy('seq', 'desc')
      .execute();
    return { rows, total: await countMessages(trx, instanceId, filter) };
  });
}

/** A place in the history's order (newest first): the (timestamp, seq) of a message. */
export interface HistoryKey {
  timestamp: number;
  seq: number;
}

/**
 * The `limit` messages just older than `key` (from the newest when null), newest first: a keyset
 * page, which costs the same at any depth (the (instance_id, [chat_id|status,] timestamp, seq)
 * indexes are walked from the key, nothing is skipped).
 */
export function listMessagesBefore(db: DbOrTrx, instanceId: string, filter: MessageFilter, key: HistoryKey | null, limit: number): Promise<MessageRow[]> {
  let q = db.selectFrom('messages').selectAll().where('instance_id', '=', instanceId);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.chatId) q = q.where('chat_id', '=', filter.chatId);
  q = narrowed(q, filter);
  if (key) q = q.where((eb) => eb(eb.refTuple('timestamp', 'seq'), '<', eb.tuple(key.timestamp, key.seq)));
  return q.orderBy('timestamp', 'desc').orderBy('seq', 'desc').limit(limit).execute();
}

async function countMessages(db: DbOrTrx, instanceId: string, filter: MessageFilter): Promise<number> {
  if (!filter.chatId && !isNarrowed(filter)) {
    let q = db
      .selectFrom('message_counts')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('n'), sql<number>`0`).as('n'))
      .where('instance_id', '=', instanceId);
    if (filter.status) q = q.where('status', '=', filter.status);
    return Number((await q.executeTakeFirstOrThrow()).n);
  }
  let q = db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('instance_id', '=', instanceId);
  if (filter.chatId) q = q.where('chat_id', '=', filter.chatId);
  if (filter.status) q = q.where('status', '=', filter.status);
  q = narrowed(q, filter);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** Message counts by status (incoming messages have the status `received`), from the trigger-kept counts. */
export async function countByStatus(db: DbOrTrx, instanceId: string): Promise<Partial<Record<MessageStatus, number>>> {
  const rows = await db.selectFrom('message_counts').select(['status', 'n']).where('instance_id', '=', instanceId).where('n', '>', 0).execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** Incoming messages of a chat not yet marked read (what an engine needs to mark them read). */
export function unreadIncoming(db: DbOrTrx, instanceId: string, chatId: string): Promise<Pick<MessageRow, 'id' | 'chat_id' | 'from_me' | 'from_jid' | 'native_key'>[]> {
  return db
    .selectFrom('messages')
    .select(['id', 'chat_id', 'from_me', 'from_jid', 'native_key'])
    .where('instance_id', '=', instanceId)
    .where('chat_id', '=', chatId)
    .where('from_me', '=', 0)
    .where('seen', '=', 0)
    .execute();
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

/**
 * A new text for a stored message: the text before its first edit is kept (`original_body`), a
 * caption changes with the body, and a revoked message stays revoked. Answers whether it changed.
 */
export async function applyEdit(db: DbOrTrx, instanceId: string, id: string, body: string, editedAt: number): Promise<boolean> {
  const result = await db
    .updateTable('messages')
    .set({
      original_body: sql`COALESCE(original_body, body)`,
      body,
      caption: sql`CASE WHEN caption IS NULL THEN NULL ELSE ${body} END`,
      edited_at: editedAt,
    })
    .where('instance_id', '=', instanceId)
    .where('id', '=', id)
    .where('type', '!=', 'revoked')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** A message deleted for everyone: type `revoked`, its text gone (as WhatsApp shows it). */
export async function applyRevoke(db: DbOrTrx, instanceId: string, id: string): Promise<boolean> {
  const result = await db
    .updateTable('messages')
    .set({ type: 'revoked', body: '', caption: null, original_body: null })
    .where('instance_id', '=', instanceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function setStarred(db: DbOrTrx, instanceId: string, id: string, starred: boolean): Promise<void> {
  await db.updateTable('messages').set({ starred: starred ? 1 : 0 }).where('instance_id', '=', instanceId).where('id', '=', id).execute();
}

/** Marks one incoming message read in the store; answers whether it was unread. */
export async function markMessageSeen(db: DbOrTrx, instanceId: string, id: string): Promise<boolean> {
  const result = await db
    .updateTable('messages')
    .set({ seen: 1 })
    .where('instance_id', '=', instanceId)
    .where('id', '=', id)
    .where('from_me', '=', 0)
    .where('seen', '=', 0)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * The time (unix seconds) of the newest stored message of an instance; with `incomingOnly`, of the
 * newest one received from someone else (what an engine told, never a send of Hatline's own).
 * Null when there is none. Both walk the `(instance_id, timestamp, seq)` index from its end.
 */
export async function newestMessageAt(db: DbOrTrx, instanceId: string, incomingOnly = false): Promise<number | null> {
  let q = db.selectFrom('messages').select('timestamp').where('instance_id', '=', instanceId);
  if (incomingOnly) q = q.where('from_me', '=', 0);
  const row = await q.orderBy('timestamp', 'desc').limit(1).executeTakeFirst();
  return row ? Number(row.timestamp) : null;
}
