import { AppError } from '../../errors.js';
import type { Db } from '../../storage/db.js';
import * as repo from '../../storage/idempotency-repo.js';

/** How long an answer is kept for its key. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export interface IdempotentAnswer {
  status: number;
  body: unknown;
}

/**
 * `Idempotency-Key` on sends: the same key on the same instance within 24 h answers the first
 * answer again and sends nothing. Answers are kept once a send was attempted (accepted, or failed
 * at WhatsApp); a request refused before sending (bad input, not connected) keeps nothing, so the
 * client can correct it and retry with the same key. Concurrent requests with one key share one send.
 */
export class Idempotency {
  private readonly inflight = new Map<string, Promise<IdempotentAnswer & { replayed: boolean }>>();

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  async run(
    instanceId: string,
    key: string,
    attempt: () => Promise<IdempotentAnswer & { keep: boolean }>,
  ): Promise<IdempotentAnswer & { replayed: boolean }> {
    if (key.length < 1 || key.length > 255 || /[\u0000-\u001f]/.test(key)) {
      throw new AppError('bad_request', 'Idempotency-Key: must be 1 to 255 printable characters');
    }
    // The slot is taken before the stored answer is looked up: a request with the same key that
    // arrives while that look-up or the send is under way shares them (on a pool, a look-up may
    // answer after the first request's answer was kept and its slot freed).
    const slot = `${instanceId}\u0000${key}`;
    const running = this.inflight.get(slot);
    if (running) return { ...(await running), replayed: true };

    const work = (async () => {
      const stored = await repo.findAnswer(this.db, instanceId, key, this.now() - IDEMPOTENCY_TTL_MS);
      if (stored) return { status: stored.status_code, body: JSON.parse(stored.body) as unknown, replayed: true };
      const answer = await attempt();
      if (answer.keep) {
        const at = this.now();
        await repo.deleteExpired(this.db, at - IDEMPOTENCY_TTL_MS);
        await repo.saveAnswer(this.db, { instance_id: instanceId, key, status_code: answer.status, body: JSON.stringify(answer.body), created_at: at });
      }
      return { status: answer.status, body: answer.body, replayed: false };
    })();
    this.inflight.set(slot, work);
    try {
      return await work;
    } finally {
      this.inflight.delete(slot);
    }
  }
}
