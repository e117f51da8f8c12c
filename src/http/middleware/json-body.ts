import type { MiddlewareHandler } from 'hono';
import { AppError } from '../../errors.js';
import { MAX_MEDIA_BYTES } from '../../media/media-source.js';
import type { AppEnv } from '../context.js';
import type { LargeBodyGate } from './large-body-gate.js';
import { readSmallJsonBody, SMALL_BODY_BYTES, tookSmallBody } from './small-body.js';

/** A JSON body may carry a 64 MB file as base64 (about 86 MB); anything larger is refused before it is read. */
export const JSON_BODY_LIMIT = 90 * 1024 * 1024;

const isMultipart = (type: string | undefined) => /^multipart\/form-data\b/i.test(type ?? '');

const tooLarge = () => new AppError('payload_too_large', `Request body too large: at most ${JSON_BODY_LIMIT / 1024 / 1024} MB of JSON`);

/**
 * 413 for JSON bodies over the limit, before they are read into memory, and the large-body gate
 * (`gate`): a body over its threshold needs one of its slots while it is read and handled, or
 * answers 503 with Retry-After. A body with a Content-Length is judged by it before a byte is
 * read; one without (chunked) is read here and counted as it streams. Uploads (multipart) stream
 * to disk and have their own 64 MB limit.
 */
export function limitJsonBody(gate?: LargeBodyGate): MiddlewareHandler<AppEnv> {
  return async function limitJson(c, next) {
    // A small JSON body with a Content-Length (a send, say) is under every limit: read it at once.
    const length = c.req.header('content-length');
    if (length !== undefined && !c.req.header('transfer-encoding')) {
      const declared = Number.parseInt(length, 10) || 0;
      if (declared > 0 && declared <= SMALL_BODY_BYTES && (!gate || declared <= gate.thresholdBytes) && (await readSmallJsonBody(c))) return next();
    }
    const body = c.req.raw.body;
    if (!body || isMultipart(c.req.header('content-type'))) return next();
    if (length !== undefined && !c.req.raw.headers.has('transfer-encoding')) {
      const declared = Number.parseInt(length, 10) || 0;
      if (declared > JSON_BODY_LIMIT) throw tooLarge();
      if (!gate || declared <= gate.thresholdBytes) return next();
      let leave: () => void;
      try {
        leave = gate.enter();
      } catch (busy) {
        await discard(body.getReader());
        throw busy;
      }
      try {
        await next();
      } finally {
        leave();
      }
      return;
    }
    // No length given: the body is read here, counted chunk by chunk, and handed on whole.
    let leave: (() => void) | null = null;
    try {
      const chunks: Uint8Array[] = [];
      let size = 0;
      const reader = body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          size += value.byteLength;
          if (size > JSON_BODY_LIMIT) throw tooLarge();
          if (gate && !leave && size > gate.thresholdBytes) {
            try {
              leave = gate.enter();
            } catch (busy) {
              chunks.length = 0;
              await discard(reader);
              throw busy;
            }
          }
          chunks.push(value);
        }
      } catch (err) {
        await reader.cancel().catch(() => undefined);
        throw err;
      }
      c.req.raw = new Request(c.req.raw, { body: Buffer.concat(chunks, size) });
      await next();
    } finally {
      leave?.();
    }
  };
}

/**
 * Reads the rest of a refused body without keeping it: an HTTP/1.1 client reads the answer only
 * once it has sent its body (and the server closes a connection whose body it stopped reading),
 * so the 503 and its Retry-After reach the client only this way. At most JSON_BODY_LIMIT bytes.
 */
async function discard(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    size += value.byteLength;
    if (size > JSON_BODY_LIMIT) throw tooLarge();
  }
}

/** A form (a dialect's multipart body) may carry a 64 MB file and the fields beside it. */
export const FORM_BODY_LIMIT = MAX_MEDIA_BYTES + 1024 * 1024;

const formTooLarge = () => new AppError('payload_too_large', 'Request body too large: a form may carry a file of at most 64 MB');

