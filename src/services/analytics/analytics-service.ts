import { notFound } from '../../errors.js';
import * as repo from '../../storage/analytics-repo.js';
import type { Db } from '../../storage/db.js';
import { canSee, instancesOf, type Principal } from '../access/principal.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';

export const RANGES = ['24h', '7d', '30d', '90d'] as const;
export type Range = (typeof RANGES)[number];
export type Granularity = 'hour' | 'day';

/** Each range's points: 24 hours, or 7, 30 or 90 days (UTC), the current one last. */
const SHAPE: Record<Range, { granularity: Granularity; points: number; seconds: number }> = {
  '24h': { granularity: 'hour', points: 24, seconds: 3600 },
  '7d': { granularity: 'day', points: 7, seconds: 86_400 },
  '30d': { granularity: 'day', points: 30, seconds: 86_400 },
  '90d': { granularity: 'day', points: 90, seconds: 86_400 },
};

/** The hourly counters are kept for the longest range (90 days) and a day more, then dropped. */
const KEEP_SECONDS = 91 * 86_400;
const PRUNE_EVERY_MS = 60 * 60_000;

export interface AnalyticsPoint extends repo.StatCounts {
  /** The start of the hour or day (UTC), ISO 8601. */
  at: string;
  /** The same, in unix seconds. */
  t: number;
}

export interface Analytics {
  range: Range;
  granularity: Granularity;
  /** The instance asked for, or null: every instance the token sees. */
  instanceId: string | null;
  series: AnalyticsPoint[];
  totals: repo.StatCounts & { total: number };
  topInstances: (repo.StatCounts & { instanceId: string; total: number })[];
}

export interface AnalyticsServiceOptions {
  db: Db;
  registry: InstanceRegistry;
  now: () => number;
}

/**
 * Messages over time, from the counters that triggers keep as messages are written
 * (message_stats: per instance and hour): a range costs the same whatever the history holds.
 * A message counts in the hour of its own timestamp; an ack adds to that hour too.
 */
export class AnalyticsService {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: AnalyticsServiceOptions) {}

  /** Drops the counters older than KEEP_SECONDS, one instance this node serves at a time; answers how many rows went. */
  async prune(): Promise<number> {
    const before = Math.floor(this.opts.now() / 1000) - KEEP_SECONDS;
    let total = 0;
    for (const { id } of this.opts.registry.serving()) {
      total += await repo.pruneStats(this.opts.db, id, before);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return total;
  }

  /** Prunes every hour until stop(). */
  start(): void {
    this.timer ??= setInterval(() => void this.prune().catch(() => undefined), PRUNE_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async get(viewer: Principal, range: Range, instanceId?: string): Promise<Analytics> {
    if (instanceId !== undefined && (!canSee(viewer, instanceId) || !this.opts.registry.has(instanceId))) {
      throw notFound(`instanceId: instance ${instanceId} not found`);
    }
    const { granularity, points, seconds } = SHAPE[range];
    const current = Math.floor(this.opts.now() / 1000 / seconds) * seconds;
    const from = current - (points - 1) * seconds;
    const instances = instanceId !== undefined ? [instanceId] : instancesOf(viewer);
    const q: repo.StatsQuery = { instances, from, to: current + seconds };
    const [buckets, totals, top] = await Promise.all([
      repo.statsByBucket(this.opts.db, q, seconds),
      repo.statsTotal(this.opts.db, q),
      repo.busiestInstances(this.opts.db, q, 5),
    ]);
    const zero: repo.StatCounts = { sent: 0, received: 0, failed: 0, delivered: 0, read: 0 };
    const series = Array.from({ length: points }, (_, i) => {
      const t = from + i * seconds;
      return { at: new Date(t * 1000).toISOString(), t, ...(buckets.get(t) ?? zero) };
    });
    return {
      range,
      granularity,
      instanceId: instanceId ?? null,
      series,
      totals: { ...totals, total: totals.sent + totals.received },
      topInstances: top.map((r) => ({ ...r, total: r.sent + r.received })),
    };
  }
}
