import { describeError } from '../../errors.js';
import type { SettingsStore, InstanceSettings } from '../../instances/settings-store.js';
import type { Logger } from '../../logger.js';
import type { Db } from '../../storage/db.js';
import type { WebhookEventRow } from '../../storage/schema.js';
import { postWebhook } from './post.js';
import { signedHeaders } from './signature.js';

export interface DispatcherOptions {
  db: Db;
  settings: SettingsStore;
  logger: Logger;
  userAgent: string;
  /** Per attempt (the seed says 10 s). */
  timeoutMs?: number;
  /** The first retry comes about this long after a failure; each next one twice as late. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
}

const DAY = 24 * 60 * 60 * 1000;
/** Pending events read per query; each is still delivered, and marked, one at a time in order. */
const BATCH = 100;

/** The delay before retry number `failures` (1 = the first retry): exponential, jittered ±20 %, capped. */
export function backoffDelay(failures: number, baseMs: number, capMs: number, random = Math.random): number {
  const exp = Math.min(capMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.min(capMs, Math.round(exp * (0.8 + 0.4 * random())));
}

interface Lane {
  running: boolean;
  /** Set by wake(); tells a running loop to look again before it ends. */
  dirty: boolean;
  poke: (() => void) | null;
  done: Promise<void>;
}

/**
 * Delivers the outbox: per instance one event at a time, oldest first (in order per instance),
 * each instance in its own loop so a slow or dead receiver holds back only its own instance.
 * At least once: an event stays pending until a 2xx answer, and after a restart it is sent again
 * with the same webhook-id.
 */
export class WebhookDispatcher {
  private readonly lanes = new Map<string, Lane>();
  private readonly abort = new AbortController();
  private stopped = false;
  private pruneTimer: NodeJS.Timeout | null = null;
  private readonly timeoutMs: number;
  private readonly baseMs: number;
  private readonly capMs: number;

  constructor(private readonly opts: DispatcherOptions) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.baseMs = opts.backoffBaseMs ?? 1000;
    this.capMs = opts.backoffCapMs ?? 5 * 60_000;
  }

  /** Resumes every instance with pending events (after a restart) and starts pruning old rows. */
  async start(): Promise<void> {
    const rows = await this.opts.db.selectFrom('webhook_events').select('instance_id').where('status', '=', 'pending').distinct().execute();
    for (const r of rows) this.wake(r.instance_id);
    this.pruneTimer = setInterval(() => void this.prune().catch(() => undefined), 60 * 60_000);
    this.pruneTimer.unref();
  }

  /** There may be something to deliver for this instance (a new event, a settings change, a retry). */
  wake(instanceId: string): void {
    if (this.stopped) return;
    let lane = this.lanes.get(instanceId);
    if (!lane) {
      lane = { running: false, dirty: false, poke: null, done: Promise.resolve() };
      this.lanes.set(instanceId, lane);
    }
    lane.dirty = true;
    if (lane.running) {
      lane.poke?.();
      return;
    }
    lane.running = true;
    const l = lane;
    l.done = this.run(instanceId, l).finally(() => {
      l.running = false;
    });
  }

  /** Stops delivering; an attempt under way is abandoned and its event stays pending. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    for (const lane of this.lanes.values()) lane.poke?.();
    await Promise.all([...this.lanes.values()].map((l) => l.done));
  }

  /** Deletes delivered events older than 7 days and failed ones older than 30 days. */
  async prune(now = Date.now()): Promise<void> {
    await this.opts.db.deleteFrom('webhook_events').where('status', '=', 'delivered').where('created_at', '<', now - 7 * DAY).execute();
    await this.opts.db.deleteFrom('webhook_events').where('status', '=', 'failed').where('created_at', '<', now - 30 * DAY).execute();
  }

  private async run(instanceId: string, lane: Lane): Promise<void> {
    const log = this.opts.logger;
    try {
      while (!this.stopped) {
        lane.dirty = false;
        // The oldest pending events, a batch at a time (one query per batch, not per event).
        const rows = await this.opts.db
          .selectFrom('webhook_events')
          .selectAll()
          .where('instance_id', '=', instanceId)
          .where('status', '=', 'pending')
          .orderBy('seq')
          .limit(BATCH)
          .execute();
        if (rows.length === 0) {
          if (lane.dirty) continue;
          return;
        }
        for (const row of rows) {
          if (this.stopped) return;
          const settings = await this.opts.settings.get(instanceId);
          // Disabled (or no URL): deliveries wait; a settings change wakes the lane again.
          if (!settings || !settings.webhookEnabled || !settings.webhookUrl) return;
          const now = Date.now();
          if (row.expires_at <= now) {
            await this.opts.db
              .updateTable('webhook_events')
              .set({ status: 'failed', last_error: `given up after 24 hours; last error: ${row.last_error ?? 'none'}` })
              .where('seq', '=', row.seq)
              .execute();
            continue;
          }
          if (row.next_attempt_at > now) {
            await this.sleep(lane, row.next_attempt_at - now);
            break; // look again: a retry or a wake may have changed what is next
          }
          // After a failure the next event waits for this one (in order): look again, which finds it first.
          if (!(await this.attempt(row, settings))) break;
        }
      }
    } catch (err) {
      if (!this.stopped) log.error('webhook dispatcher stopped on an error', { instance: instanceId, error: describeError(err) });
    }
  }

  /** One delivery attempt; true when the receiver took it (2xx). */
  private async attempt(row: WebhookEventRow, settings: InstanceSettings): Promise<boolean> {
    const url = settings.webhookUrl;
    const headers = {
      'content-type': 'application/json',
      'user-agent': this.opts.userAgent,
      ...signedHeaders(settings.webhookSecret, row.webhook_id, row.payload),
    };
    let code: number | null = null;
    let error: string | null = null;
    const started = Date.now();
    try {
      code = await postWebhook(url, headers, row.payload, this.timeoutMs, this.abort.signal);
      if (code < 200 || code >= 300) error = `HTTP ${code}${code >= 300 && code < 400 ? ' (redirects are not followed)' : ''}`;
    } catch (err) {
      if (this.stopped) return false; // shutting down: the event stays pending and goes out after the restart
      error = err instanceof Error && err.name === 'TimeoutError' ? `timed out after ${this.timeoutMs / 1000} s` : fetchReason(err);
    }
    const attempts = row.attempts + 1;
    if (error === null) {
      await this.opts.db
        .updateTable('webhook_events')
        .set({ status: 'delivered', attempts, last_attempt_at: started, delivered_at: Date.now(), response_code: code, last_error: null, url })
        .where('seq', '=', row.seq)
        .execute();
      return true;
    }
    const next = Date.now() + backoffDelay(attempts, this.baseMs, this.capMs);
    await this.opts.db
      .updateTable('webhook_events')
      .set({ attempts, last_attempt_at: started, next_attempt_at: next, response_code: code, last_error: error, url })
      .where('seq', '=', row.seq)
      .execute();
    this.opts.logger.debug('webhook attempt failed', { instance: row.instance_id, webhookId: row.webhook_id, attempts, error });
    return false;
  }

  private sleep(lane: Lane, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        lane.poke = null;
        resolve();
      }
      lane.poke = done;
    });
  }
}

function fetchReason(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string; message?: string } };
  return e?.code ?? e?.cause?.code ?? e?.cause?.message ?? describeError(err);
}
