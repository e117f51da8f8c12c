import type { MiddlewareHandler } from 'hono';
import { AppError } from '../../errors.js';
import type { AppEnv } from '../context.js';

const WINDOW_MS = 60_000;

/**
 * A rolling one-minute window per key: the times of the requests of the last minute, oldest
 * first. Memory is bounded by the limit and by the traffic actually seen.
 */
export class RollingWindowLimiter {
  private readonly windows = new Map<string, { times: number[]; head: number }>();

  constructor(
    readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records the request if allowed; returns what the headers need. */
  take(key: string): { allowed: boolean; remaining: number; resetMs: number } {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w) {
      w = { times: [], head: 0 };
      this.windows.set(key, w);
    }
    while (w.head < w.times.length && t - w.times[w.head]! >= WINDOW_MS) w.head++;
    if (w.head > 1024 && w.head * 2 > w.times.length) {
      w.times = w.times.slice(w.head);
      w.head = 0;
    }
    const count = w.times.length - w.head;
    if (count >= this.limit) {
      return { allowed: false, remaining: 0, resetMs: WINDOW_MS - (t - w.times[w.head]!) };
    }
    w.times.push(t);
    return {
      allowed: true,
      remaining: this.limit - count - 1,
      resetMs: WINDOW_MS - (t - w.times[w.head]!),
    };
  }
}

/** 429 with `Retry-After` once a token has made `limit` requests in the last minute; off when limit is 0. */
export function rateLimit(limit: number, now?: () => number): MiddlewareHandler<AppEnv> {
  if (limit <= 0) {
    return async function noRateLimit(_c, next) {
      await next();
    };
  }
  const limiter = new RollingWindowLimiter(limit, now);
  return async function limitRate(c, next) {
    const result = limiter.take(c.get('tokenKey'));
    const resetSeconds = Math.ceil(result.resetMs / 1000);
    c.header('RateLimit-Limit', String(limit));
    c.header('RateLimit-Remaining', String(result.remaining));
    c.header('RateLimit-Reset', String(resetSeconds));
    c.header('RateLimit-Policy', `${limit};w=60`);
    if (!result.allowed) {
      const retry = Math.max(1, resetSeconds);
      throw new AppError('rate_limited', `Rate limit exceeded: ${limit} requests per minute; retry in ${retry} s`, { 'Retry-After': String(retry) });
    }
    await next();
  };
}

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/**
 * A rolling hour per key in one-minute steps: at most 60 counters per key, whatever the limit
 * (a request leaves the window when its minute is an hour old).
 */
export class HourlyLimiter {
  private readonly buckets = new Map<string, { minute: number; n: number }[]>();

  constructor(private readonly now: () => number = Date.now) {}

  take(key: string, limit: number): { allowed: boolean; remaining: number; retryAfterSeconds: number } {
    const t = this.now();
    const minute = Math.floor(t / MINUTE_MS);
    let list = this.buckets.get(key);
    if (!list) this.buckets.set(key, (list = []));
    while (list.length && list[0]!.minute <= minute - 60) list.shift();
    const count = list.reduce((sum, b) => sum + b.n, 0);
    if (count >= limit) {
      const freed = (list[0]!.minute + 60) * MINUTE_MS;
      return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil((freed - t) / 1000)) };
    }
    const last = list[list.length - 1];
    if (last && last.minute === minute) last.n++;
    else list.push({ minute, n: 1 });
    return { allowed: true, remaining: limit - count - 1, retryAfterSeconds: 0 };
  }
}

/** A key's own `hourlyLimit` (requests per rolling hour): 429 with `Retry-After` beyond it. */
export function hourlyKeyLimit(now?: () => number): MiddlewareHandler<AppEnv> {
  const limiter = new HourlyLimiter(now);
  return async function limitKeyHour(c, next) {
    const { kind, id, hourlyLimit } = c.get('principal');
    if (kind === 'key' && hourlyLimit !== null) {
      const result = limiter.take(id, hourlyLimit);
      c.header('X-RateLimit-Hourly-Limit', String(hourlyLimit));
      c.header('X-RateLimit-Hourly-Remaining', String(result.remaining));
      if (!result.allowed) {
        const retry = result.retryAfterSeconds;
        throw new AppError('rate_limited', `Hourly limit exceeded: this API key may make ${hourlyLimit} requests per hour; retry in ${retry} s`, {
          'Retry-After': String(retry),
        });
      }
    }
    await next();
  };
}
