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
    if (err.status === 415) return new AppError('bad_request', 'Content-Type: send the body as JSON (Content-Type: application/json)');
    if (err.status >= 400 && err.status < 500) return new AppError('bad_request', err.message || 'bad request');
  }
  return null;
}

/** The native API's error answer: `{ error, code, requestId }` with the code's status. */
export function errorResponse(c: Context<AppEnv>, err: AppError): Response {
  for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
  return c.json(errorBody(err, c.get('requestId')), err.status);
}

/** What a Node request that the client gave up on looks like (@hono/node-server puts it on `env`). */
interface NodeIncoming {
  aborted?: boolean;
  complete?: boolean;
  destroyed?: boolean;
}

/**
 * Whether the client went away before the request was done (closed the connection, cancelled an
 * upload): reading its body then fails with Node's `aborted` (ECONNRESET). That is the client's
 * doing, not a server error.
 */
export function clientAborted(c: Context<AppEnv>, err: unknown): boolean {
  if (c.req.raw.signal?.aborted) return true;
  const incoming = (c.env as { incoming?: NodeIncoming } | undefined)?.incoming;
  if (incoming && (incoming.aborted || (incoming.destroyed && !incoming.complete))) return true;
  return (err as NodeJS.ErrnoException | null)?.code === 'ECONNRESET' && (err as Error).message === 'aborted';
}

/** Status of an answer to a client that is gone (nobody reads it; nginx's "client closed request"). */
export const CLIENT_CLOSED_REQUEST = 499;

/** Logs a request the client aborted (info: nothing went wrong here) and answers nobody. */
export function abortedAnswer(logger: Logger, c: Context<AppEnv>, err: unknown): Response {
  logger.info('request aborted by the client', { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, error: describeError(err) });
  return new Response(null, { status: CLIENT_CLOSED_REQUEST });
}

/** The app's onError: known errors answer as themselves, anything else is logged and answers 500. */
export function onError(logger: Logger) {
  return (err: Error, c: Context<AppEnv>): Response => {
    // First: a body the client stopped sending can also surface as "Malformed JSON" (a 400).
    if (clientAborted(c, err)) return abortedAnswer(logger, c, err);
    const known = toAppError(err);
    if (known?.code === 'storage_full') {
      logger.error('a write failed: the disk is full', { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, error: describeError(err) });
    }
    if (known) return errorResponse(c, known);
    logger.error('unhandled error', { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, error: describeError(err), stack: err.stack });
    return errorResponse(c, new AppError('internal', 'Internal server error'));
  };
}
