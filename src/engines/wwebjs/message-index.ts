/**
 * What the engine remembers about recent messages. The API names a message by WhatsApp's id
 * (`3EB0...`); the library needs its serialized key (`true_905...@c.us_3EB0...`) to react to or
 * delete it, so the keys of messages seen lately are kept (and stored with each message as its
 * native key, for after a restart). It also tells the messages this engine sent itself from those
 * sent on the phone, which the library reports alike (`message_create`).
 */
import { serializedKeyOf, type AnyMessageId } from './keys.js';
import type { LibMessage } from './library-types.js';

const MAX_KEYS = 5000;
const MAX_OWN = 1000;
/** How long an edit or revoke made through the engine keeps its echo from being reported. */
const ACTION_ECHO_MS = 60_000;

/** What the engine does to a message that WhatsApp Web then reports like anyone's doing. */
export type OwnAction = 'edit' | 'revoke';

/** A send whose library result may not name the message (see `expectEcho`). */
interface Expectation {
  /** The chat ids the echo may carry (the phone id and the LID of a person). */
  chats: Set<string>;
  type: string;
  body: string | null;
  since: number;
  resolve: (msg: LibMessage) => void;
}

export class MessageIndex {
  private readonly keys = new Map<string, string>();
  private readonly own = new Set<string>();
  private readonly sending = new Set<Promise<unknown>>();
  private readonly expected = new Set<Expectation>();
  private readonly actions = new Map<string, number>();

  remember(msg: { id: AnyMessageId }): void {
    const key = serializedKeyOf(msg.id);
    const id = msg.id.id;
    if (!id || !key) return;
    this.keys.delete(id);
    this.keys.set(id, key);
    if (this.keys.size > MAX_KEYS) this.dropOldest(this.keys);
  }

  serializedKey(id: string): string | null {
    return this.keys.get(id) ?? null;
  }

  /** Runs a send; what it sent (its id) is remembered as the engine's own, never reported as from the phone. */
  async send<T extends LibMessage | undefined>(work: Promise<T>): Promise<T> {
    this.sending.add(work);
    try {
      const sent = await work;
      if (sent) this.markOwn(sent);
      return sent;
    } finally {
      this.sending.delete(work);
    }
  }

  markOwn(msg: LibMessage): void {
    this.remember(msg);
    this.own.add(msg.id.id);
    if (this.own.size > MAX_OWN) this.dropOldest(this.own);
  }

  /**
   * Waits for the `message_create` echo of a send whose result did not name the message. On WhatsApp
   * Web since July 2026 (MsgKey `$1`, #201830), the unpatched library's sendMessage sends the message
   * and then resolves undefined, because it looks the new message up by `_serialized`. The echo the
   * library emits for it (fromMe, same chat, same type and text) carries its id. Resolves null
   * after `ms` without one. Call it before the send, so that an echo that beats the answer counts.
   */
  expectEcho(chats: string[], type: string, body: string | null, ms: number): { echo: Promise<LibMessage | null>; cancel(): void } {
    let timer: NodeJS.Timeout | undefined;
    let expectation: Expectation | undefined;
    const echo = new Promise<LibMessage | null>((resolve) => {
      expectation = {
        chats: new Set(chats),
        type,
        body,
        since: Math.floor(Date.now() / 1000) - 2,
        resolve: (msg) => {
          clearTimeout(timer);
          this.expected.delete(expectation!);
          resolve(msg);
        },
      };
      this.expected.add(expectation);
      timer = setTimeout(() => {
        this.expected.delete(expectation!);
        resolve(null);
      }, ms);
      timer.unref?.();
    });
    return {
      echo,
      cancel: () => {
        clearTimeout(timer);
        if (expectation) this.expected.delete(expectation);
      },
    };
  }

  /**
   * Told of every message sent from this account as the library reports it, synchronously (before
   * it is queued for reporting): it may be the echo a send is waiting for.
   */
  sawOwnMessage(msg: LibMessage): void {
    for (const e of this.expected) {
      if (!e.chats.has(msg.to) || msg.type !== e.type || (msg.timestamp || 0) < e.since) continue;
      if (e.body !== null && (msg.body ?? '') !== e.body) continue;
      this.markOwn(msg);
      e.resolve(msg);
      return;
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

  /**
   * Notes an edit or revoke the engine is about to make: the library reports it back like one made on
   * the phone or by someone else (`message_edit`, `message_revoke_everyone`), and the API knows it already.
   */
  acting(action: OwnAction, id: string): void {
    const now = Date.now();
    for (const [key, until] of this.actions) if (until < now) this.actions.delete(key);
    this.actions.set(`${action}:${id}`, now + ACTION_ECHO_MS);
  }

  /** Whether the engine made this edit or revoke itself (a recent `acting`). */
  actedByEngine(action: OwnAction, id: string): boolean {
    const until = this.actions.get(`${action}:${id}`);
    return until !== undefined && until >= Date.now();
  }

  clear(): void {
    this.keys.clear();
    this.own.clear();
    this.expected.clear();
    this.actions.clear();
  }

  private dropOldest(set: Set<string> | Map<string, string>): void {
    const oldest = set.keys().next().value;
    if (oldest !== undefined) set.delete(oldest);
  }
}