/**
 * The dialects parse multipart forms whole (files in form fields), so this is their upload limit,
 * like media/upload's: 413 over FORM_BODY_LIMIT, judged by Content-Length before a byte is read
 * (counted as it streams when there is none), and the same large-body gate as JSON bodies.
 */
export function limitFormBody(gate?: LargeBodyGate): MiddlewareHandler<AppEnv> {
  return async function limitForm(c, next) {
    const body = c.req.raw.body;
    if (!body || !isMultipart(c.req.header('content-type'))) return next();
    const length = c.req.header('content-length');
    let leave: (() => void) | null = null;
    try {
      if (length !== undefined && !c.req.raw.headers.has('transfer-encoding')) {
        const declared = Number.parseInt(length, 10) || 0;
        if (declared > FORM_BODY_LIMIT) throw formTooLarge();
        if (gate && declared > gate.thresholdBytes) leave = await enterOrDiscard(gate, () => body.getReader());
        await next();
        return;
      }
      const chunks: Uint8Array[] = [];
      let size = 0;
      const reader = body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          size += value.byteLength;
          if (size > FORM_BODY_LIMIT) throw formTooLarge();
          if (gate && !leave && size > gate.thresholdBytes) leave = await enterOrDiscard(gate, () => reader);
          chunks.push(value);
        }
      } catch (err) {
        await reader.cancel().catch(() => undefined);
        throw err;
      }
      c.req.raw = new Request(c.req.raw, { body: Buffer.concat(chunks, size) });
      await next();
    } finally {
      leave?.();
    }
  };
}

/**
 * A slot of the large-body gate, or (busy) the rest of the body read and dropped and the 503
 * thrown. The reader is taken only then: a body admitted whole must stay unread for the handler.
 */
async function enterOrDiscard(gate: LargeBodyGate, reader: () => ReadableStreamDefaultReader<Uint8Array>): Promise<() => void> {
  try {
    return gate.enter();
  } catch (busy) {
    await discard(reader());
    throw busy;
  }
}

const JSON_TYPE = /^application\/([\w.-]+\+)?json\b/i;

/**
 * The body's Content-Type, settled once for every route: JSON (`application/json` or `+json`) and
 * multipart (uploads) are accepted; a body without a Content-Type is read as JSON (many clients
 * leave it out); anything else is a 400 naming what is accepted, in the documented error set
 * (never a 415). An empty body is no body, whatever its Content-Type says: many HTTP clients send
 * `Content-Type: application/json` with nothing after it for a bare POST (`connect`, `restart`,
 * `logout`), which would otherwise be "Malformed JSON".
 */
export function requireJsonBody(): MiddlewareHandler<AppEnv> {
  return async function requireJson(c, next) {
    const type = c.req.header('content-type');
    // HTTP/1.1: a request with neither Content-Length nor Transfer-Encoding has no body (a bare
    // DELETE from fetch, say), even though the Node adapter hands us a body stream for it. Only
    // without a Content-Type: a Request built in-process carries a body with no framing headers.
    const framed = c.req.header('content-length') !== undefined || c.req.header('transfer-encoding') !== undefined;
    const empty = c.req.header('content-length') === '0' || (!type && !framed) || (!tookSmallBody(c) && c.req.raw.body === null);
    if (empty && type) {
      const headers = new Headers(c.req.raw.headers);
      headers.delete('content-type');
      c.req.raw = new Request(c.req.raw.url, { method: c.req.method, headers });
    } else if (!empty && !type?.trim()) {
      const headers = new Headers(c.req.raw.headers);
      headers.set('content-type', 'application/json');
      c.req.raw = new Request(c.req.raw, { headers });
    } else if (type && !JSON_TYPE.test(type) && !isMultipart(type)) {
      throw new AppError('bad_request', `Content-Type ${type.split(';')[0]!.trim() || '(empty)'} is not accepted: send JSON with Content-Type: application/json (or a file upload as multipart/form-data)`);
    }
    await next();
  };
}
