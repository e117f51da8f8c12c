import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../../errors.js';
import type { Authenticator } from '../../services/access/authenticator.js';
import type { AppEnv } from '../context.js';
import type { FailedAuthThrottle } from './auth-throttle.js';

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

/**
 * The address of the peer on the socket. Behind a reverse proxy that is the proxy's address:
 * forwarded headers are not trusted (any client can write them). A request another node of the
 * cluster forwarded (with this node's secret) carries the address that node saw.
 */
export function remoteAddress(c: Context): string {
  const forwarded = (c as Context<AppEnv>).get('clientAddress') as string | undefined;
  if (forwarded) return forwarded;
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

export interface AuthOptions {
  authenticator: Pick<Authenticator, 'authenticate'>;
  /** Slows down an address after repeated failures; null: off. */
  throttle: FailedAuthThrottle | null;
  /** Where the token is (a dialect may look in its body too); the native places by default. */
  tokenOf?: (c: Context<AppEnv>) => string | null | Promise<string | null>;
}

/**
 * 401 unless the request carries a valid token; puts its principal on the context. An address
 * whose recent attempts failed too often answers 429 before any token is checked, so a right
 * guess cannot be told from a wrong one while it waits.
 */
export function auth(opts: AuthOptions): MiddlewareHandler<AppEnv> {
  return async function authenticate(c, next) {
    const address = remoteAddress(c);
    const wait = opts.throttle?.retryAfter(address) ?? 0;
    if (wait > 0) {
      throw new AppError('rate_limited', `Too many failed authentication attempts from this address; retry in ${wait} s`, { 'Retry-After': String(wait) });
    }
    const token = opts.tokenOf ? await opts.tokenOf(c) : presentedToken((n) => c.req.header(n), (n) => c.req.query(n));
    if (!token) throw new AppError('unauthorized', 'Missing API token: send Authorization: Bearer <token>, X-API-Key, or ?token=');
    const result = opts.authenticator.authenticate(token);
    if (!result.ok) {
      opts.throttle?.failed(address);
      throw new AppError('unauthorized', result.reason);
    }
    c.set('principal', result.principal);
    c.set('tokenKey', result.rateKey);
    await next();
  };
}
