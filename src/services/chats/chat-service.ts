import type { ChatPresence } from '../../engines/engine.js';
import { badRequest } from '../../errors.js';
import { jidToPhone } from '../../ids.js';
import * as chatsRepo from '../../storage/chats-repo.js';
import type { ListedChat } from '../../storage/chats-repo.js';
import { countContacts } from '../../storage/contacts-repo.js';
import type { Db } from '../../storage/db.js';
import * as messagesRepo from '../../storage/messages-repo.js';
import * as votesRepo from '../../storage/poll-votes-repo.js';
import { purgeMessages } from '../../storage/purge.js';
import * as reactionsRepo from '../../storage/reactions-repo.js';
import { transact } from '../../storage/transact.js';
import { capabilityOf, operationOf, requireOpen } from '../instances/capability.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import type { InboundMessages } from '../messages/inbound.js';
import { refOf } from '../messages/rows.js';

/** A chat as the API shows it (the seed's shape). */
export interface ChatView {
  id: string;
  name: string;
  unreadCount: number;
  /** Unix seconds of the newest message; null for a chat without any (a group just joined). */
  lastMessage: number | null;
  archived: boolean;
  pinned: boolean;
  /** Unix seconds the mute ends; null while not muted. */
  mutedUntil: number | null;
  /** Marked unread by hand (until the chat is read). */
  markedUnread: boolean;
  /** The newest stored message, in short, for a chat list; null when none is stored. */
  lastMessagePreview: ChatPreview | null;
}

/** A chat's newest message as a chat list shows it. */
export interface ChatPreview {
  id: string;
  fromMe: boolean;
  type: string;
  /** The text or caption (a document's file name when it has neither), cut to PREVIEW_LENGTH characters. */
  body: string;
  status: string;
  timestamp: number;
  senderName?: string;
}

export const PREVIEW_LENGTH = 120;

function previewOf(r: ListedChat): ChatPreview | null {
  if (r.m_id === null) return null;
  const text = r.m_type === 'revoked' ? '' : r.m_body || r.m_caption || r.m_media_filename || '';
  const preview: ChatPreview = {
    id: r.m_id,
    fromMe: r.m_from_me === 1,
    type: r.m_type ?? 'chat',
    body: [...text].length > PREVIEW_LENGTH ? `${[...text].slice(0, PREVIEW_LENGTH - 1).join('')}…` : text,
    status: r.m_status ?? 'sent',
    timestamp: r.m_timestamp ?? 0,
  };
  if (r.m_sender_name && r.m_from_me !== 1) preview.senderName = r.m_sender_name;
  return preview;
}

/** A mute this far ahead is a mute for good. */
export const MUTED_FOR_GOOD_AFTER_SECONDS = 10 * 365 * 24 * 60 * 60;

function toChatView(r: chatsRepo.ListedChat, now: number): ChatView {
  return {
    id: r.chat_id,
    name: r.name || r.group_name || r.contact_name || r.contact_notify || jidToPhone(r.chat_id) || r.chat_id,
    unreadCount: r.unread_count,
    lastMessage: r.last_message_at,
    archived: r.archived === 1,
    pinned: r.pinned === 1,
    mutedUntil: r.muted_until !== null && r.muted_until > now ? r.muted_until : null,
    markedUnread: r.marked_unread === 1,
    lastMessagePreview: previewOf(r),
  };
}

export interface ChatServiceOptions {
  db: Db;
  registry: InstanceRegistry;
  inbound: Pick<InboundMessages, 'settled'>;
  now: () => number;
}

/**
 * The chat list and what can be done to a chat. The list comes from the store (kept by message
 * writes and engine reports), so it costs O(chats); it answers 409 while the instance is not
 * connected, as the seed's chat routes talk to WhatsApp.
 */
export class ChatService {
  constructor(private readonly opts: ChatServiceOptions) {}

  /**
   * Newest first. A chat's name is WhatsApp's name for it, else its group's name, else the
   * contact's address-book or push name, else the phone number.
   */
  async list(instanceId: string): Promise<ChatView[]> {
    requireOpen(this.opts.registry, instanceId);
    await this.opts.inbound.settled(instanceId);
    const now = this.nowSeconds();
    return (await chatsRepo.listChats(this.opts.db, instanceId)).map((r) => toChatView(r, now));
  }

