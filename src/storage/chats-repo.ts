import { sql } from 'kysely';
import { compiledOnce } from './compiled-query.js';
import type { DbOrTrx } from './db.js';
import type { ChatRow } from './schema.js';
import { readTogether } from './transact.js';

/** What a stored message tells about its chat. */
export interface ChatTouch {
  instanceId: string;
  chatId: string;
  isGroup: boolean;
  /** Unix seconds of the message. */
  timestamp: number;
  seq: number;
  /** An incoming message: one more unread, and the chat leaves the archive (as on WhatsApp). */
  incoming: boolean;
}

/**
 * Records a stored message on its chat, in the same transaction as the message: the chat exists,
 * its newest message time and seq move forward, and an incoming message counts as unread and
 * brings the chat out of the archive. Portable SQL (no max()/greatest() of two values).
 */
export async function touchChat(db: DbOrTrx, t: ChatTouch): Promise<void> {
  const unread = t.incoming ? 1 : 0;
  const now = Date.now();
  const params: TouchParams = { instanceId: t.instanceId, chatId: t.chatId, isGroup: t.isGroup ? 1 : 0, unread, timestamp: t.timestamp, seq: t.seq, now };
  await (t.incoming ? touchIncoming : touchOutgoing).run(db, params);
}

interface TouchParams {
  instanceId: string;
  chatId: string;
  isGroup: number;
  unread: number;
  timestamp: number;
  seq: number;
  now: number;
}

/** touchChat's upsert, compiled once for incoming messages (which unarchive the chat) and once for the others. */
function touchQuery(incoming: boolean) {
  return compiledOnce<TouchParams>((db, $) =>
    db
      .insertInto('chats')
      .values({
        instance_id: $('instanceId'),
        chat_id: $('chatId'),
        is_group: $('isGroup'),
        name: null,
        archived: 0,
        unread_count: $('unread'),
        last_message_at: $('timestamp'),
        last_seq: $('seq'),
        updated_at: $('now'),
      })
      .onConflict((oc) =>
        oc.columns(['instance_id', 'chat_id']).doUpdateSet({
          last_message_at: sql`CASE WHEN chats.last_message_at IS NULL OR chats.last_message_at < ${$('timestamp')} THEN ${$('timestamp')} ELSE chats.last_message_at END`,
          last_seq: sql`CASE WHEN chats.last_seq IS NULL OR chats.last_seq < ${$('seq')} THEN ${$('seq')} ELSE chats.last_seq END`,
          unread_count: sql`chats.unread_count + ${$('unread')}`,
          archived: incoming ? 0 : sql`chats.archived`,
          updated_at: $('now'),
        }),
      ),
  );
}
const touchIncoming = touchQuery(true);
const touchOutgoing = touchQuery(false);

/** What an engine reports of a chat; fields it leaves out stay as they are. */
export interface ChatReport {
  id: string;
  isGroup: boolean;
  name?: string | null;
  archived?: boolean;
  /** Used only while no message of the chat is stored (the store's count is exact). */
  unreadCount?: number;
  /** Unix seconds of the newest message WhatsApp knows of. */
  lastMessage?: number | null;
}

export async function upsertChats(db: DbOrTrx, instanceId: string, chats: ChatReport[]): Promise<void> {
  const now = Date.now();
  for (const c of chats) {
    const last = c.lastMessage ?? null;
    await db
      .insertInto('chats')
      .values({
        instance_id: instanceId,
        chat_id: c.id,
        is_group: c.isGroup ? 1 : 0,
        name: c.name ?? null,
        archived: c.archived ? 1 : 0,
        unread_count: c.unreadCount ?? 0,
        last_message_at: last,
        last_seq: null,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['instance_id', 'chat_id']).doUpdateSet({
          ...(c.name !== undefined ? { name: c.name } : {}),
          ...(c.archived !== undefined ? { archived: c.archived ? 1 : 0 } : {}),
          ...(c.unreadCount !== undefined ? { unread_count: sql`CASE WHEN chats.last_seq IS NULL THEN ${c.unreadCount} ELSE chats.unread_count END` } : {}),
          ...(last !== null
            ? { last_message_at: sql`CASE WHEN chats.last_message_at IS NULL OR chats.last_message_at < ${last} THEN ${last} ELSE chats.last_message_at END` }
            : {}),
          updated_at: now,
        }),
      )
      .execute();
  }
}

/** A chat as listed: what the list shows, with the names it may be known by. */
export type ListedChat = Pick<ChatRow, 'chat_id' | 'name' | 'archived' | 'unread_count' | 'last_message_at' | 'pinned' | 'muted_until' | 'marked_unread'> & {
  group_name: string | null;
  contact_name: string | null;
  contact_notify: string | null;
  /** The newest stored message of the chat (null columns when none is stored). */
  m_id: string | null;
  m_from_me: number | null;
  m_type: string | null;
  m_body: string | null;
  m_caption: string | null;
  m_status: string | null;
  m_timestamp: number | null;
  m_sender_name: string | null;
  m_media_filename: string | null;
};

/**
 * Every chat of an instance, newest message first (chats without messages last), with the names to
 * show and its newest stored message (one index seek per chat, messages_by_chat, so the list
 * still costs O(chats) whatever the history holds); only those of `window` when given (a page).
 */
