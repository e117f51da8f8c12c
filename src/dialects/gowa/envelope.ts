import type { Context } from 'hono';
import type { AppError, ErrorCode } from '../../errors.js';
import type { AppEnv } from '../../http/context.js';

/**
 * GoWA's envelope: `{ code, message, results? }`, `results` left out when there is nothing to
 * say. Errors keep GoWA's codes; their statuses are ours where GoWA's would mislead: "not logged
 * in" is 409 (GoWA answers 401, the status of a wrong password), and WhatsApp's own failures 502.
 */
export function ok(c: Context<AppEnv>, message: string, results?: unknown): Response {
  return c.json(results === undefined ? { code: 'SUCCESS', message } : { code: 'SUCCESS', message, results }, 200);
}

const GOWA_CODE: Record<ErrorCode, string> = {
  bad_request: 'VALIDATION_ERROR',
  url_refused: 'URL_REFUSED',
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  not_found: 'NOT_FOUND',
  conflict: 'CONFLICT',
  not_connected: 'AUTHENTICATION_ERROR',
  rejected: 'REJECTED',
  method_not_allowed: 'METHOD_NOT_ALLOWED',
  payload_too_large: 'PAYLOAD_TOO_LARGE',
  rate_limited: 'TOO_MANY_REQUESTS',
  reachout_timelock: 'WA_REACHOUT_TIMELOCK',
  internal: 'INTERNAL_SERVER_ERROR',
  unsupported: 'UNSUPPORTED',
  failed: 'WHATSAPP_ERROR',
  upstream_failed: 'UPSTREAM_ERROR',
  unavailable: 'SERVICE_UNAVAILABLE',
  storage_full: 'STORAGE_FULL',
};

/** An error that carries a GoWA code of its own (DEVICE_ID_REQUIRED, INVALID_GROUP_ID, ...) and maybe results. */
export interface GowaDetail {
  gowaCode?: string;
  results?: unknown;
}

export function errorAnswer(c: Context<AppEnv>, err: AppError & GowaDetail): Response {
  const body: Record<string, unknown> = { code: err.gowaCode ?? GOWA_CODE[err.code] ?? 'INTERNAL_SERVER_ERROR', message: err.message };
  if (err.results !== undefined) body.results = err.results;
  return c.json(body, err.status);
}