  /** A page of the list (in its order), and how many chats there are. */
  async page(instanceId: string, page: number, limit: number): Promise<{ items: ChatView[]; total: number }> {
    requireOpen(this.opts.registry, instanceId);
    await this.opts.inbound.settled(instanceId);
    const { rows, total } = await chatsRepo.pageChats(this.opts.db, instanceId, { limit, offset: (page - 1) * limit });
    const now = this.nowSeconds();
    return { items: rows.map((r) => toChatView(r, now)), total };
  }

  /** How many chats and contacts are stored (whatever the connection). */
  async counts(instanceId: string): Promise<{ chats: number; contacts: number }> {
    this.opts.registry.get(instanceId);
    return { chats: await chatsRepo.countChats(this.opts.db, instanceId), contacts: await countContacts(this.opts.db, instanceId) };
  }

  /** Marks the chat's incoming messages read, on WhatsApp and in the store; answers how many. */
  async markRead(instanceId: string, chatId: string): Promise<number> {
    const chats = capabilityOf(this.opts.registry, instanceId, 'chats');
    await this.opts.inbound.settled(instanceId);
    const unread = await messagesRepo.unreadIncoming(this.opts.db, instanceId, chatId);
    await chats.markRead(chatId, unread.map(refOf));
    await transact(this.opts.db, async (trx) => {
      await messagesRepo.markChatSeen(trx, instanceId, chatId);
      await chatsRepo.clearUnread(trx, instanceId, chatId);
    });
    return unread.length;
  }

  /** Archives or unarchives a chat on WhatsApp, and remembers it. */
  async setArchived(instanceId: string, chatId: string, archived: boolean): Promise<void> {
    await capabilityOf(this.opts.registry, instanceId, 'chats').setArchived(chatId, archived);
    await chatsRepo.setArchived(this.opts.db, instanceId, chatId, archived);
  }

  /**
   * Deletes a chat on WhatsApp and its messages from the store, as deleting a chat on the phone
   * does: it leaves the chats list and comes back with the next message. Media files stay in the
   * media library (they may be in use elsewhere; media/delete removes them).
   */
  async delete(instanceId: string, chatId: string): Promise<number> {
    await capabilityOf(this.opts.registry, instanceId, 'chats').deleteChat(chatId);
    await this.opts.inbound.settled(instanceId);
    const removed = await purgeMessages(this.opts.db, instanceId, chatId);
    await chatsRepo.deleteChatRow(this.opts.db, instanceId, chatId);
    await reactionsRepo.deleteReactionsIn(this.opts.db, instanceId, chatId);
    await votesRepo.deleteVotesIn(this.opts.db, instanceId, chatId);
    return removed;
  }

  /** Pins or unpins a chat (WhatsApp pins at most three: 409 beyond). */
  async setPinned(instanceId: string, chatId: string, pinned: boolean): Promise<void> {
    await operationOf(this.opts.registry, instanceId, 'chats', 'setPinned')(chatId, pinned);
    await chatsRepo.setChatFlags(this.opts.db, instanceId, chatId, { pinned });
  }

  /** Mutes until `until` (Unix seconds, in the future; null: for good), or unmutes (`mute` false). */
  async setMuted(instanceId: string, chatId: string, mute: boolean, until: number | null = null): Promise<number | null> {
    const setMuted = operationOf(this.opts.registry, instanceId, 'chats', 'setMuted');
    const now = this.nowSeconds();
    if (mute && until !== null && until <= now) throw badRequest(`until: ${until} is not in the future (now is ${now}, Unix seconds)`);
    const end = mute ? (until ?? now + MUTED_FOR_GOOD_AFTER_SECONDS + 1) : null;
    await setMuted(chatId, end);
    await chatsRepo.setChatFlags(this.opts.db, instanceId, chatId, { mutedUntil: end });
    return end;
  }

  /** Marks a chat unread, as the phone's "mark as unread" does (cleared when the chat is read). */
  async markUnread(instanceId: string, chatId: string): Promise<void> {
    await operationOf(this.opts.registry, instanceId, 'chats', 'markUnread')(chatId);
    await chatsRepo.setChatFlags(this.opts.db, instanceId, chatId, { markedUnread: true });
  }

  /** Shows typing (composing), recording a voice note, or stopped (paused) in a chat. */
  async sendPresence(instanceId: string, chatId: string, state: ChatPresence): Promise<void> {
    await operationOf(this.opts.registry, instanceId, 'chats', 'sendPresence')(chatId, state);
  }

  private nowSeconds(): number {
    return Math.floor(this.opts.now() / 1000);
  }
}

