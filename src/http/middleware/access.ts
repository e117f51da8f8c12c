import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { AppError } from '../../errors.js';
import { refusal, type Requirement } from '../../services/access/requirement.js';
import type { UsageMeter } from '../../services/access/usage-meter.js';
import type { AppEnv } from '../context.js';

/** `METHOD /route/:pattern` of the endpoint that answers this request; null when no /api route matched (a 404 follows). */
export function endpointOf(c: Context): string | null {
  const route = matchedRoutes(c).find((r) => r.method !== 'ALL' && r.path.startsWith('/api/'));
  return route ? `${route.method} ${route.path}` : null;
}

/**
 * The one permission check: 403, with a sentence naming what is missing, when the principal may
 * not call the endpoint (looked up in `table` by method and route pattern). Runs after the
 * instance loader, so an instance outside the principal's scope has already answered 404.
 */
export function authorize(table: Readonly<Record<string, Requirement>>): MiddlewareHandler<AppEnv> {
  return async function checkAccess(c, next) {
    const endpoint = endpointOf(c);
    if (endpoint !== null) {
      const why = refusal(c.get('principal'), table[endpoint], endpoint.replace(/:(\w+)/g, '{$1}'));
      if (why) throw new AppError('forbidden', why);
    }
    await next();
  };
}

/** Counts every answered request of an API key (status and time) in the usage meter, in memory. */
export function meterUsage(meter: Pick<UsageMeter, 'request'>): MiddlewareHandler<AppEnv> {
  return async function countUsage(c, next) {
    const principal = c.get('principal');
    if (principal.kind !== 'key') return next();
    const started = performance.now();
    await next();
    meter.request(principal.id, c.res.status, performance.now() - started);
  };
}
