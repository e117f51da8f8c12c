/**
 * The application's one error type: a machine-readable code from a closed set, a message safe to
 * show a client, and one status per code. Everything below HTTP (services, engines, storage,
 * middleware) throws an AppError; one function (`errorBody`) turns it into the answer body.
 */

/** Every code a client can see in an error body, with its HTTP status. */
export const STATUS_BY_CODE = {
  bad_request: 400,
  /** A media or webhook URL leads to a non-public address (loopback, private, link-local, metadata). */
  url_refused: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  /** The instance is not connected (open) to WhatsApp. */
  not_connected: 409,
  /** WhatsApp, or the engine's state, refused the operation. */
  rejected: 409,
  /** The endpoint exists but not with this HTTP method (the conwp dialect). */
  method_not_allowed: 405,
  payload_too_large: 413,
  rate_limited: 429,
  /** WhatsApp's reach-out timelock (its error 463): no messages to new contacts for a while. */
  reachout_timelock: 429,
  internal: 500,
  /** The instance's engine cannot do this. */
  unsupported: 501,
  /** WhatsApp (through the engine) failed the operation. */
  failed: 502,
  /** The server could not get an answer it needed from WhatsApp or a remote URL. */
  upstream_failed: 502,
  unavailable: 503,
  /** The disk (or the database) is full: the write failed and nothing of it was kept. */
  storage_full: 507,
} as const;

export type ErrorCode = keyof typeof STATUS_BY_CODE;
export type ErrorStatus = (typeof STATUS_BY_CODE)[ErrorCode];
export const ERROR_CODES = Object.keys(STATUS_BY_CODE) as [ErrorCode, ...ErrorCode[]];

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra response headers (Retry-After on a 429, say). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): ErrorStatus {
    return STATUS_BY_CODE[this.code];
  }
}

/** The reasons an engine gives when its state or WhatsApp refuses an operation (a subset of ErrorCode). */
export type EngineReason = Extract<ErrorCode, 'not_connected' | 'not_found' | 'rejected' | 'unsupported' | 'failed' | 'reachout_timelock'>;

/** An AppError thrown by an engine; `reason` is its code. */
export class EngineError extends AppError {
  constructor(
    readonly reason: EngineReason,
    message: string,
    headers: Readonly<Record<string, string>> = {},
  ) {
    super(reason, message, headers);
    this.name = 'EngineError';
  }
}

export const badRequest = (message: string) => new AppError('bad_request', message);
export const notFound = (message: string) => new AppError('not_found', message);
export const conflict = (message: string) => new AppError('conflict', message);

/**
 * A write that failed because the disk is full (ENOSPC), a disk quota ran out (EDQUOT), or the
 * database could not grow (SQLite's SQLITE_FULL, PostgreSQL's SQLSTATE 53100 disk_full), by the
 * error's code (never its text).
 */
export function isStorageFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL' || code === '53100';
}

/** The answer to a write the full disk refused. */
export const storageFull = () =>
  new AppError('storage_full', 'The server is out of disk space: nothing of this request was stored; free some space and try again');

/** The body of every error answer of the native API. */
export interface ErrorBody {
  error: string;
  code: ErrorCode;
  requestId?: string;
}

export function errorBody(err: AppError, requestId?: string): ErrorBody {
  return { error: err.message, code: err.code, ...(requestId ? { requestId } : {}) };
}

/** The message of anything thrown, for logs and for `error` strings of our own making. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
