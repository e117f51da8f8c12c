import type { ConnectionStatus } from '../../engines/engine.js';
import { describeError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Db } from '../../storage/db.js';
import * as repo from '../../storage/messages-repo.js';
import type { WriteQueue } from '../../storage/write-batch.js';
import type { EventSink } from '../events.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import { unconfirmedError } from './ack-state.js';
import type { InboundMessages } from './inbound.js';

export interface ServerAckSweeperOptions {
  db: Db;
  writes: WriteQueue;
  registry: InstanceRegistry;
  /** Sweeps run in an instance's inbound order: a receipt already reported is stored first. */
  inbound: Pick<InboundMessages, 'enqueue'>;
  events: EventSink;
  /** SERVER_ACK_TIMEOUT_MS: how long a send may wait for the server's ack; 0 turns the bound off. */
  timeoutMs: number;
  now: () => number;
  logger: Logger;
}

/** Messages failed per instance per sweep, and per sweep in all: a sweep never holds the server for long. */
const PER_INSTANCE = 200;
const PER_SWEEP = 1000;

/**
 * The bound on a send's wait for WhatsApp's server: a message handed to WhatsApp (stored under
 * WhatsApp's id, so not one still being sent) that is still `pending` SERVER_ACK_TIMEOUT_MS
 * after it was sent ends `failed` with a clear error and its `message_ack` event, instead of
 * staying a clock forever. The wait is counted from the later of the message's time and the
 * moment its instance last became `open`, so a restart or a reconnect (during which no ack can
 * come) does not fail every message at once. If the server's ack comes after all, the message
 * moves on (inbound.ts, ack-state.ts UNCONFIRMED).
 *
 * A timer sweeps every open instance, a bounded number of messages each time, through the index
 * messages_by_status (instance_id, status, timestamp, seq); sweeps never overlap.
 */
export class ServerAckSweeper {
  /** When each open instance last became open (the `now` clock, ms). */
  private readonly openedAt = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(private readonly opts: ServerAckSweeperOptions) {}

  /** Told of every status an instance's engine reports. */
  statusChanged(instanceId: string, status: ConnectionStatus): void {
    if (status !== 'open') this.openedAt.delete(instanceId);
    else if (!this.openedAt.has(instanceId)) this.openedAt.set(instanceId, this.opts.now());
  }

  forget(instanceId: string): void {
    this.openedAt.delete(instanceId);
  }

  /** Sweeps every quarter of the bound (between a quarter second and 15 s); nothing when the bound is off. */
  start(): void {
    if (this.opts.timeoutMs <= 0 || this.timer) return;
    const every = Math.min(Math.max(Math.floor(this.opts.timeoutMs / 4), 250), 15_000);
    this.timer = setInterval(() => {
      this.sweep().catch((err) => this.opts.logger.error('the server-ack sweep failed', { error: describeError(err) }));
    }, every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One sweep (the timer's, or a test's); answers how many messages it failed. A sweep under way is joined, not doubled. */
  sweep(): Promise<number> {
    this.running ??= this.sweepOpen().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async sweepOpen(): Promise<number> {
    const { timeoutMs } = this.opts;
    if (timeoutMs <= 0) return 0;
    const dueBefore = this.opts.now() - timeoutMs;
    let failed = 0;
    for (const state of this.opts.registry.serving()) {
      if (failed >= PER_SWEEP) break;
      const opened = this.openedAt.get(state.id);
      if (state.status !== 'open' || opened === undefined || opened > dueBefore) continue;
      const n = await this.sweepInstance(state.id, Math.floor(dueBefore / 1000), Math.min(PER_INSTANCE, PER_SWEEP - failed));
      if (n > 0) this.opts.logger.warn("sends WhatsApp's server did not confirm in time marked failed", { instance: state.id, count: n });
      failed += n;
    }
    return failed;
  }

  /** Fails the instance's unconfirmed sends sent at `notAfter` (unix seconds) or before, after what it reported so far is stored. */
  private sweepInstance(instanceId: string, notAfter: number, limit: number): Promise<number> {
    return new Promise((resolve) => {
      this.opts.inbound.enqueue(instanceId, async () => {
        let n = 0;
        try {
          n = await this.failDue(instanceId, notAfter, limit);
        } finally {
          resolve(n);
        }
      });
    });
  }

  private async failDue(instanceId: string, notAfter: number, limit: number): Promise<number> {
    const due = await repo.unconfirmedSends(this.opts.db, instanceId, notAfter, limit);
    if (due.length === 0) return 0;
    const error = unconfirmedError(this.opts.timeoutMs);
    return this.opts.writes.run(async (trx) => {
      let n = 0;
      for (const m of due) {
        // Conditional: a receipt stored meanwhile wins.
        const moved = await repo.advanceStatus(trx, instanceId, m.id, ['pending'], 'failed', error);
        if (!moved) continue;
        n++;
        await this.opts.events.record(trx, instanceId, { event: 'message_ack', data: { id: m.id, chatId: moved.chat_id, status: 'failed', fromMe: true, error } });
      }
      return n;
    });
  }
}
