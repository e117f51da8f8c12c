/**
 * Chat settings Hatline changes in WhatsApp Web's page (page-run.ts): pin, mute, mark unread, and
 * what the chat shows of us (typing, recording). The library's pinChat/muteChat/markChatUnread find
 * the chat with getChat/Chat.find, which create an empty chat for an id WhatsApp Web does not hold
 * (review D11); these look it up with `Chat.get` and answer false when there is none, then call the
 * same WhatsApp Web commands the library does.
 */
import type { ChatPresence } from '../engine.js';
import type { WwebjsClient } from './library-types.js';
import { runInPage as run } from './page-run.js';

interface PageChat {
  pin?: number;
  mute: { expiration: number; mute(options: { expiration: number; sendDevice: boolean }): Promise<unknown>; unmute(options: { sendDevice: boolean }): Promise<unknown> };
}
interface PageModules {
  WAWebCollections: { Chat: { get(id: string): PageChat | undefined; getModelsArray(): PageChat[] } };
  WAWebCmd: { Cmd: { pinChat(chat: PageChat, pin: boolean): Promise<unknown>; markChatUnread(chat: PageChat, unread: boolean): Promise<unknown> } };
}
interface PageWindow {
  require<K extends keyof PageModules>(name: K): PageModules[K];
  WWebJS: { sendChatstate(state: 'typing' | 'recording' | 'stop', chatId: string): Promise<boolean> };
}
declare const window: PageWindow;

/** WhatsApp pins at most this many chats (the library's pinChat assumes the same). */
export const MAX_PINNED = 3;

/** Marks a chat unread; false when WhatsApp Web holds no such chat. */
export function markChatUnread(client: WwebjsClient, chatId: string): Promise<boolean> {
  return run(
    client,
    async (id: string) => {
      const chat = window.require('WAWebCollections').Chat.get(id);
      if (!chat) return false;
      await window.require('WAWebCmd').Cmd.markChatUnread(chat, true);
      return true;
    },
    chatId,
  );
}

/** Pins or unpins a chat: `limit` when pinning one more would pass WhatsApp's limit. */
export function setChatPinned(client: WwebjsClient, chatId: string, pinned: boolean, max = MAX_PINNED): Promise<'done' | 'no_chat' | 'limit'> {
  return run(
    client,
    async (id: string, pin: boolean, limit: number) => {
      const { Chat } = window.require('WAWebCollections');
      const chat = Chat.get(id);
      if (!chat) return 'no_chat' as const;
      if (Boolean(chat.pin) === pin) return 'done' as const;
      if (pin && Chat.getModelsArray().filter((c) => c.pin).length >= limit) return 'limit' as const;
      await window.require('WAWebCmd').Cmd.pinChat(chat, pin);
      return 'done' as const;
    },
    chatId,
    pinned,
    max,
  );
}

/**
 * Mutes a chat until `until` (Unix seconds; -1 for good) or unmutes it (null), as the library's
 * _muteUnmuteChat does; answers the expiration WhatsApp Web holds afterwards, or null without the chat.
 */
export function setChatMuted(client: WwebjsClient, chatId: string, until: number | null): Promise<number | null> {
  return run(
    client,
    async (id: string, expiration: number | null) => {
      const chat = window.require('WAWebCollections').Chat.get(id);
      if (!chat) return null;
      if (expiration === null) await chat.mute.unmute({ sendDevice: true });
      else await chat.mute.mute({ expiration, sendDevice: true });
      return chat.mute.expiration;
    },
    chatId,
    until,
  );
}

const CHAT_STATES: Record<ChatPresence, 'typing' | 'recording' | 'stop'> = { composing: 'typing', recording: 'recording', paused: 'stop' };

/**
 * Shows typing or recording in a chat, or stops it: the library's own helper (what Chat.sendStateTyping
 * runs), without building the Chat first (getChatById would create a chat WhatsApp Web lacks).
 */
export function sendChatState(client: WwebjsClient, chatId: string, state: ChatPresence): Promise<boolean> {
  return run(client, (id: string, s: 'typing' | 'recording' | 'stop') => window.WWebJS.sendChatstate(s, id), chatId, CHAT_STATES[state]);
}
