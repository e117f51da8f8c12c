/**
 * What WhatsApp Web's page holds, read for the history capability (liveness and backfill, issue
 * 19): whether whatsapp-web.js's event path is still wired into the page, the newest message the
 * page holds, the chats active since a time, and the keys of a chat's messages since a time. Each
 * is one evaluate with bounded work; the messages themselves are then read through the library's
 * own getMessageById, so they are the same Message objects its live events hand out.
 *
 * The event path of whatsapp-web.js 1.34.7 (Client.attachEventListeners): functions exposed to the
 * page (`window.onAddMessageEvent` and its siblings, puppeteer bindings that call back into Node)
 * and listeners on WhatsApp Web's collections that call them (`Msg.on('add', ...)` calls
 * `window.onAddMessageEvent`), both set up again by the library after each page load. When the
 * page holds messages the library was never told about, one of those is missing.
 */
import type { WwebjsClient } from './library-types.js';
import { runInPage as run } from './page-run.js';

/** The part of WhatsApp Web's models these reads use. */
interface PageMsgKey {
  fromMe?: boolean;
  remote?: unknown;
  id?: string;
  participant?: unknown;
  _serialized?: string;
  $1?: string;
}
interface PageMsg {
  id?: PageMsgKey;
  type?: string;
  /** Unix seconds. */
  t?: number;
  isNotification?: boolean;
}
interface PageChat {
  id: unknown;
  /** Unix seconds of the last activity. */
  t?: number;
  msgs: { getModelsArray(): PageMsg[]; msgLoadState?: { noEarlierMsgs?: boolean } };
}
interface PageModules {
  WAWebCollections: {
    Chat: { get(id: string): PageChat | undefined; getModelsArray(): PageChat[] };
    /** Backbone-like: listeners by event name, in a Map or a plain object (WhatsApp Web's own internals). */
    Msg: { _events?: unknown };
  };
  WAWebChatLoadMessages: { loadEarlierMsgs(arg: { chat: PageChat }): Promise<PageMsg[] | undefined> };
}
interface PageWindow {
  require?: <K extends keyof PageModules>(name: K) => PageModules[K];
  WWebJS?: object;
  onAddMessageEvent?: unknown;
}
declare const window: PageWindow;

/** What the page tells about its event path and the newest message it holds. */
export interface PageHistoryProbe {
  /** The library's helpers are injected and its message hook is bound. */
  bridge: boolean;
  /** Unix seconds of the newest message (not a notice) of a person or group chat; null when none. */
  newestAt: number | null;
}

/** How many messages the newest-message search looks at, at most (it usually needs one chat). */
export const PROBE_MAX_MESSAGES = 5000;

/**
 * Whether the library's message event path is alive, and the newest message the page holds:
 * chats are taken newest activity first (`t`), and the search stops at the first chat whose
 * activity is older than the newest message found, so it reads about one chat's messages.
 * `notMessages` are the types that never become a message event (NOT_MESSAGE_TYPES): a newer
 * security notice must not look like a message Hatline missed.
 */
export function readHistoryProbe(client: WwebjsClient, notMessages: readonly string[], maxMessages = PROBE_MAX_MESSAGES): Promise<PageHistoryProbe> {
  return run(
    client,
    (skip: string[], max: number) => {
      // While WhatsApp Web boots (after a reload) its modules and the library's helpers are not there yet.
      if (typeof window.require !== 'function' || !window.WWebJS) return { bridge: false, newestAt: null };
      const { Chat, Msg } = window.require('WAWebCollections');
      const bound = typeof window.onAddMessageEvent === 'function';
      // Is one of Msg's `add` listeners the library's? Unknown when the listener store has a shape
      // not seen before: then the binding alone answers.
      const events = Msg._events;
      let listeners: unknown[] | null = null;
      if (events instanceof Map) listeners = [events.get('add') ?? []].flat();
      else if (events && typeof events === 'object') listeners = [(events as Record<string, unknown>).add ?? []].flat();
      const hooked =
        listeners === null ||
        listeners.some((l) => {
          const entry = l as { fn?: unknown; callback?: unknown; listener?: unknown } | null;
          const fn = typeof l === 'function' ? l : (entry?.fn ?? entry?.callback ?? entry?.listener);
          return typeof fn === 'function' && String(fn).includes('onAddMessageEvent');
        });

      const types = new Set(skip);
      const idOf = (wid: unknown) =>
        typeof wid === 'string' ? wid : wid && typeof wid === 'object' ? ((wid as { _serialized?: string })._serialized ?? String(wid)) : '';
      const isMessage = (m: PageMsg) => typeof m.t === 'number' && !m.isNotification && !types.has(String(m.type)) && idOf(m.id?.remote) !== 'status@broadcast';
      const chats = Chat.getModelsArray()
        .filter((c) => typeof c.t === 'number' && /@(c\.us|g\.us|lid)$/.test(idOf(c.id)))
        .sort((a, b) => (b.t ?? 0) - (a.t ?? 0));
      let newestAt: number | null = null;
      let examined = 0;
      for (const chat of chats) {
        if ((newestAt !== null && (chat.t ?? 0) <= newestAt) || examined >= max) break;
        for (const m of chat.msgs.getModelsArray()) {
          if (++examined > max) break;
          if (isMessage(m) && (newestAt === null || (m.t ?? 0) > newestAt)) newestAt = m.t ?? null;
        }
      }
      return { bridge: bound && hooked, newestAt };
    },
    [...notMessages],
    maxMessages,
  );
}

