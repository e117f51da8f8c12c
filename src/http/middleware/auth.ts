import type { MiddlewareHandler } from 'hono';
import { AppError } from '../../errors.js';
import type { Authenticator } from '../../services/access/authenticator.js';
import type { AppEnv } from '../context.js';

/** Where a token may come, in this order: the first one present is the one checked. */
const HEADERS = ['x-api-key', 'apikey', 'x-embed-token'] as const;
const QUERY = ['token', 'access_token', 'api_key'] as const;

/**
 * The token of a request: `Authorization: Bearer T`, the `X-API-Key`, `apikey` or `x-embed-token`
 * header, or the `token`, `access_token` (wonotify) or `api_key` (conwp) query parameter.
 */
export function presentedToken(header: (name: string) => string | undefined, query: (name: string) => string | undefined): string | null {
  const authorization = header('authorization');
  if (authorization) {
    const m = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (m?.[1]) return m[1].trim();
  }
  for (const name of HEADERS) {
    const v = header(name)?.trim();
    if (v) return v;
  }
  for (const name of QUERY) {
    const v = query(name)?.trim();
    if (v) return v;
  }
  return null;
}

export interface AuthOptions {
  authenticator: Pick<Authenticator, 'authenticate'>;
}

/** 401 unless the request carries a valid token; puts its principal on the context. */
export function auth(opts: AuthOptions): MiddlewareHandler<AppEnv> {
  return async function authenticate(c, next) {
    const token = presentedToken((n) => c.req.header(n), (n) => c.req.query(n));
    if (!token) throw new AppError('unauthorized', 'Missing API token: send Authorization: Bearer <token>, X-API-Key, or ?token=');
    const result = opts.authenticator.authenticate(token);
    if (!result.ok) throw new AppError('unauthorized', result.reason);
    c.set('principal', result.principal);
    c.set('tokenKey', result.rateKey);
    await next();
  };
}
