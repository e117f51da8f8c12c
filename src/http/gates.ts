import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.js';
import type { AppDeps } from './deps.js';
import { meterUsage } from './middleware/access.js';
import { auth, presentedToken } from './middleware/auth.js';
import { FailedAuthThrottle } from './middleware/auth-throttle.js';
import { limitJsonBody } from './middleware/json-body.js';
import { LargeBodyGate } from './middleware/large-body-gate.js';
import { hourlyKeyLimit, rateLimit } from './middleware/rate-limit.js';

/** Where a request's token is: the native places by default; a dialect may add its own (a body field). */
export type TokenOf = (c: Context<AppEnv>) => string | null | Promise<string | null>;

/**
 * The gates every API request passes, built once per app so that the native API and every dialect
 * share one failed-auth throttle, one per-token rate limiter and one hourly key limiter (a client
 * cannot double its budget by switching dialects). Each is Hono middleware that throws AppError;
 * the native API answers those in its shape, a dialect in its own.
 */
export interface Gates {
  /** The token in the native places (Bearer, X-API-Key, apikey, x-embed-token, ?token, ?access_token, ?api_key). */
  nativeToken: TokenOf & ((c: Context<AppEnv>) => string | null);
  /** 401 unless a valid token is presented (where `tokenOf` looks); sets the principal. */
  authenticate(tokenOf?: TokenOf): MiddlewareHandler<AppEnv>;
  /** Counts an API key's requests (status and time) for its usage figures. */
  meter: MiddlewareHandler<AppEnv>;
  /** RATE_LIMIT_PER_MINUTE per token. */
  rate: MiddlewareHandler<AppEnv>;
  /** A key's own hourly limit. */
  hourly: MiddlewareHandler<AppEnv>;
  /** 413 for JSON bodies over the limit before they are read; 503 past the large bodies read at once. */
  bodyLimit: MiddlewareHandler<AppEnv>;
  /** The failed-auth throttle (null: off), for other token checks (/metrics) to share. */
  throttle: FailedAuthThrottle | null;
}

export const nativeToken = (c: Context<AppEnv>): string | null => presentedToken((n) => c.req.header(n), (n) => c.req.query(n));

export function buildGates(deps: Pick<AppDeps, 'authenticator' | 'meter' | 'config' | 'logger' | 'now'>): Gates {
  const failures = deps.config.authFailuresPerMinute;
  const throttle =
    failures > 0
      ? new FailedAuthThrottle(failures, deps.now ?? Date.now, (address, retry) =>
          deps.logger.warn('repeated failed authentication: address throttled', { address, failures, retryAfterSeconds: retry }),
        )
      : null;
  return {
    nativeToken,
    authenticate: (tokenOf = nativeToken) => auth({ authenticator: deps.authenticator, throttle, tokenOf }),
    meter: meterUsage(deps.meter),
    rate: rateLimit(deps.config.rateLimitPerMinute, deps.now),
    hourly: hourlyKeyLimit(deps.now),
    bodyLimit: limitJsonBody(new LargeBodyGate(deps.config.largeBodyBytes, deps.config.largeBodyConcurrency)),
    throttle,
  };
}
