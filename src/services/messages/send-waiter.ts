import { notFound } from '../../errors.js';
import type { Db } from '../../storage/db.js';
import * as repo from '../../storage/messages-repo.js';
import type { MessageStatus } from '../../storage/schema.js';

/**
 * What a send may wait for before it answers: `server` (WhatsApp's server has it), `device` (the
 * recipient's phone has it: delivered), `read` (read, or played for a voice note).
 */
export const WAIT_FOR = ['server', 'device', 'read'] as const;
export type WaitFor = (typeof WAIT_FOR)[number];

const RANK: Partial<Record<MessageStatus, number>> = { pending: 0, sent: 1, delivered: 2, read: 3, played: 3 };
const TARGET: Record<WaitFor, number> = { server: 1, device: 2, read: 3 };

export interface WaitOutcome {
  /** The status the message has when the wait ends. */
  status: MessageStatus;
  /** Whether it got as far as asked. */
  reached: boolean;
  /** Why it failed, when it did. */
  error?: string;
}

/**
 * Waits for a sent message to get as far as asked, reading its stored status each time an event
 * is committed (receipts are events), until `timeoutMs`. Answers the status really reached: a
 * send that WhatsApp refuses later ends `failed` with its reason, one that is slow ends with
 * `reached: false` and the status it has.
 */
export class SendWaiter {
  constructor(
    private readonly opts: {
      db: Db;
      /** Resolves at the next committed event (or after `ms`). */
      next: (ms: number) => Promise<unknown>;
    },
  ) {}

  async wait(instanceId: string, messageId: string, waitFor: WaitFor, timeoutMs: number): Promise<WaitOutcome> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const row = await repo.findMessage(this.opts.db, instanceId, messageId);
      if (!row) throw notFound(`message ${messageId} is no longer stored`);
      if (row.status === 'failed') return { status: 'failed', reached: false, ...(row.error ? { error: row.error } : {}) };
      if ((RANK[row.status] ?? -1) >= TARGET[waitFor]) return { status: row.status, reached: true };
      const left = deadline - Date.now();
      if (left <= 0) return { status: row.status, reached: false };
      // A receipt commits an event; a second bounds the wait if one is missed.
      await this.opts.next(Math.min(left, 1000));
    }
  }
}
