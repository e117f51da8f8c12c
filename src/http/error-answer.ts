import { HTTPException } from 'hono/http-exception';
import { EngineError } from '../engines/engine.js';
import { AppError } from '../errors.js';

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 502;

const engineErrorStatus: Record<EngineError['reason'], ErrorStatus> = {
  not_connected: 409,
  not_found: 404,
  rejected: 409,
  unsupported: 400,
  failed: 502,
};

/** The status and `{ error, code }` body for a thrown error; null for errors of our own bugs (500). */
export function errorAnswer(err: unknown): { status: ErrorStatus; body: { error: string; code: string } } | null {
  if (err instanceof AppError) return { status: err.status, body: { error: err.message, code: err.code } };
  if (err instanceof EngineError) return { status: engineErrorStatus[err.reason], body: { error: err.message, code: err.reason } };
  if (err instanceof HTTPException) {
    return { status: err.status as ErrorStatus, body: { error: err.message || 'bad request', code: err.status === 400 ? 'bad_request' : 'error' } };
  }
  return null;
}
