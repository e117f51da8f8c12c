import type { Db, DbOrTrx } from '../storage/db.js';
import * as repo from '../storage/event-log-repo.js';
import { afterCommit } from '../storage/transact.js';
import { AppError } from '../errors.js';
import { canSee, type Principal } from './access/principal.js';
import type { EventName, EventSink, HatlineEvent } from './events.js';

/** One event as the stream carries it: the webhook's envelope with the log's id. */
export interface StreamEvent {
  /** The position in the log: resume after it (`Last-Event-ID`, `since`). */
  id: number;
  event: EventName;
  data: unknown;
  /** Unix seconds. */
  timestamp: number;
  instance_id: string;
}

export interface EventLogOptions {
  db: Db;
  now: () => number;
  /** How long events are kept for resuming. */
  retentionMs: number;
  /** Told of each event once committed (the other nodes of a cluster wake their followers: `wake`). */
  appended?: (instanceId: string) => void;
}

const PRUNE_EVERY_MS = 10 * 60_000;
const PRUNE_BATCH = 1000;

/**
 * The event log behind the event stream: every event of every instance (what the webhooks carry,
 * whatever an instance's webhook settings), written in the transaction of its change like the
 * webhook outbox, kept for `retentionMs`. Readers follow it by id: a stream reads what is after
 * the last id it sent and waits for the next commit, so a reconnect with the last id resumes
 * without a gap or a repeat for as long as the events are kept.
 */
export class EventLog implements EventSink {
  private readonly waiters = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly opts: EventLogOptions) {}

  async record(trx: DbOrTrx, instanceId: string, e: HatlineEvent): Promise<void> {
    await repo.appendEvent(trx, { instance_id: instanceId, event: e.event, data: JSON.stringify(e.data), created_at: this.opts.now() });
    afterCommit(trx, () => {
      this.wake();
      this.opts.appended?.(instanceId);
    });
  }

  /**
   * Events after `after` that `viewer` may see, oldest first: of one instance (404 when it is
   * unknown to the viewer: `exists` says whether it exists at all) or of every instance it sees.
   */
  async read(viewer: Principal, after: number, limit: number, instanceId?: string): Promise<StreamEvent[]> {
    const ids = instanceId !== undefined ? [instanceId] : viewer.scope === 'global' ? null : viewer.instanceIds;
    if (instanceId !== undefined && !canSee(viewer, instanceId)) throw new AppError('not_found', `instance ${instanceId} not found`);
    const rows = await repo.eventsAfter(this.opts.db, after, ids, limit);
    return rows.map((r) => ({
      id: Number(r.seq),
      event: r.event as EventName,
      data: JSON.parse(r.data) as unknown,
      timestamp: Math.floor(Number(r.created_at) / 1000),
      instance_id: r.instance_id,
    }));
  }

  /** The id a new follower starts after (the newest now): it gets what happens from now on. */
  newest(): Promise<number> {
    return repo.newestSeq(this.opts.db);
  }

  /** Whether resuming after `after` would miss events already pruned from the log. */
  async missedSince(after: number): Promise<boolean> {
    const oldest = await repo.oldestSeq(this.opts.db);
    return oldest !== null && oldest > after + 1 && after > 0;
  }

  /**
   * Resolves at the next committed event (true), after `ms` or when `signal` aborts (false),
   * whichever comes first.
   */
  next(ms: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout;
      const finish = (woken: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', aborted);
        resolve(woken);
      };
      const done = () => finish(true);
      const aborted = () => finish(false);
      timer = setTimeout(aborted, ms);
      this.waiters.add(done);
      if (signal?.aborted || this.stopped) return aborted();
      signal?.addEventListener('abort', aborted, { once: true });
    });
  }

  /** Deletes events older than the retention, in batches. */
  async prune(): Promise<number> {
    const before = this.opts.now() - this.opts.retentionMs;
    let total = 0;
    for (;;) {
      const n = await repo.pruneBefore(this.opts.db, before, PRUNE_BATCH);
      total += n;
      if (n < PRUNE_BATCH) return total;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  start(): void {
    this.timer ??= setInterval(() => void this.prune().catch(() => undefined), PRUNE_EVERY_MS);
    this.timer.unref();
  }

  /** Whether the server is shutting down: followers end their streams. */
  get closed(): boolean {
    return this.stopped;
  }

  /** Ends every follower (their streams close, so the HTTP server can drain) and the pruning. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const wake of [...this.waiters]) wake();
  }

  /** Followers look again: events were committed here, or by another node. */
  wake(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
