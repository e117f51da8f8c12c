import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../../errors.js';
import { MAX_MEDIA_BYTES } from '../../media/media-source.js';
import type { AppEnv } from '../context.js';

/** A JSON body may carry a 64 MB file as base64 (about 86 MB); anything larger is refused before it is read. */
export const JSON_BODY_LIMIT = 90 * 1024 * 1024;

const isMultipart = (type: string | undefined) => /^multipart\/form-data\b/i.test(type ?? '');

/** 413 for JSON bodies over the limit, before they are read into memory. Uploads (multipart) have their own 64 MB limit. */
export function limitJsonBody(): MiddlewareHandler<AppEnv> {
  const limit = bodyLimit({
    maxSize: JSON_BODY_LIMIT,
    onError: () => {
      throw new AppError('payload_too_large', `Request body too large: at most ${JSON_BODY_LIMIT / 1024 / 1024} MB of JSON`);
    },
  });
  return async function limitJson(c, next) {
    if (isMultipart(c.req.header('content-type'))) return next();
    return limit(c, next);
  };
}

/** A form (a dialect's multipart body) may carry a 64 MB file and the fields beside it. */
export const FORM_BODY_LIMIT = MAX_MEDIA_BYTES + 1024 * 1024;

/**
 * 413 for multipart bodies over FORM_BODY_LIMIT, before they are read into memory: the dialects
 * parse forms whole (files in form fields), so this is their upload limit, like media/upload's.
 */
export function limitFormBody(): MiddlewareHandler<AppEnv> {
  const limit = bodyLimit({
    maxSize: FORM_BODY_LIMIT,
    onError: () => {
      throw new AppError('payload_too_large', 'Request body too large: a form may carry a file of at most 64 MB');
    },
  });
  return async function limitForm(c, next) {
    if (!isMultipart(c.req.header('content-type'))) return next();
    return limit(c, next);
  };
}

const JSON_TYPE = /^application\/([\w.-]+\+)?json\b/i;

/**
 * 400 for a body that is neither JSON nor multipart. An empty body is no body, whatever its
 * Content-Type says: many HTTP clients send `Content-Type: application/json` with nothing after it
 * for a bare POST (`connect`, `restart`, `logout`), which would otherwise be "Malformed JSON".
 */
export function requireJsonBody(): MiddlewareHandler<AppEnv> {
  return async function requireJson(c, next) {
    const type = c.req.header('content-type');
    const empty = c.req.raw.body === null || c.req.header('content-length') === '0';
    if (empty && type) {
      const headers = new Headers(c.req.raw.headers);
      headers.delete('content-type');
      c.req.raw = new Request(c.req.raw.url, { method: c.req.method, headers });
    } else if (type && !JSON_TYPE.test(type) && !isMultipart(type)) {
      throw new AppError('bad_request', `Content-Type ${type.split(';')[0]} is not accepted: send JSON with Content-Type: application/json`);
    }
    await next();
  };
}
