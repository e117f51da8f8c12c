import { AppError } from '../errors.js';
import type { Db } from '../storage/db.js';

const DAY_MS = 24 * 60 * 60 * 1000;

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
  private readonly inflight = new Map<string, Promise<IdempotentAnswer>>();

  constructor(private readonly db: Db) {}

  async run(
    instanceId: string,
    key: string,
    attempt: () => Promise<IdempotentAnswer & { keep: boolean }>,
  ): Promise<IdempotentAnswer & { replayed: boolean }> {
    if (key.length < 1 || key.length > 255 || /[\u0000-\u001f]/.test(key)) {
      throw new AppError('bad_request', 'Idempotency-Key: must be 1 to 255 printable characters');
    }
    const stored = await this.db
      .selectFrom('idempotency_keys')
      .select(['status_code', 'body'])
      .where('instance_id', '=', instanceId)
      .where('key', '=', key)
      .where('created_at', '>', Date.now() - DAY_MS)
      .executeTakeFirst();
    if (stored) return { status: stored.status_code, body: JSON.parse(stored.body), replayed: true };

    const slot = `${instanceId}\u0000${key}`;
    const running = this.inflight.get(slot);
    if (running) return { ...(await running), replayed: true };

    const work = (async () => {
      const answer = await attempt();
      if (answer.keep) {
        const at = Date.now();
        await this.db.deleteFrom('idempotency_keys').where('created_at', '<=', at - DAY_MS).execute();
        await this.db
          .insertInto('idempotency_keys')
          .values({ instance_id: instanceId, key, status_code: answer.status, body: JSON.stringify(answer.body), created_at: at })
          .onConflict((oc) => oc.columns(['instance_id', 'key']).doUpdateSet({ status_code: answer.status, body: JSON.stringify(answer.body), created_at: at }))
          .execute();
      }
      return { status: answer.status, body: answer.body };
    })();
    this.inflight.set(slot, work);
    try {
      return { ...(await work), replayed: false };
    } finally {
      this.inflight.delete(slot);
    }
  }
}
