import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../../errors.js';
import { hashToken } from '../../token-hash.js';
import type { AppEnv } from '../context.js';

/** Checks presented tokens against the stored hashes, in constant time. */
export interface TokenVerifier {
  /** A stable key for the token (its hash, hex) when it is valid; null otherwise. */
  verify(token: string): string | null;
}

export function tokenVerifier(hashes: Buffer[]): TokenVerifier {
  return {
    verify(token) {
      const presented = hashToken(token);
      let match: Buffer | null = null;
      for (const h of hashes) if (timingSafeEqual(h, presented)) match = h;
      return match ? match.toString('hex') : null;
    },
  };
}

/** The token of a request: `Authorization: Bearer T`, `X-API-Key: T`, `apikey: T` or `?token=T`. */
export function presentedToken(header: (name: string) => string | undefined, query: (name: string) => string | undefined): string | null {
  const authorization = header('authorization');
  if (authorization) {
    const m = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (m?.[1]) return m[1].trim();
  }
  return header('x-api-key')?.trim() || header('apikey')?.trim() || query('token')?.trim() || null;
}

/** 401 unless the request carries a valid token. */
export function auth(verifier: TokenVerifier): MiddlewareHandler<AppEnv> {
  return async function authenticate(c, next) {
    const token = presentedToken((n) => c.req.header(n), (n) => c.req.query(n));
    if (!token) throw new AppError('unauthorized', 'Missing API token: send Authorization: Bearer <token>, X-API-Key, or ?token=');
    const key = verifier.verify(token);
    if (!key) throw new AppError('unauthorized', 'Invalid API token');
    c.set('tokenKey', key);
    await next();
  };
}