export function listChats(db: DbOrTrx, instanceId: string, window?: { limit: number; offset: number }): Promise<ListedChat[]> {
  let q = db
    .selectFrom('chats as c')
    .leftJoin('chat_groups as g', (j) => j.onRef('g.instance_id', '=', 'c.instance_id').onRef('g.group_id', '=', 'c.chat_id'))
    .leftJoin('contacts as k', (j) => j.onRef('k.instance_id', '=', 'c.instance_id').onRef('k.contact_id', '=', 'c.chat_id'))
    .leftJoin('messages as m', (j) =>
      j.on((eb) =>
        eb(
          'm.seq',
          '=',
          eb
            .selectFrom('messages as n')
            .select('n.seq')
            .whereRef('n.instance_id', '=', 'c.instance_id')
            .whereRef('n.chat_id', '=', 'c.chat_id')
            .orderBy('n.timestamp', 'desc')
            .orderBy('n.seq', 'desc')
            .limit(1),
        ),
      ),
    )
    .select([
      'm.id as m_id',
      'm.from_me as m_from_me',
      'm.type as m_type',
      'm.body as m_body',
      'm.caption as m_caption',
      'm.status as m_status',
      'm.timestamp as m_timestamp',
      'm.sender_name as m_sender_name',
      'm.media_filename as m_media_filename',
      'c.chat_id',
      'c.name',
      'c.archived',
      'c.unread_count',
      'c.last_message_at',
      'c.pinned',
      'c.muted_until',
      'c.marked_unread',
      'g.name as group_name',
      'k.name as contact_name',
      'k.notify as contact_notify',
    ])
    .where('c.instance_id', '=', instanceId)
    .orderBy('c.last_message_at', (ob) => ob.desc().nullsLast())
    .orderBy('c.last_seq', (ob) => ob.desc().nullsLast())
    .orderBy('c.chat_id');
  if (window) q = q.limit(window.limit).offset(window.offset);
  return q.execute();
}

/** A page of the list and how many chats there are, read in one snapshot (see readTogether). */
export function pageChats(db: DbOrTrx, instanceId: string, window: { limit: number; offset: number }): Promise<{ rows: ListedChat[]; total: number }> {
  return readTogether(db, async (trx) => {
    const [rows, total] = await Promise.all([listChats(trx, instanceId, window), countChats(trx, instanceId)]);
    return { rows, total };
  });
}

export async function countChats(db: DbOrTrx, instanceId: string): Promise<number> {
  const r = await db.selectFrom('chats').select((eb) => eb.fn.countAll<number>().as('n')).where('instance_id', '=', instanceId).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** What an account sets on a chat by hand. */
export interface ChatFlags {
  archived?: boolean;
  pinned?: boolean;
  /** Unix seconds; null: not muted. */
  mutedUntil?: number | null;
  markedUnread?: boolean;
}

/** Sets flags of a chat, which exists from now on (a chat can be archived or pinned before any message is stored). */
export async function setChatFlags(db: DbOrTrx, instanceId: string, chatId: string, flags: ChatFlags): Promise<void> {
  const set = {
    ...(flags.archived !== undefined ? { archived: flags.archived ? 1 : 0 } : {}),
    ...(flags.pinned !== undefined ? { pinned: flags.pinned ? 1 : 0 } : {}),
    ...(flags.mutedUntil !== undefined ? { muted_until: flags.mutedUntil } : {}),
    ...(flags.markedUnread !== undefined ? { marked_unread: flags.markedUnread ? 1 : 0 } : {}),
  };
  await db
    .insertInto('chats')
    .values({
      instance_id: instanceId,
      chat_id: chatId,
      is_group: chatId.endsWith('@g.us') ? 1 : 0,
      name: null,
      archived: 0,
      unread_count: 0,
      last_message_at: null,
      last_seq: null,
      updated_at: Date.now(),
      ...set,
    })
    .onConflict((oc) => oc.columns(['instance_id', 'chat_id']).doUpdateSet({ ...set, updated_at: Date.now() }))
    .execute();
}

export function setArchived(db: DbOrTrx, instanceId: string, chatId: string, archived: boolean): Promise<void> {
  return setChatFlags(db, instanceId, chatId, { archived });
}

/** One message of the chat was read: one fewer unread (never below 0), and no longer marked unread. */
export async function readOne(db: DbOrTrx, instanceId: string, chatId: string, wasUnread: boolean): Promise<void> {
  await db
    .updateTable('chats')
    .set({ marked_unread: 0, ...(wasUnread ? { unread_count: sql`CASE WHEN unread_count > 0 THEN unread_count - 1 ELSE 0 END` } : {}) })
    .where('instance_id', '=', instanceId)
    .where('chat_id', '=', chatId)
    .execute();
}

export async function clearUnread(db: DbOrTrx, instanceId: string, chatId?: string): Promise<void> {
  let q = db.updateTable('chats').set({ unread_count: 0, marked_unread: 0 }).where('instance_id', '=', instanceId);
  if (chatId !== undefined) q = q.where('chat_id', '=', chatId);
  await q.execute();
}

/** After the whole history was cleared: chats stay known, but none has unread or stored messages. */
export async function forgetStoredMessages(db: DbOrTrx, instanceId: string): Promise<void> {
  await db.updateTable('chats').set({ unread_count: 0, last_seq: null }).where('instance_id', '=', instanceId).execute();
}

export async function deleteChatRow(db: DbOrTrx, instanceId: string, chatId: string): Promise<void> {
  await db.deleteFrom('chats').where('instance_id', '=', instanceId).where('chat_id', '=', chatId).execute();
}