/** The ids (as WhatsApp Web files them) of person and group chats active at or after `since`, newest first. */
export function readRecentChats(client: WwebjsClient, since: number, limit: number): Promise<string[]> {
  return run(
    client,
    (from: number, max: number) => {
      if (typeof window.require !== 'function') throw new Error("WhatsApp Web's modules are not loaded");
      const idOf = (wid: unknown) =>
        typeof wid === 'string' ? wid : wid && typeof wid === 'object' ? ((wid as { _serialized?: string })._serialized ?? String(wid)) : '';
      return window
        .require('WAWebCollections')
        .Chat.getModelsArray()
        .filter((c) => typeof c.t === 'number' && c.t >= from && /@(c\.us|g\.us|lid)$/.test(idOf(c.id)))
        .sort((a, b) => (b.t ?? 0) - (a.t ?? 0))
        .slice(0, max)
        .map((c) => idOf(c.id));
    },
    since,
    limit,
  );
}

/** How many times a chat's earlier messages are paged in (WhatsApp Web loads about 50 at a time). */
export const MAX_EARLIER_LOADS = 10;

/**
 * The serialized keys of the messages at or after `since` in these chats (a person's chat may be
 * filed under both their phone id and their LID), oldest first, at most `limit` (the newest ones).
 * When the chat's loaded messages do not reach back to `since`, earlier ones are paged in as the
 * library's fetchMessages does (WAWebChatLoadMessages.loadEarlierMsgs), at most `maxLoads` times.
 */
export function readMessageKeysSince(
  client: WwebjsClient,
  chatIds: readonly string[],
  since: number,
  limit: number,
  notMessages: readonly string[],
  maxLoads = MAX_EARLIER_LOADS,
): Promise<string[]> {
  return run(
    client,
    async (ids: string[], from: number, max: number, skip: string[], loadsAllowed: number) => {
      if (typeof window.require !== 'function') throw new Error("WhatsApp Web's modules are not loaded");
      const { Chat } = window.require('WAWebCollections');
      const types = new Set(skip);
      const idOf = (wid: unknown) =>
        typeof wid === 'string' ? wid : wid && typeof wid === 'object' ? ((wid as { _serialized?: string })._serialized ?? String(wid)) : '';
      // As the library's patched key helper: `_serialized`, else `$1` (WhatsApp Web since July 2026), else built from the parts.
      const keyOf = (k: PageMsgKey) => {
        if (typeof k._serialized === 'string') return k._serialized;
        if (typeof k.$1 === 'string') return k.$1;
        const participant = k.participant ? idOf(k.participant) : '';
        return `${Boolean(k.fromMe)}_${idOf(k.remote)}_${k.id}${participant ? `_${participant}` : ''}`;
      };
      const isMessage = (m: PageMsg) => Boolean(m.id) && typeof m.t === 'number' && !m.isNotification && !types.has(String(m.type));
      const picked = new Map<string, number>();
      for (const id of ids) {
        const chat = Chat.get(id);
        if (!chat) continue;
        for (let loads = 0; ; loads++) {
          const held = chat.msgs.getModelsArray();
          const oldest = held.reduce((min, m) => (typeof m.t === 'number' && m.t < min ? m.t : min), Infinity);
          const matching = held.filter((m) => isMessage(m) && (m.t ?? 0) >= from).length;
          if (matching >= max || oldest < from || loads >= loadsAllowed || chat.msgs.msgLoadState?.noEarlierMsgs) break;
          const batch = await window.require('WAWebChatLoadMessages').loadEarlierMsgs({ chat });
          if (!batch || batch.length === 0) break;
        }
        for (const m of chat.msgs.getModelsArray()) if (isMessage(m) && (m.t ?? 0) >= from) picked.set(keyOf(m.id!), m.t ?? 0);
      }
      return [...picked.entries()]
        .sort((a, b) => a[1] - b[1])
        .slice(-max)
        .map(([key]) => key);
    },
    [...chatIds],
    since,
    limit,
    [...notMessages],
    maxLoads,
  );
}
