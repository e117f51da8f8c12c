import type { EngineMessage } from '../engine.js';

/** Messages a chat keeps on the simulated phone (the newest). */
const MESSAGES_PER_CHAT = 500;
/** Messages the phone keeps in all (the least recently active chats lose theirs first), so a benchmark's flood stays small. */
const MESSAGES = 10_000;
/** Messages whose media content is kept (older ones keep their text only), so a benchmark cannot fill memory. */
const MEDIA_KEPT = 100;

/**
 * What the linked phone of a sandbox instance holds: every message of its chats, received and
 * sent, whether or not its WhatsApp Web session told Hatline of them (a deaf session does not).
 * The history capability reads it, as the real engine reads the messages WhatsApp Web holds.
 * Kept in memory: like the sandbox's chats, it is forgotten at a server restart.
 */
export class SandboxPhone {
  /** Chat id -> its messages in the order they arrived; the map's order is the chats' activity, least recent first. */
  private readonly chats = new Map<string, EngineMessage[]>();
  private readonly withMedia: { chatId: string; id: string }[] = [];
  private newest: number | null = null;
  private count = 0;

  /** The phone gets a message (sent from it, or received). */
  hold(message: EngineMessage): void {
    const list = this.chats.get(message.chatId) ?? [];
    this.chats.delete(message.chatId);
    this.chats.set(message.chatId, list);
    list.push({ ...message });
    this.count += 1;
    if (list.length > MESSAGES_PER_CHAT) this.count -= list.splice(0, list.length - MESSAGES_PER_CHAT).length;
    while (this.count > MESSAGES) {
      const [oldestChat, oldest] = this.chats.entries().next().value!;
      oldest.shift();
      this.count -= 1;
      if (!oldest.length) this.chats.delete(oldestChat);
    }
    if (this.newest === null || message.timestamp > this.newest) this.newest = message.timestamp;
    if (message.media) this.keepMediaOf(message.chatId, message.id);
  }

  /** The time of the newest message it holds (unix seconds); null when none. */
  newestAt(): number | null {
    return this.newest;
  }

  /** The chats with a message at or after `since`, the most recently active first, at most `limit`. */
  recentChats(since: number, limit: number): string[] {
    return [...this.chats.entries()]
      .map(([chatId, list]) => ({ chatId, last: Math.max(...list.map((m) => m.timestamp)) }))
      .filter((c) => c.last >= since)
      .sort((a, b) => b.last - a.last)
      .slice(0, Math.max(0, limit))
      .map((c) => c.chatId);
  }

  /** A chat's messages at or after `since`, oldest first; the newest `limit` of them when there are more. */
  messagesSince(chatId: string, since: number, limit: number): EngineMessage[] {
    const found = (this.chats.get(chatId) ?? []).filter((m) => m.timestamp >= since);
    const stable = found.map((m, i) => ({ m, i })).sort((a, b) => a.m.timestamp - b.m.timestamp || a.i - b.i);
    return (limit > 0 ? stable.slice(-limit) : []).map(({ m }) => ({ ...m }));
  }

  /** Unlinking the phone takes its data with it. */
  clear(): void {
    this.chats.clear();
    this.count = 0;
    this.withMedia.length = 0;
    this.newest = null;
  }

  private keepMediaOf(chatId: string, id: string): void {
    this.withMedia.push({ chatId, id });
    while (this.withMedia.length > MEDIA_KEPT) {
      const old = this.withMedia.shift()!;
      const list = this.chats.get(old.chatId);
      const i = list?.findIndex((m) => m.id === old.id) ?? -1;
      if (list && i >= 0) {
        const { media: _dropped, ...rest } = list[i]!;
        list[i] = rest;
      }
    }
  }
}
