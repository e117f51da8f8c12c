import type { AckStatus } from '../../engines/engine.js';
import type { MessageStatus } from '../../storage/schema.js';

/** Outgoing statuses in the only order they may be reached; `failed` is reachable from pending or sent. */
const rank: Record<string, number> = { pending: 0, sent: 1, delivered: 2, read: 3, played: 4 };

/**
 * Whether an outgoing message may move from `from` to `to`. Status only moves forward
 * (pending -> sent -> delivered -> read -> played) or to failed before it was delivered;
 * failed is final. Repeats and late receipts (a `delivered` after `read`) are refused.
 * (One exception, which needs the stored error: see UNCONFIRMED.)
 */
export function canAdvance(from: MessageStatus, to: AckStatus): boolean {
  if (from === 'failed') return false;
  if (to === 'failed') return from === 'pending' || from === 'sent';
  const a = rank[from];
  const b = rank[to];
  return a !== undefined && b !== undefined && b > a;
}

/** The further of two statuses of one message (merging two records of it); `failed` loses to any other. */
export function furthest(a: MessageStatus, b: MessageStatus): MessageStatus {
  if (a === 'failed') return b;
  if (b === 'failed') return a;
  return (rank[a] ?? 0) >= (rank[b] ?? 0) ? a : b;
}

const ALL: MessageStatus[] = ['pending', 'sent', 'delivered', 'read', 'played', 'failed'];

/** The statuses from which `to` may be reached (for a conditional update). */
export function advanceableFrom(to: AckStatus): MessageStatus[] {
  return ALL.filter((from) => canAdvance(from, to));
}

/**
 * How the error of a message failed by the server-ack bound (ack-sweeper.ts) begins. Such a
 * failure is the one that is not final: WhatsApp never said no, it only did not say yes in time,
 * so its server's ack arriving later moves the message on (and clears the error). The stored
 * error is what tells it from other failures; it holds no `%` or `_` (it is matched with LIKE).
 */
export const UNCONFIRMED = "WhatsApp's server did not confirm the message";

/** The error of a send the server did not confirm within `timeoutMs`. */
export function unconfirmedError(timeoutMs: number): string {
  const seconds = Math.round(timeoutMs / 100) / 10;
  return `${UNCONFIRMED} within ${seconds} s; it may not have been delivered`;
}

/** Whether a receipt may revive a message failed as unconfirmed: any status the server's ack leads to. */
export function revivesUnconfirmed(to: AckStatus): boolean {
  return (rank[to] ?? 0) >= rank.sent!;
}
