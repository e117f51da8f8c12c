import { describeError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { isUrlRefused, type UrlGuard } from '../../net/url-guard.js';
import type { InstanceSettings, SettingsStore } from '../../services/settings/settings-store.js';
import type { Db } from '../../storage/db.js';
import type { WebhookEventRow } from '../../storage/schema.js';
import * as repo from '../../storage/webhooks-repo.js';
import { evolutionTarget } from './formats/evolution.js';
import { postWebhook } from './post.js';
import { hubSignatureHeaders, signedHeaders } from './signature.js';

export interface DispatcherOptions {
  db: Db;
  settings: SettingsStore;
  logger: Logger;
  userAgent: string;
  /** The gate every delivery goes through (ALLOW_PRIVATE_URLS, and the URL's own trust). */
  urls: UrlGuard;
  /** Per attempt (the seed says 10 s). */
  timeoutMs?: number;
  /** The first retry comes about this long after a failure; each next one twice as late. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** The clock of due times and give-ups (tests move it). */
  now?: () => number;
  /** Told of each attempt's result; a delivery with its latency from the event being recorded (metrics). */
  onAttempt?: (instanceId: string, delivered: boolean, latencyMs?: number) => void;
  /** Whether this node serves the instance (its node delivers its events); every instance when left out. */
  owns?: (instanceId: string) => boolean;
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
  /** The instance is being deleted: the lane ends and is not started again. */
  dropped: boolean;
  /** Abandons the attempt under way (shutdown, deletion). */
  abort: AbortController;
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
  private stopped = false;
  private pruneTimer: NodeJS.Timeout | null = null;
  private readonly timeoutMs: number;
  private readonly baseMs: number;
  private readonly capMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: DispatcherOptions) {
    this.now = opts.now ?? Date.now;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.baseMs = opts.backoffBaseMs ?? 1000;
    this.capMs = opts.backoffCapMs ?? 5 * 60_000;
  }

  /** Resumes every instance with pending events (after a restart) and starts pruning old rows. */
  async start(): Promise<void> {
    for (const instanceId of await repo.instancesWithPending(this.opts.db)) this.wake(instanceId);
    this.pruneTimer = setInterval(() => void this.prune().catch(() => undefined), 60 * 60_000);
    this.pruneTimer.unref();
  }

  /** There may be something to deliver for this instance (a new event, a settings change, a retry). */
  wake(instanceId: string): void {
    if (this.stopped || (this.opts.owns && !this.opts.owns(instanceId))) return;
    let lane = this.lanes.get(instanceId);
    if (!lane) {
      lane = { running: false, dropped: false, abort: new AbortController(), dirty: false, poke: null, done: Promise.resolve() };
      this.lanes.set(instanceId, lane);
    }
    if (lane.dropped) return;
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
    for (const lane of this.lanes.values()) lane.abort.abort();
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    for (const lane of this.lanes.values()) lane.poke?.();
    await Promise.all([...this.lanes.values()].map((l) => l.done));
  }

  /** Deletes delivered events older than 7 days and failed ones older than 30 days; answers how many went. */
  prune(now = this.now()): Promise<number> {
    return repo.prune(this.opts.db, now - 7 * DAY, now - 30 * DAY);
  }

  /** Stops an instance's lane (it is being deleted); its attempt under way is abandoned. */
  async drop(instanceId: string): Promise<void> {
    const lane = this.lanes.get(instanceId);
    if (!lane) return;
    lane.dropped = true;
    lane.abort.abort();
    lane.poke?.();
    await lane.done;
    this.lanes.delete(instanceId);
  }

  private async run(instanceId: string, lane: Lane): Promise<void> {
    const log = this.opts.logger;
    try {
      while (!this.stopped && !lane.dropped) {
        lane.dirty = false;
        // The oldest pending events, a batch at a time (one query per batch, not per event).
        const rows = await repo.oldestPending(this.opts.db, instanceId, BATCH);
        if (rows.length === 0) {
          if (lane.dirty) continue;
          return;
        }
        for (const row of rows) {
          // Moved to another node (the lane is dropped there too): its node delivers from here on, in order.
          if (this.stopped || lane.dropped || (this.opts.owns && !this.opts.owns(instanceId))) return;
          const settings = await this.opts.settings.get(instanceId);
          // Disabled (or no URL): deliveries wait; a settings change wakes the lane again.
          if (!settings || !settings.webhookEnabled || !settings.webhookUrl) return;
          const now = this.now();
          if (row.expires_at <= now) {
            await repo.giveUp(this.opts.db, row.seq, `given up after 24 hours; last error: ${row.last_error ?? 'none'}`);
            continue;
          }
          if (row.next_attempt_at > now) {
            await this.sleep(lane, row.next_attempt_at - now);
            break; // look again: a retry or a wake may have changed what is next
          }
          // After a failure the next event waits for this one (in order): look again, which finds it first.
          if (!(await this.attempt(row, settings, lane))) break;
        }
      }
    } catch (err) {
      if (!this.stopped) log.error('webhook dispatcher stopped on an error', { instance: instanceId, error: describeError(err) });
    }
  }

  /** One delivery attempt; true when the receiver took it (2xx). */
  private async attempt(row: WebhookEventRow, settings: InstanceSettings, lane: Lane): Promise<boolean> {
    // Evolution's format may send each event to its own URL, with headers of the receiver's choice.
    const target = row.format === 'evolution' ? evolutionTarget(settings, row) : { url: settings.webhookUrl, headers: {} };
    const url = target.url;
    const headers = {
      ...target.headers,
      'content-type': 'application/json',
      'user-agent': this.opts.userAgent,
      // Signed as its body was built: a GoWA body as GoWA signs, the seed's per Standard Webhooks.
      ...(row.format === 'gowa' ? hubSignatureHeaders(settings.webhookSecret, row.payload) : signedHeaders(settings.webhookSecret, row.webhook_id, row.payload)),
    };
    let code: number | null = null;
    let error: string | null = null;
    const started = this.now();
    try {
      code = await postWebhook(this.opts.urls, url, settings.webhookUrlTrust, headers, row.payload, this.timeoutMs, lane.abort.signal);
      if (code < 200 || code >= 300) error = `HTTP ${code}${code >= 300 && code < 400 ? ' (redirects are not followed)' : ''}`;
    } catch (err) {
      if (this.stopped || lane.dropped) return false; // shutting down: the event stays pending and goes out after the restart
      // What a client reads in the deliveries list: refused, or one message for every way a
      // connection can fail (refused, reset, timed out), so it tells nothing of the far side's
      // ports. The reason itself is in the log.
      error = isUrlRefused(err) ? REFUSED : NO_ANSWER;
      this.opts.logger.debug('webhook connection failed', { instance: row.instance_id, webhookId: row.webhook_id, reason: fetchReason(err) });
    }
    const attempts = row.attempts + 1;
    if (error === null) {
      const deliveredAt = this.now();
      await repo.markDelivered(this.opts.db, row.seq, { attempts, attemptedAt: started, deliveredAt, responseCode: code, url });
      this.opts.onAttempt?.(row.instance_id, true, deliveredAt - row.created_at);
      return true;
    }
    const next = this.now() + backoffDelay(attempts, this.baseMs, this.capMs);
    await repo.markAttemptFailed(this.opts.db, row.seq, { attempts, attemptedAt: started, nextAttemptAt: next, responseCode: code, error, url });
    this.opts.onAttempt?.(row.instance_id, false);
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

const REFUSED = 'refused: the webhook URL leads to a non-public address (this machine, a private network or a metadata service)';
const NO_ANSWER = 'no answer from the receiver (could not connect, the connection failed, or it timed out)';

function fetchReason(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return err.message;
  const e = err as { code?: string; cause?: { code?: string; message?: string } };
  return e?.code ?? e?.cause?.code ?? e?.cause?.message ?? describeError(err);
}
