import { sql } from 'kysely';
import type { DbOrTrx } from './db.js';

/** What the message store knows of one chat. */
export interface StoredChat {
  chatId: string;
  /** Unix seconds of the newest message. */
  lastMessage: number;
  /** Incoming messages not marked read. */
  unreadCount: number;
  /** Insertion order of the newest message: orders chats whose newest messages share a second. */
  seq: number;
}

/** Every chat with a stored message (other than failed sends), with its newest timestamp and unread count. */
export async function storedChats(db: DbOrTrx, instanceId: string): Promise<StoredChat[]> {
  const [latest, unread] = await Promise.all([
    db
      .selectFrom('messages')
      .select(['chat_id', (eb) => eb.fn.max('timestamp').as('last'), (eb) => eb.fn.max(sql<number>`rowid`).as('seq')])
      .where('instance_id', '=', instanceId)
      // A send WhatsApp refused never made a chat there.
      .where('status', '!=', 'failed')
      .groupBy('chat_id')
      .execute(),
    db
      .selectFrom('messages')
      .select(['chat_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('instance_id', '=', instanceId)
      .where('from_me', '=', 0)
      .where('seen', '=', 0)
      .groupBy('chat_id')
      .execute(),
  ]);
  const unreadByChat = new Map(unread.map((u) => [u.chat_id, Number(u.n)]));
  return latest.map((l) => ({
    chatId: l.chat_id,
    lastMessage: Number(l.last),
    unreadCount: unreadByChat.get(l.chat_id) ?? 0,
    seq: Number(l.seq),
  }));
}

/**
 * The newest push name each sender gave (`sender_name` of their incoming messages), by sender id.
 * Limited to `senders` when given.
 */
export async function pushNames(db: DbOrTrx, instanceId: string, senders?: string[]): Promise<Map<string, string>> {
  if (senders && senders.length === 0) return new Map();
  // SQLite takes the bare column (sender_name) from the row that holds MAX(timestamp).
  const rows = await sql<{ from_jid: string; sender_name: string }>`
    SELECT from_jid, sender_name, MAX(timestamp) AS ts FROM messages
    WHERE instance_id = ${instanceId} AND from_me = 0 AND sender_name IS NOT NULL AND sender_name != ''
    ${senders ? sql`AND from_jid IN (${sql.join(senders)})` : sql``}
    GROUP BY from_jid`.execute(db);
  return new Map(rows.rows.map((r) => [r.from_jid, r.sender_name]));
}

/** Everyone the store has a message from (any chat) or to (a one-to-one chat). */
export async function storedPeople(db: DbOrTrx, instanceId: string): Promise<string[]> {
  const [senders, chats] = await Promise.all([
    db.selectFrom('messages').select('from_jid').distinct().where('instance_id', '=', instanceId).where('from_me', '=', 0).execute(),
    db.selectFrom('messages').select('chat_id').distinct().where('instance_id', '=', instanceId).execute(),
  ]);
  return [...new Set([...senders.map((s) => s.from_jid), ...chats.map((c) => c.chat_id)])];
}

/** Stored archive flags by chat id. */
export async function archiveStates(db: DbOrTrx, instanceId: string): Promise<Map<string, boolean>> {
  const rows = await db.selectFrom('chat_states').select(['chat_id', 'archived']).where('instance_id', '=', instanceId).execute();
  return new Map(rows.map((r) => [r.chat_id, r.archived === 1]));
}

export async function setArchiveState(db: DbOrTrx, instanceId: string, chatId: string, archived: boolean): Promise<void> {
  const row = { instance_id: instanceId, chat_id: chatId, archived: archived ? 1 : 0, updated_at: Date.now() };
  await db
    .insertInto('chat_states')
    .values(row)
    .onConflict((oc) => oc.columns(['instance_id', 'chat_id']).doUpdateSet({ archived: row.archived, updated_at: row.updated_at }))
    .execute();
}

/** Forgets a chat: its stored messages and its archive flag. Returns how many messages went. */
export async function deleteChat(db: DbOrTrx, instanceId: string, chatId: string): Promise<number> {
  await db.deleteFrom('chat_states').where('instance_id', '=', instanceId).where('chat_id', '=', chatId).execute();
  const result = await db.deleteFrom('messages').where('instance_id', '=', instanceId).where('chat_id', '=', chatId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
