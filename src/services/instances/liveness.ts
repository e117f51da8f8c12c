import type { HistoryProbe } from '../../engines/engine.js';
import { describeError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Db } from '../../storage/db.js';
import { newestMessageAt } from '../../storage/messages-repo.js';
import type { InstanceRegistry } from './instance-registry.js';
import type { DeafReason } from './instance-state.js';

/** A probe gets this long; one that does not answer is not a verdict (the engine's own supervisor watches hung sessions). */
const PROBE_TIMEOUT_MS = 10_000;
/** Consecutive recoveries of an instance wait longer and longer (interval × 2^n), up to this. */
const BACKOFF_CAP_MS = 10 * 60_000;

export interface LivenessOptions {
  db: Db;
  registry: InstanceRegistry;
  /** How often open instances are probed (LIVENESS_INTERVAL_MS); 0 turns liveness off. */
  intervalMs: number;
  /** How long the engine may hold a message Hatline was not told of before the instance counts as deaf (LIVENESS_GRACE_MS). */
  graceMs: number;
  logger: Logger;
  /** Unix ms. */
  now: () => number;
  /** Told of each recovery (metrics). */
  onRecovered?: (instanceId: string, reason: DeafReason) => void;
}

interface Watch {
  /** The newest message time (unix s) Hatline is known to have heard of from this connection; null until first seen. */
  heardAt: number | null;
  /** A message the engine holds that Hatline has not heard of: its time, and since when (unix ms) it has been seen so. */
  unheard: { at: number; since: number } | null;
  /** Since when (unix ms) the engine has said its event path is broken; null while it says it works. */
  bridgeDownSince: number | null;
  /** Recoveries since the instance was last found healthy, and when the next one may happen (unix ms). */
  recoveries: number;
  notBefore: number;
}

/**
 * Connected but deaf (issue 19): a session can say `open` and deliver nothing. Every interval,
 * each open instance whose engine has the `history` capability is probed. It is deaf when its
 * engine says its event path is broken (`bridge_down`), or when the engine has held a message
 * newer than anything Hatline heard of from it for longer than the grace (`events_stalled`);
 * the grace covers a message on its way through the event path (timestamps are compared only
 * with each other, never with this host's clock). A deaf instance is reconnected through the
 * registry (its status and `connection_status` events say why), and the backfill that follows
 * every open fetches what it missed.
 */
export class Liveness {
  private readonly watches = new Map<string, Watch>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly log: Logger;

  constructor(private readonly opts: LivenessOptions) {
    this.log = opts.logger;
  }

  start(): void {
    if (this.opts.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.opts.intervalMs);
    this.timer.unref?.();
  }

  /** Stops probing and waits for a probe under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** What the engine held when the instance became open (and was backfilled): Hatline has dealt with everything up to it. */
  baseline(instanceId: string, newestAt: number | null): void {
    const watch = this.watch(instanceId);
    watch.heardAt = Math.max(newestAt ?? 0, watch.heardAt ?? 0); // 0: the engine held nothing, which is known too
    watch.unheard = null;
  }

  forget(instanceId: string): void {
    this.watches.delete(instanceId);
  }

  /** Probes every open instance once (a tick still under way is not overlapped). */
  tick(): Promise<void> {
    this.running ??= this.probeAll().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async probeAll(): Promise<void> {
    const { registry } = this.opts;
    for (const state of registry.serving()) {
      if (state.status !== 'open') {
        const watch = this.watches.get(state.id);
        if (watch) watch.unheard = null;
        continue;
      }
      try {
        await this.check(state.id);
      } catch (err) {
        if (registry.has(state.id)) this.log.debug('liveness probe failed', { instance: state.id, error: describeError(err) });
      }
    }
    for (const id of this.watches.keys()) if (!registry.has(id)) this.watches.delete(id);
  }

  private async check(instanceId: string): Promise<void> {
    const history = this.opts.registry.engine(instanceId).history;
    if (!history) return; // an engine that cannot tell is left alone
    const probe = await timed(history.probe());
    const stored = await newestMessageAt(this.opts.db, instanceId);
    const watch = this.watch(instanceId);
    if (watch.heardAt === null) {
      // First sight (liveness started after the instance opened): what is there now is the starting point.
      watch.heardAt = Math.max(probe.newestAt ?? 0, stored ?? 0) || null;
      if (probe.bridge) return;
    }
    // What was stored was heard (a deleted message does not make Hatline less informed).
    if (stored !== null && stored > (watch.heardAt ?? 0)) watch.heardAt = stored;
    const verdict = this.judge(watch, probe);
    if (!verdict) {
      watch.recoveries = 0;
      return;
    }
    const now = this.opts.now();
    if (now < watch.notBefore) return;
    await this.recover(instanceId, watch, verdict.reason, verdict.detail);
  }

  /** Deaf or not, from one probe and what was seen before. */
  private judge(watch: Watch, probe: HistoryProbe): { reason: DeafReason; detail: string } | null {
    const now = this.opts.now();
    if (!probe.bridge) {
      // WhatsApp Web reloading itself breaks the path for a moment: only a break that lasts the grace counts.
      watch.bridgeDownSince ??= now;
      if (now - watch.bridgeDownSince < this.opts.graceMs) return null;
      return { reason: 'bridge_down', detail: `the engine has said for ${Math.round((now - watch.bridgeDownSince) / 1000)} s that the path its events take is broken` };
    }
    watch.bridgeDownSince = null;
    const heard = watch.heardAt ?? 0;
    if (probe.newestAt === null || probe.newestAt <= heard) {
      watch.unheard = null;
      return null;
    }
    if (!watch.unheard || watch.unheard.at <= heard) watch.unheard = { at: probe.newestAt, since: now };
    if (now - watch.unheard.since < this.opts.graceMs) return null;
    const iso = (s: number) => new Date(s * 1000).toISOString();
    return {
      reason: 'events_stalled',
      detail: `the phone holds a message of ${iso(watch.unheard.at)} that Hatline was not told of within ${Math.round(this.opts.graceMs / 1000)} s (the newest it heard of: ${heard ? iso(heard) : 'none'})`,
    };
  }

  private async recover(instanceId: string, watch: Watch, reason: DeafReason, detail: string): Promise<void> {
    this.log.warn('instance is connected but deaf; reconnecting it', { instance: instanceId, reason, detail });
    watch.recoveries += 1;
    watch.notBefore = this.opts.now() + Math.min(BACKOFF_CAP_MS, this.opts.intervalMs * 2 ** watch.recoveries);
    watch.heardAt = null; // the backfill after the reconnect sets the new starting point
    watch.unheard = null;
    watch.bridgeDownSince = null;
    this.opts.onRecovered?.(instanceId, reason);
    await this.opts.registry.recoverDeaf(instanceId, reason, detail);
  }

  private watch(instanceId: string): Watch {
    let watch = this.watches.get(instanceId);
    if (!watch) this.watches.set(instanceId, (watch = { heardAt: null, unheard: null, bridgeDownSince: null, recoveries: 0, notBefore: 0 }));
    return watch;
  }
}

function timed<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS / 1000} s`)), PROBE_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
