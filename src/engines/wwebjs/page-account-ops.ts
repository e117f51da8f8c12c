/**
 * Account-level reads and acts Hatline runs in WhatsApp Web's page (page-run.ts): labels with their
 * colour, a profile picture without opening a chat, declining a call, and the poll-vote key shim
 * that keeps the library's `vote_update` alive on WhatsApp Web since July 2026.
 */
import type { WwebjsClient } from './library-types.js';
import { runInPage as run } from './page-run.js';

/** A WhatsApp Business label as WhatsApp Web holds it. */
export interface LabelRecord {
  id: string;
  name: string;
  colorIndex: number | null;
}

interface PageLabel {
  id: unknown;
  name?: string;
  colorIndex?: number;
  color?: number;
}
interface PageKey {
  _serialized?: string;
  $1?: string;
  toString(): string;
}
interface PageModules {
  WAWebCollections: {
    Label: { getModelsArray(): PageLabel[] };
    Chat: { get(id: string): { labels?: unknown[] } | undefined };
    ProfilePicThumb: { get(id: string): PagePicture | undefined; find(wid: unknown): Promise<PagePicture | undefined> };
  };
  WAWebWidFactory: { createWid(id: string): unknown };
  WAWebAddonPollVoteTableMode: { pollVoteTableMode?: { bulkUpsert?: PollUpsert } };
  WAWebConnModel: { Conn: { pushname?: string } };
}
interface PagePicture {
  img?: string;
  imgFull?: string;
}
type PollUpsert = ((votes: { pollUpdateParentKey?: PageKey }[], ...rest: unknown[]) => unknown) & { hatlineKeys?: boolean };
interface PageWindow {
  require<K extends keyof PageModules>(name: K): PageModules[K];
  WWebJS: { rejectCall(peerJid: string, callId: string): Promise<unknown> };
}
declare const window: PageWindow;

/**
 * The account's labels (chatId null), or those on one chat (null: no such chat). Read from WhatsApp
 * Web's Label collection: the library's getLabels() keeps only the hex colour, and its
 * getChatLabels() builds the chat model (getChat creates a chat WhatsApp Web lacks, review D11).
 */
export function readLabels(client: WwebjsClient, chatId: string | null): Promise<LabelRecord[] | null> {
  return run(
    client,
    (id: string | null) => {
      const { Label, Chat } = window.require('WAWebCollections');
      const all = Label.getModelsArray().map((l) => {
        const index = typeof l.colorIndex === 'number' ? l.colorIndex : l.color;
        return { id: String(l.id), name: l.name ?? '', colorIndex: typeof index === 'number' ? index : null };
      });
      if (id === null) return all;
      const chat = Chat.get(id);
      if (!chat) return null;
      const on = new Set((chat.labels ?? []).map(String));
      return all.filter((l) => on.has(l.id));
    },
    chatId,
  );
}

/**
 * The URL of someone's profile picture (the account's own, say), from WhatsApp Web's picture
 * collection: the library's getProfilePicUrl opens the person's chat first (getChat), which creates
 * one for an id WhatsApp Web holds no chat with, the account's own number included.
 */
export function readProfilePicture(client: WwebjsClient, id: string): Promise<string | null> {
  return run(
    client,
    async (wid: string) => {
      const { ProfilePicThumb } = window.require('WAWebCollections');
      const picture = ProfilePicThumb.get(wid) ?? (await ProfilePicThumb.find(window.require('WAWebWidFactory').createWid(wid)));
      return picture?.imgFull || picture?.img || null;
    },
    id,
  );
}

/** The account's own name as WhatsApp Web holds it now (the library's `info.pushname` is read once, at ready). */
export function readOwnName(client: WwebjsClient): Promise<string | null> {
  return run(client, () => window.require('WAWebConnModel').Conn.pushname ?? null);
}

/** Declines a ringing call: the library's own helper (what Call.reject runs), given the caller's id as WhatsApp Web named it. */
export function rejectCall(client: WwebjsClient, peerJid: string, callId: string): Promise<unknown> {
  return run(client, (peer: string, id: string) => window.WWebJS.rejectCall(peer, id), peerJid, callId);
}

/**
 * The library's `vote_update` hook reads each vote's parent key as `pollUpdateParentKey._serialized`
 * (Client.js attachEventListeners). WhatsApp Web since July 2026 names it `$1` (#201830), so the hook
 * looks up `undefined`, WhatsApp Web's IndexedDB rejects, and the vote is neither reported nor
 * stored. Wrapped around the library's hook, this gives each parent key a hidden `_serialized` first.
 * Run after each `ready` (a reload brings a fresh page); answers whether it was installed now.
 */
export function installPollVoteKeys(client: WwebjsClient): Promise<boolean> {
  return run(client, () => {
    let table: { bulkUpsert?: PollUpsert } | undefined;
    try {
      table = window.require('WAWebAddonPollVoteTableMode').pollVoteTableMode;
    } catch {
      return false;
    }
    const upsert = table?.bulkUpsert;
    if (!table || typeof upsert !== 'function' || upsert.hatlineKeys) return false;
    const wrapped: PollUpsert = function (this: unknown, votes, ...rest) {
      for (const vote of Array.isArray(votes) ? votes : []) {
        const key = vote?.pollUpdateParentKey;
        if (!key || typeof key !== 'object' || typeof key._serialized === 'string') continue;
        Object.defineProperty(key, '_serialized', { value: typeof key.$1 === 'string' ? key.$1 : String(key), configurable: true, enumerable: false });
      }
      return upsert.call(this, votes, ...rest);
    };
    wrapped.hatlineKeys = true;
    table.bulkUpsert = wrapped;
    return true;
  });
}
