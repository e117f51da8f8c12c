/**
 * Operations Hatline runs in WhatsApp Web's page itself (client.pupPage.evaluate), where the
 * library's own route is broken or has a side effect:
 * - chat operations look the chat up with `Chat.get`, never `getChatById`/`findOrCreateLatestChat`:
 *   those create an empty chat for an id WhatsApp Web does not hold (review D11), and getChatById
 *   builds a chat model that throws `r: r` on WhatsApp Web since July 2026 unpatched (#201833);
 * - a revoke asks WhatsApp Web's own capability check first: Message.delete(true) outside the
 *   revoke window silently deletes for me only (review D6), and unpatched it finds no message on
 *   WhatsApp Web since July 2026 (#201833).
 * - an edit goes in the page too: the library's Message.edit sends the edit, then looks the message
 *   up by `id._serialized`, undefined on WhatsApp Web since July 2026, and throws (#201830).
 * Each function is serialised into the page (page-run.ts): it may use only its arguments and the
 * page's globals.
 */
import type { WwebjsClient } from './library-types.js';
import { runInPage as run } from './page-run.js';

/** The part of WhatsApp Web's modules (and of the library's injected WWebJS) these use. */
interface PageMsg {
  type?: string;
  id: { remote: unknown; fromMe: boolean };
}
/** A group as read in the page: ids as strings. */
export interface GroupRecord {
  id: string;
  subject: string;
  desc: string | null;
  /** Unix seconds. */
  creation: number | null;
  owner: string | null;
  participants: { id: string; isAdmin: boolean; isSuperAdmin: boolean }[];
  /** Only admins send messages. */
  announce?: boolean;
  /** Only admins edit the group's info. */
  locked?: boolean;
}
interface PageWid {
  _serialized?: string;
  toString(): string;
}
interface PageParticipant {
  id: PageWid;
  isAdmin?: boolean;
  isSuperAdmin?: boolean;
}
interface PageGroupMetadata {
  id: PageWid;
  subject?: string;
  desc?: string;
  creation?: number;
  owner?: PageWid;
  announce?: boolean;
  restrict?: boolean;
  participants: { getModelsArray(): PageParticipant[] };
}
interface PageModules {
  WAWebCollections: {
    GroupMetadata: { get(id: string): PageGroupMetadata | undefined; find(id: string): Promise<PageGroupMetadata | undefined> };
    Chat: { get(id: unknown): object | undefined };
    Msg: { get(key: string): PageMsg | undefined; getMessagesById(keys: string[]): Promise<{ messages?: PageMsg[] } | undefined> };
  };
  WAWebCmd: {
    Cmd: {
      archiveChat(chat: object, archive: boolean): Promise<unknown>;
      sendRevokeMsgs(chat: object, msgs: { list: PageMsg[]; type: 'message' }, options: { clearMedia: boolean }): Promise<unknown>;
    };
  };
  WAWebMsgActionCapability: {
    canSenderRevokeMsg(msg: PageMsg): boolean;
    canAdminRevokeMsg(msg: PageMsg): boolean;
    canEditText(msg: PageMsg): boolean;
    canEditCaption(msg: PageMsg): boolean;
  };
  WAWebSendMessageEditAction: { sendMessageEdit(msg: PageMsg, text: string, options: object): Promise<unknown> };
}
interface PageWindow {
  require<K extends keyof PageModules>(name: K): PageModules[K];
  WWebJS: { sendSeen(id: string): Promise<boolean>; sendDeleteChat(id: string): Promise<boolean> };
}
declare const window: PageWindow;

/** Marks a chat read; false when WhatsApp Web holds no such chat. */
export function markChatSeen(client: WwebjsClient, chatId: string): Promise<boolean> {
  return run(
    client,
    async (id: string) => {
      if (!window.require('WAWebCollections').Chat.get(id)) return false;
      return Boolean(await window.WWebJS.sendSeen(id));
    },
    chatId,
  );
}

/** Whether WhatsApp Web holds this chat (asked without creating it, as getChatById would). */
export function hasChat(client: WwebjsClient, chatId: string): Promise<boolean> {
  return run(client, (id: string) => Boolean(window.require('WAWebCollections').Chat.get(id)), chatId);
}

/** Archives or unarchives a chat; false when WhatsApp Web holds no such chat. */
export function setChatArchived(client: WwebjsClient, chatId: string, archived: boolean): Promise<boolean> {
  return run(
    client,
    async (id: string, archive: boolean) => {
      const chat = window.require('WAWebCollections').Chat.get(id);
      if (!chat) return false;
      await window.require('WAWebCmd').Cmd.archiveChat(chat, archive);
      return true;
    },
    chatId,
    archived,
  );
}

