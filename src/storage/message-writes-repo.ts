import { compiledOnce, type CompiledOnce } from './compiled-query.js';
import type { DbOrTrx } from './db.js';
import type { MessageStatus, NewMessageRow } from './schema.js';

// The send path's statements on messages: a message written, a send confirmed, statuses moved by
// acks and failures. Kept apart from the reads of messages-repo.ts, which re-exports them.

/**
 * An outgoing message is stored before WhatsApp names it, under a temporary id starting with
 * this; its confirmation replaces it with WhatsApp's id in the same transaction. A row still
 * under a temporary id was never confirmed handed to WhatsApp.
 */
export const TEMP_ID_PREFIX = 'HL';

/** The columns a new message is written with (the others are the database's: seq, seen, ...). */
const INSERTED = [
  'instance_id', 'id', 'chat_id', 'from_jid', 'to_jid', 'from_me', 'type', 'body', 'caption', 'media_file',
  'media_mimetype', 'media_filename', 'media_size', 'extra', 'status', 'error', 'sender_name', 'timestamp', 'native_key',
] as const;
/** A new message's row, as the send and receive paths write it. */
export type MessageInsert = Pick<NewMessageRow, (typeof INSERTED)[number]>;

const insertQuery = compiledOnce<MessageInsert, { seq: number }>((db, $) =>
  db.insertInto('messages').values(Object.fromEntries(INSERTED.map((c) => [c, $(c)])) as MessageInsert).returning('seq'),
);
const insertIfNewQuery = compiledOnce<MessageInsert, { seq: number }>((db, $) =>
  db
    .insertInto('messages')
    .values(Object.fromEntries(INSERTED.map((c) => [c, $(c)])) as MessageInsert)
    .onConflict((oc) => oc.columns(['instance_id', 'id']).doNothing())
    .returning('seq'),
);

/** Inserts the message; answers its seq. */
export async function insertMessage(db: DbOrTrx, row: MessageInsert): Promise<number> {
  const { rows } = await insertQuery.run(db, row);
  if (!rows[0]) throw new Error('insert into messages returned no row');
  return Number(rows[0].seq);
}

/** Inserts unless a message with that id is stored already; answers its seq when inserted, else null. */
export async function insertMessageIfNew(db: DbOrTrx, row: MessageInsert): Promise<number | null> {
  const { rows } = await insertIfNewQuery.run(db, row);
  return rows[0] ? Number(rows[0].seq) : null;
}

/** What a send's confirmation writes on its `pending` row (stored under its temporary id). */
export interface SendConfirmation {
  id: string;
  status: MessageStatus;
  timestamp: number;
  native_key: string | null;
}

/** A send's confirmation, compiled once per shape: whether it moves the time, and whether it sets the engine's key. */
const confirmQueries = new Map<string, CompiledOnce<SendConfirmation & { instanceId: string; tempId: string }>>();

function confirmQuery(setsTime: boolean, setsKey: boolean) {
  const key = `${setsTime}:${setsKey}`;
  let query = confirmQueries.get(key);
  if (!query) {
    query = compiledOnce<SendConfirmation & { instanceId: string; tempId: string }>((db, $) =>
      db
        .updateTable('messages')
        .set({ id: $('id'), status: $('status'), ...(setsTime ? { timestamp: $('timestamp') } : {}), ...(setsKey ? { native_key: $('native_key') } : {}) })
        .where('instance_id', '=', $('instanceId'))
        .where('id', '=', $('tempId')),
    );
    confirmQueries.set(key, query);
  }
  return query;
}

/**
 * A sent message's row under WhatsApp's id, with its status, and its time and the engine's key when
 * they differ from the `pending` row's (`storedTimestamp`; its key is null): a column left out of
 * the update leaves the indexes that hold it alone (the time is in two of them).
 */
export async function confirmSend(db: DbOrTrx, instanceId: string, tempId: string, confirmation: SendConfirmation, storedTimestamp: number): Promise<void> {
  await confirmQuery(confirmation.timestamp !== storedTimestamp, confirmation.native_key !== null).run(db, { ...confirmation, instanceId, tempId });
}

/**
 * Outgoing messages left `pending` under a temporary id by a stopped server: WhatsApp may or may
 * not have been asked, their outcome is unknown. One `pending` under WhatsApp's own id was handed
 * over and waits for the server's ack: the ack sweep (services/messages/ack-sweeper.ts) bounds it.
 */
