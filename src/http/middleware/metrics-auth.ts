import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../../errors.js';
import type { Authenticator } from '../../services/access/authenticator.js';
import { hashToken } from '../../token-hash.js';
import type { AppEnv } from '../context.js';
import { presentedToken, remoteAddress } from './auth.js';
import type { FailedAuthThrottle } from './auth-throttle.js';

export interface MetricsAuthOptions {
  /** METRICS_TOKEN, or null: then only the admin token reads /metrics. */
  metricsToken: string | null;
  authenticator: Pick<Authenticator, 'authenticate'>;
  /** The same failed-authentication throttle as /api (one count per address). */
  throttle: FailedAuthThrottle | null;
}

/**
 * Who may scrape /metrics: METRICS_TOKEN (a token that reads the metrics and nothing else, for a
 * Prometheus server), or the admin token. API keys and embed tokens may not (403): the metrics
 * name every instance. The token comes as it does for /api (`Authorization: Bearer`, first).
 */
export function metricsAuth(opts: MetricsAuthOptions): MiddlewareHandler<AppEnv> {
  const metricsHash = opts.metricsToken ? hashToken(opts.metricsToken) : null;
  const accepted = metricsHash ? 'METRICS_TOKEN or the admin token' : 'the admin token (set METRICS_TOKEN for a token that reads only the metrics)';
  return async function authenticateScraper(c, next) {
    const address = remoteAddress(c);
    const wait = opts.throttle?.retryAfter(address) ?? 0;
    if (wait > 0) {
      throw new AppError('rate_limited', `Too many failed authentication attempts from this address; retry in ${wait} s`, { 'Retry-After': String(wait) });
    }
    const token = presentedToken((n) => c.req.header(n), (n) => c.req.query(n));
    if (!token) throw new AppError('unauthorized', `Missing token: /metrics needs Authorization: Bearer <token> with ${accepted}`);
    if (metricsHash && timingSafeEqual(hashToken(token), metricsHash)) return next();
    const result = opts.authenticator.authenticate(token);
    if (result.ok && result.principal.kind === 'admin') return next();
    if (result.ok) throw new AppError('forbidden', `/metrics is read with ${accepted}, not with an API key or embed token`);
    opts.throttle?.failed(address);
    throw new AppError('unauthorized', `Invalid token for /metrics: use ${accepted}`);
  };
}