/** Deletes a chat; false when WhatsApp Web holds no such chat. */
export function deleteChat(client: WwebjsClient, chatId: string): Promise<boolean> {
  return run(
    client,
    async (id: string) => {
      if (!window.require('WAWebCollections').Chat.get(id)) return false;
      return Boolean(await window.WWebJS.sendDeleteChat(id));
    },
    chatId,
  );
}

/**
 * Deletes a message for everyone, as Message.delete(true) does but without its fallback: outside
 * the revoke window (or for someone else's message, unless a group admin) that silently deletes
 * for me only (review D6); here it answers false and deletes nothing. null: no such message.
 */
export function revokeMessage(client: WwebjsClient, key: string): Promise<boolean | null> {
  return run(
    client,
    async (k: string) => {
      const collections = window.require('WAWebCollections');
      const msg = collections.Msg.get(k) || (await collections.Msg.getMessagesById([k]))?.messages?.[0];
      if (!msg) return null;
      const capability = window.require('WAWebMsgActionCapability');
      if (!capability.canSenderRevokeMsg(msg) && !capability.canAdminRevokeMsg(msg)) return false;
      const chat = collections.Chat.get(msg.id.remote);
      if (!chat) return null;
      await window.require('WAWebCmd').Cmd.sendRevokeMsgs(chat, { list: [msg], type: 'message' }, { clearMedia: true });
      return true;
    },
    key,
  );
}

/** How an edit went: `too_late` is outside WhatsApp's edit window (or a message that cannot be edited). */
export type EditOutcome = 'edited' | 'not_found' | 'not_mine' | 'too_late';

/**
 * Changes the text (or caption) of a message this account sent, as Message.edit does (WhatsApp Web's
 * own capability check, then WAWebSendMessageEditAction) without the look-up by `_serialized` after
 * it that throws on WhatsApp Web since July 2026 once the edit has gone (#201830).
 */
export function editMessage(client: WwebjsClient, key: string, body: string): Promise<EditOutcome> {
  return run(
    client,
    async (k: string, text: string) => {
      const collections = window.require('WAWebCollections');
      const msg = collections.Msg.get(k) || (await collections.Msg.getMessagesById([k]))?.messages?.[0];
      if (!msg) return 'not_found' as const;
      if (!msg.id.fromMe) return 'not_mine' as const;
      const capability = window.require('WAWebMsgActionCapability');
      if (!capability.canEditText(msg) && !capability.canEditCaption(msg)) return 'too_late' as const;
      await window.require('WAWebSendMessageEditAction').sendMessageEdit(msg, text, {});
      return 'edited' as const;
    },
    key,
    body,
  );
}

/**
 * A group's metadata as WhatsApp Web holds it (null: not a group it knows), read without building
 * the library's Chat model, which getChatById would create and which unpatched throws `r: r` on
 * WhatsApp Web since July 2026 (#201833).
 */
export function readGroup(client: WwebjsClient, groupId: string): Promise<GroupRecord | null> {
  return run(
    client,
    async (id: string) => {
      const metadata = window.require('WAWebCollections').GroupMetadata;
      const meta = metadata.get(id) || (await metadata.find(id));
      if (!meta) return null;
      const idOf = (wid: PageWid | string | undefined) => (typeof wid === 'string' ? wid : wid ? (wid._serialized ?? wid.toString()) : null);
      return {
        id: idOf(meta.id) ?? id,
        subject: meta.subject ?? '',
        desc: meta.desc || null,
        creation: typeof meta.creation === 'number' && meta.creation > 0 ? meta.creation : null,
        owner: idOf(meta.owner),
        participants: meta.participants.getModelsArray().map((p) => ({
          id: idOf(p.id) ?? '',
          isAdmin: Boolean(p.isAdmin),
          isSuperAdmin: Boolean(p.isSuperAdmin),
        })),
        announce: Boolean(meta.announce),
        locked: Boolean(meta.restrict),
      };
    },
    groupId,
  );
}

/** Whether the library's helpers are loaded in the page (they are, once it was ready). */
export function isInjected(client: WwebjsClient): Promise<boolean> {
  return run(client, () => typeof (window as unknown as { WWebJS?: unknown }).WWebJS !== 'undefined');
}
