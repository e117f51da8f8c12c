/**
 * What the engine remembers about recent messages. The API names a message by WhatsApp's id
 * (`3EB0...`); the library needs its serialized key (`true_905...@c.us_3EB0...`) to react to or
 * delete it, so the keys of messages seen lately are kept. It also tells the messages this engine
 * sent itself from those sent on the phone, which the library reports alike (`message_create`).
 */
import type { LibMessage } from './library-types.js';

const MAX_KEYS = 5000;
const MAX_OWN = 1000;

export class MessageIndex {
  private readonly keys = new Map<string, string>();
  private readonly own = new Set<string>();
  private readonly sending = new Set<Promise<unknown>>();

  remember(msg: Pick<LibMessage, 'id'>): void {
    const { id, _serialized } = msg.id;
    if (!id || !_serialized) return;
    this.keys.delete(id);
    this.keys.set(id, _serialized);
    if (this.keys.size > MAX_KEYS) this.dropOldest(this.keys);
  }

  serializedKey(id: string): string | null {
    return this.keys.get(id) ?? null;
  }

  /** Runs a send, remembering the id of what it sent. */
  async send<T extends LibMessage | undefined>(work: Promise<T>): Promise<T> {
    this.sending.add(work);
    try {
      const sent = await work;
      if (sent) {
        this.remember(sent);
        this.own.add(sent.id.id);
        if (this.own.size > MAX_OWN) this.dropOldest(this.own);
      }
      return sent;
    } finally {
      this.sending.delete(work);
    }
  }

  /**
   * Waits for the sends under way: the library may report a message (message_create, its first
   * ack) before sendMessage() answers, and only then is it known whether the engine sent it.
   */
  async sendsSettled(): Promise<void> {
    while (this.sending.size > 0) await Promise.allSettled([...this.sending]);
  }

  sentByEngine(id: string): boolean {
    return this.own.has(id);
  }

  clear(): void {
    this.keys.clear();
    this.own.clear();
  }

  private dropOldest(set: Set<string> | Map<string, string>): void {
    const oldest = set.keys().next().value;
    if (oldest !== undefined) set.delete(oldest);
  }
}
