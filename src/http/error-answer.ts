import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError, describeError, errorBody, isStorageFull, storageFull } from '../errors.js';
import type { Logger } from '../logger.js';
import type { AppEnv } from './context.js';

/** Anything thrown, as an AppError; null for our own bugs (they become a 500 that hides their text). */
export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  // A full disk refused a write (the write is undone where it was made): 507, not a bug of ours.
  if (isStorageFull(err)) return storageFull();
  if (err instanceof HTTPException) {
    // Hono's own refusals: the JSON validator's "Malformed JSON in request body", say.
    if (err.status === 413) return new AppError('payload_too_large', err.message || 'request body too large');
    if (err.status >= 400 && err.status < 500) return new AppError('bad_request', err.message || 'bad request');
  }
  return null;
}

/** The native API's error answer: `{ error, code, requestId }` with the code's status. */
export function errorResponse(c: Context<AppEnv>, err: AppError): Response {
  for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
  return c.json(errorBody(err, c.get('requestId')), err.status);
}

/** The app's onError: known errors answer as themselves, anything else is logged and answers 500. */
export function onError(logger: Logger) {
  return (err: Error, c: Context<AppEnv>): Response => {
    const known = toAppError(err);
    if (known?.code === 'storage_full') {
      logger.error('a write failed: the disk is full', { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, error: describeError(err) });
    }
    if (known) return errorResponse(c, known);
    logger.error('unhandled error', { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, error: describeError(err), stack: err.stack });
    return errorResponse(c, new AppError('internal', 'Internal server error'));
  };
}
