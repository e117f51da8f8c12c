import type { AckUpdate } from '../../engines/engine.js';

/** Receipts that arrive before their send is confirmed are kept this long, at most this many. */
const EARLY_ACK_TTL_MS = 60_000;
const MAX_REMEMBERED = 10_000;

const keyOf = (instanceId: string, id: string) => `${instanceId}\u0000${id}`;

/**
 * What the send path and the inbound path must tell each other, in memory:
 * - echoes: messages the engine reported as sent by this account (maybe echoes of our own sends,
 *   merged when the send is confirmed);
 * - early acks: receipts for a send whose id is not stored yet (WhatsApp can be faster than our
 *   await), applied once it is;
 * - unconfirmed: per instance, sends WhatsApp was asked for whose confirmation is not committed.
 */
export class SendTracker {
  private readonly echoes = new Set<string>();
  private readonly earlyAcks = new Map<string, { ack: AckUpdate; at: number }[]>();
  private readonly unconfirmed = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  rememberEcho(instanceId: string, id: string): void {
    this.echoes.add(keyOf(instanceId, id));
    if (this.echoes.size > MAX_REMEMBERED) this.echoes.delete(this.echoes.values().next().value!);
  }

  hasEcho(instanceId: string, id: string): boolean {
    return this.echoes.has(keyOf(instanceId, id));
  }

  forgetEcho(instanceId: string, id: string): void {
    this.echoes.delete(keyOf(instanceId, id));
  }

  asking(instanceId: string): void {
    this.unconfirmed.set(instanceId, (this.unconfirmed.get(instanceId) ?? 0) + 1);
  }

  confirmed(instanceId: string): void {
    const n = (this.unconfirmed.get(instanceId) ?? 1) - 1;
    if (n > 0) this.unconfirmed.set(instanceId, n);
    else this.unconfirmed.delete(instanceId);
  }

  hasUnconfirmed(instanceId: string): boolean {
    return this.unconfirmed.has(instanceId);
  }

  keepEarlyAck(instanceId: string, ack: AckUpdate): void {
    const key = keyOf(instanceId, ack.id);
    const list = this.earlyAcks.get(key) ?? [];
    list.push({ ack, at: this.now() });
    this.earlyAcks.set(key, list);
    if (this.earlyAcks.size > MAX_REMEMBERED) this.earlyAcks.delete(this.earlyAcks.keys().next().value!);
  }

  /** The fresh receipts kept for a message, now that it is stored; forgets them. */
  takeEarlyAcks(instanceId: string, id: string): AckUpdate[] {
    const key = keyOf(instanceId, id);
    const list = this.earlyAcks.get(key);
    if (!list) return [];
    this.earlyAcks.delete(key);
    const fresh = this.now() - EARLY_ACK_TTL_MS;
    return list.filter((e) => e.at >= fresh).map((e) => e.ack);
  }

  forgetInstance(instanceId: string): void {
    this.unconfirmed.delete(instanceId);
  }
}
