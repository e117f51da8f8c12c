import * as repo from '../../storage/bulk-repo.js';
import type { WriteQueue } from '../../storage/write-batch.js';

/** Recipients claimed by one commit at most (the one whose turn it is and those queued right behind it). */
const GROUP = 32;
/**
 * Claims are grouped only while WhatsApp answers at once: the time from one recipient's ask to the
 * next recipient's turn (the engine's answer plus the instance's send delay) is under this. A real
 * session takes hundreds of milliseconds a send, and a send delay is seconds: each recipient is
 * then claimed alone, as a commit costs nothing beside it.
 */
const FAST_MS = 5;

/**
 * The claims of one running job's recipients (a job without a delay, several sends under way). A
 * recipient is claimed (`sending`, committed) right before WhatsApp is asked, so that a crash
 * leaves it `failed` (outcome unknown) rather than sending it again. One commit per claim would
 * bound the job to one send per commit, far below what API sends reach with group commit; so when
 * WhatsApp answers at once, the claim of the recipient whose turn it is also claims the ones
 * stored and queued right behind it (at most GROUP), which are asked within the next moments. A
 * crash in between fails at most those (the same as API sends waiting in the queue), never sends
 * one twice. A recipient claimed ahead whose send ends without WhatsApp being asked is released.
 */
export class RecipientClaims {
  /** Recipients whose message is stored for this attempt, not claimed yet: position -> its message's id. */
  private readonly stored = new Map<number, string>();
  /** Claimed by an earlier recipient's claim, not asked yet. */
  private readonly ahead = new Set<number>();
  private claiming: Promise<unknown> = Promise.resolve();
  private lastAsked = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly writes: WriteQueue,
    private readonly jobId: number,
  ) {}

  /** A recipient's message is stored (in the transaction that stores it; it may run twice). */
  storedAs(position: number, messageId: string): void {
    this.stored.set(position, messageId);
  }

  /**
   * The recipient's turn, right before WhatsApp is asked: true once its claim is committed; false
   * when it is not pending any more (the job was cancelled) or `cancelled` says so.
   */
  async claim(position: number, cancelled: boolean): Promise<boolean> {
    this.stored.delete(position);
    if (this.ahead.delete(position)) {
      if (cancelled) {
        await this.writes.run((trx) => repo.cancelClaimed(trx, this.jobId, position));
        return false;
      }
      return this.asked(true);
    }
    const fast = performance.now() - this.lastAsked < FAST_MS;
    const behind = fast ? [...this.stored].filter(([p]) => p > position).sort((a, b) => a[0] - b[0]).slice(0, GROUP - 1) : [];
    for (const [p] of behind) this.stored.delete(p);
    const op = this.writes.run(async (trx) => {
      const own = await repo.claimRecipient(trx, this.jobId, position);
      const more: number[] = [];
      for (const [p, messageId] of behind) if (await repo.claimLinkedRecipient(trx, this.jobId, p, messageId)) more.push(p);
      return { own, more };
    });
    this.claiming = op.catch(() => undefined);
    const { own, more } = await op;
    for (const p of more) this.ahead.add(p);
    // Those not claimed (cancelled meanwhile) are claimed, or refused, in their own turn.
    for (const [p, messageId] of behind) if (!more.includes(p)) this.stored.set(p, messageId);
    return this.asked(own);
  }

  /** A recipient's send ended without WhatsApp being asked: a claim made ahead for it is undone. */
  async release(position: number): Promise<void> {
    this.stored.delete(position);
    await this.claiming;
    if (this.ahead.delete(position)) await this.writes.run((trx) => repo.requeueRecipient(trx, this.jobId, position));
  }

  private asked(yes: boolean): boolean {
    if (yes) this.lastAsked = performance.now();
    return yes;
  }
}
