import { sql } from 'kysely';
import type { DbOrTrx } from './db.js';

/** The counts of message_stats (migration 014) summed over some hours. */
export interface StatCounts {
  sent: number;
  received: number;
  failed: number;
  delivered: number;
  read: number;
}

export interface StatsQuery {
  /** These instances' counters; 'all': every instance's. */
  instances: readonly string[] | 'all';
  /** Unix seconds: hours from `from` (included) to `to` (excluded). */
  from: number;
  to: number;
}

const COUNTS = ['sent', 'received', 'failed', 'delivered', 'read'] as const;

function counters(db: DbOrTrx, q: StatsQuery) {
  let query = db.selectFrom('message_stats').where('hour', '>=', q.from).where('hour', '<', q.to);
  const { instances } = q;
  if (instances !== 'all') query = instances.length ? query.where('instance_id', 'in', instances) : query.where(sql<boolean>`1 = 0`);
  return query;
}

const sums = COUNTS.map((c) => sql<number>`coalesce(sum(${sql.ref(c)}), 0)`.as(c));
const toCounts = (r: Record<(typeof COUNTS)[number], unknown>): StatCounts => ({
  sent: Number(r.sent),
  received: Number(r.received),
  failed: Number(r.failed),
  delivered: Number(r.delivered),
  read: Number(r.read),
});

/** The counts per bucket of `bucketSeconds` (3600 or 86400; buckets start at multiples of it), for the buckets that have any. */
export async function statsByBucket(db: DbOrTrx, q: StatsQuery, bucketSeconds: number): Promise<Map<number, StatCounts>> {
  // A literal, not a parameter: PostgreSQL must see the same expression in SELECT and GROUP BY.
  const bucket = sql<number>`(hour / ${sql.lit(bucketSeconds)}) * ${sql.lit(bucketSeconds)}`;
  const rows = await counters(db, q).select([bucket.as('bucket'), ...sums]).groupBy(bucket).execute();
  return new Map(rows.map((r) => [Number(r.bucket), toCounts(r)]));
}

export async function statsTotal(db: DbOrTrx, q: StatsQuery): Promise<StatCounts> {
  return toCounts(await counters(db, q).select(sums).executeTakeFirstOrThrow());
}

/** The `limit` instances with the most messages (sent and received) in the hours asked. */
export async function busiestInstances(db: DbOrTrx, q: StatsQuery, limit: number): Promise<(StatCounts & { instanceId: string })[]> {
  const total = sql<number>`sum(sent) + sum(received)`;
  const rows = await counters(db, q)
    .select(['instance_id', ...sums])
    .groupBy('instance_id')
    .having(total, '>', 0)
    .orderBy(total, 'desc')
    .orderBy('instance_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ instanceId: r.instance_id, ...toCounts(r) }));
}

/** Deletes an instance's hourly counters from before `hour` (unix seconds): one range of the primary key. */
export async function pruneStats(db: DbOrTrx, instanceId: string, hour: number): Promise<number> {
  const r = await db.deleteFrom('message_stats').where('instance_id', '=', instanceId).where('hour', '<', hour).executeTakeFirst();
  return Number(r.numDeletedRows);
}