export async function failInterruptedSends(db: DbOrTrx, reason: string): Promise<number> {
  const result = await db
    .updateTable('messages')
    .set({ status: 'failed', error: reason })
    .where('from_me', '=', 1)
    .where('status', '=', 'pending')
    .where('id', 'like', `${TEMP_ID_PREFIX}%`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Outgoing messages of an instance handed to WhatsApp (under its id) and still `pending` (no
 * server ack), sent at `notAfter` (unix seconds) or before; oldest first, at most `limit`. Served
 * by the index messages_by_status (instance_id, status, timestamp, seq).
 */
export function unconfirmedSends(db: DbOrTrx, instanceId: string, notAfter: number, limit: number): Promise<{ id: string; chat_id: string }[]> {
  return db
    .selectFrom('messages')
    .select(['id', 'chat_id'])
    .where('instance_id', '=', instanceId)
    .where('status', '=', 'pending')
    .where('timestamp', '<=', notAfter)
    .where('from_me', '=', 1)
    .where('id', 'not like', `${TEMP_ID_PREFIX}%`)
    .orderBy('timestamp')
    .orderBy('seq')
    .limit(limit)
    .execute();
}

/**
 * Moves an outgoing message that failed with an error starting with `errorPrefix` on to `to`
 * (the server's ack came after all), clearing the error; answers its chat, or undefined.
 */
export function reviveFailed(db: DbOrTrx, instanceId: string, id: string, errorPrefix: string, to: MessageStatus): Promise<{ chat_id: string } | undefined> {
  return db
    .updateTable('messages')
    .set({ status: to, error: null })
    .where('instance_id', '=', instanceId)
    .where('id', '=', id)
    .where('from_me', '=', 1)
    .where('status', '=', 'failed')
    .where('error', 'like', `${errorPrefix}%`)
    .returning('chat_id')
    .executeTakeFirst();
}

/** Deletes an outgoing message still `pending` (never handed to WhatsApp); false when there is none. */
export async function deletePendingOutgoing(db: DbOrTrx, instanceId: string, id: string): Promise<boolean> {
  const r = await db
    .deleteFrom('messages')
    .where('instance_id', '=', instanceId)
    .where('id', '=', id)
    .where('from_me', '=', 1)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Fails an outgoing message still `pending` with `reason`. */
export async function failPendingOutgoing(db: DbOrTrx, instanceId: string, id: string, reason: string): Promise<void> {
  await db
    .updateTable('messages')
    .set({ status: 'failed', error: reason })
    .where('instance_id', '=', instanceId)
    .where('id', '=', id)
    .where('from_me', '=', 1)
    .where('status', '=', 'pending')
    .execute();
}

/** One compiled query per shape of advanceStatus: how many statuses it moves from, and whether to `failed`. */
const advanceQueries = new Map<string, CompiledOnce<Record<string, unknown>, { chat_id: string }>>();

function advanceQuery(from: number, failed: boolean) {
  const key = `${from}:${failed}`;
  let query = advanceQueries.get(key);
  if (!query) {
    query = compiledOnce<Record<string, unknown>, { chat_id: string }>((db, $) =>
      db
        .updateTable('messages')
        .set({ status: $('to') as MessageStatus, ...(failed ? { error: $('error') as string } : {}) })
        .where('instance_id', '=', $('instanceId') as string)
        .where('id', '=', $('id') as string)
        .where('from_me', '=', 1)
        .where('status', 'in', Array.from({ length: from }, (_, i) => $(`from${i}`) as MessageStatus))
        .returning('chat_id'),
    );
    advanceQueries.set(key, query);
  }
  return query;
}

/** Moves an outgoing message to `to` if its status is one of `from`; answers its chat, or undefined. */
export async function advanceStatus(
  db: DbOrTrx,
  instanceId: string,
  id: string,
  from: MessageStatus[],
  to: MessageStatus,
  error?: string,
): Promise<{ chat_id: string } | undefined> {
  if (from.length === 0) return undefined;
  const params: Record<string, unknown> = { instanceId, id, to, error: error ?? 'WhatsApp refused the message' };
  from.forEach((status, i) => (params[`from${i}`] = status));
  const { rows } = await advanceQuery(from.length, to === 'failed').run(db, params);
  return rows[0];
}
