/** The application's own error: a machine-readable code and a message safe to show a client. */
export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'not_connected'
  | 'payload_too_large'
  | 'rate_limited'
  | 'upstream_failed'
  | 'internal';

const statusByCode: Record<ErrorCode, 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 502> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  not_connected: 409,
  payload_too_large: 413,
  rate_limited: 429,
  upstream_failed: 502,
  internal: 500,
};

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 502 {
    return statusByCode[this.code];
  }
}

export const badRequest = (message: string) => new AppError('bad_request', message);
export const notFound = (message: string) => new AppError('not_found', message);
export const conflict = (message: string) => new AppError('conflict', message);

/** The message of anything thrown, for logs and for `error` strings of our own making. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
