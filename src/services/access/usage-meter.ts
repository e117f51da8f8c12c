import { describeError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Db, DbOrTrx } from '../../storage/db.js';
import * as keysRepo from '../../storage/keys-repo.js';
import { afterCommit, transact } from '../../storage/transact.js';
import * as usageRepo from '../../storage/usage-repo.js';
import type { EventSink, HatlineEvent } from '../events.js';

/** Requests of one key since the last flush. */
export interface KeyCounters {
  total: number;
  failed: number;
  busyUs: number;
  lastUsedAt: number;
}

/** Messages of one instance since the last flush. */
export interface InstanceCounters {
  sent: number;
  received: number;
}

/** How often the counters are written when nothing else asks (the server's flush timer). */
export const USAGE_FLUSH_MS = 30_000;

/**
 * Usage counters kept in memory and written in one transaction now and then (and at shutdown),
 * so that counting adds no database write to a request or a send. Requests are counted per key by
 * the HTTP layer; messages per instance from the events recorded with them (an event sink):
 * `message_received` is a message received, a `message_ack` to `sent` one WhatsApp accepted.
 * Counted once their transaction committed, so a group commit that runs again counts once.
 */
export class UsageMeter implements EventSink {
  private keys = new Map<string, KeyCounters>();
  private instances = new Map<string, InstanceCounters>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly opts: { db: Db; now: () => number; logger: Logger }) {}

  /** One answered request of a key: its status and how long it took. */
  request(keyId: string, status: number, ms: number): void {
    let k = this.keys.get(keyId);
    if (!k) this.keys.set(keyId, (k = { total: 0, failed: 0, busyUs: 0, lastUsedAt: 0 }));
    k.total++;
    if (status >= 400) k.failed++;
    k.busyUs += Math.round(ms * 1000);
    k.lastUsedAt = this.opts.now();
  }

  async record(trx: DbOrTrx, instanceId: string, e: HatlineEvent): Promise<void> {
    const sent = e.event === 'message_ack' && e.data.status === 'sent';
    const received = e.event === 'message_received';
    if (!sent && !received) return;
    afterCommit(trx, () => {
      let c = this.instances.get(instanceId);
      if (!c) this.instances.set(instanceId, (c = { sent: 0, received: 0 }));
      if (sent) c.sent++;
      else c.received++;
    });
  }

  /** Not yet written figures of a key (lists add them, so they are current). */
  pendingKey(keyId: string): Readonly<KeyCounters> | undefined {
    return this.keys.get(keyId);
  }

  pendingInstance(instanceId: string): Readonly<InstanceCounters> | undefined {
    return this.instances.get(instanceId);
  }

  /** Drops what was counted for an instance being deleted. */
  forgetInstance(instanceId: string): void {
    this.instances.delete(instanceId);
  }

  /** Writes everything counted so far in one transaction; flushes never overlap. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  /** Flushes every `ms` (unref'd: it never keeps the process alive). */
  start(ms = USAGE_FLUSH_MS): void {
    this.timer ??= setInterval(() => void this.flush(), ms);
    this.timer.unref();
  }

  /** Stops the timer and writes what is left. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  private async write(): Promise<void> {
    if (this.keys.size === 0 && this.instances.size === 0) return;
    const keys = this.keys;
    const instances = this.instances;
    this.keys = new Map();
    this.instances = new Map();
    const now = this.opts.now();
    try {
      await transact(this.opts.db, async (trx) => {
        for (const [id, k] of keys) await keysRepo.addKeyUsage(trx, id, k);
        for (const [id, c] of instances) await usageRepo.addInstanceUsage(trx, id, c, now);
      });
    } catch (err) {
      // Put them back: the next flush tries again.
      for (const [id, k] of keys) this.merge(this.keys, id, k, addKey);
      for (const [id, c] of instances) this.merge(this.instances, id, c, addInstance);
      this.opts.logger.warn('usage counters could not be written; kept for the next flush', { error: describeError(err) });
    }
  }

  private merge<T>(into: Map<string, T>, id: string, value: T, add: (a: T, b: T) => T): void {
    const current = into.get(id);
    into.set(id, current ? add(current, value) : value);
  }
}

const addKey = (a: KeyCounters, b: KeyCounters): KeyCounters => ({
  total: a.total + b.total,
  failed: a.failed + b.failed,
  busyUs: a.busyUs + b.busyUs,
  lastUsedAt: Math.max(a.lastUsedAt, b.lastUsedAt),
});
const addInstance = (a: InstanceCounters, b: InstanceCounters): InstanceCounters => ({ sent: a.sent + b.sent, received: a.received + b.received });
