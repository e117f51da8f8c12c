import * as assert from 'uvu/assert';
import { TOKEN, type TestServer } from './app.js';
import { gowaRequestProblems } from './gowa-contract.js';

export interface GowaAnswer {
  status: number;
  body: any;
  res: Response;
}

export interface GowaCallOptions {
  /** How the body goes: JSON (default), a multipart form (files as Blobs) or a urlencoded form. */
  as?: 'json' | 'multipart' | 'urlencoded';
  headers?: Record<string, string>;
  /** Skip the check against GoWA's document (for requests GoWA's clients would not send: bad input on purpose stays checked). */
  unchecked?: true;
}

export type GowaCall = (method: string, path: string, body?: Record<string, unknown>, options?: GowaCallOptions) => Promise<GowaAnswer>;

const CONTENT_TYPE = { json: 'application/json', multipart: 'multipart/form-data', urlencoded: 'application/x-www-form-urlencoded' } as const;

/**
 * A GoWA client: HTTP Basic auth with the key as the password, `X-Device-Id` when a device is
 * named, and every request checked against GoWA's own OpenAPI document first (so a test cannot
 * pass with a request no GoWA client would make).
 */
export function gowa(s: TestServer, key = TOKEN, device?: string): GowaCall {
  return async (method, path, body, options = {}) => {
    const as = options.as ?? 'json';
    if (!options.unchecked) assert.equal(gowaRequestProblems(method, path, body, CONTENT_TYPE[as]), [], `${method} ${path} is a request GoWA documents`);
    const headers: Record<string, string> = {
      authorization: `Basic ${Buffer.from(`admin:${key}`).toString('base64')}`,
      ...(device ? { 'x-device-id': device } : {}),
      ...options.headers,
    };
    const init: RequestInit = { method, headers };
    if (body !== undefined) {
      if (as === 'json') {
        init.body = JSON.stringify(body);
        headers['content-type'] = 'application/json';
      } else if (as === 'urlencoded') {
        init.body = new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)])).toString();
        headers['content-type'] = 'application/x-www-form-urlencoded';
      } else {
        const form = new FormData();
        for (const [k, v] of Object.entries(body)) {
          if (v instanceof File) form.append(k, v);
          else if (Array.isArray(v)) for (const item of v) form.append(k, String(item));
          else form.append(k, String(v));
        }
        init.body = form;
      }
    }
    Object.assign(headers, options.headers);
    const res = await s.hatline.app.request(`/gowa${path}`, init);
    const text = await res.text();
    let json: any = text;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body: json, res };
  };
}

/** Asserts an answer is GoWA's success envelope (and nothing of the native shape), and answers its results. */
export function success(answer: GowaAnswer, message?: string | RegExp): any {
  assert.is(answer.status, 200, JSON.stringify(answer.body));
  assert.is(answer.body.code, 'SUCCESS');
  assert.type(answer.body.message, 'string');
  if (typeof message === 'string') assert.is(answer.body.message, message);
  else if (message) assert.match(answer.body.message, message);
  assert.ok(Object.keys(answer.body).every((k) => ['code', 'message', 'results'].includes(k)), `only code, message, results: ${JSON.stringify(answer.body)}`);
  return answer.body.results;
}

/** Asserts an answer is GoWA's error envelope with this status and code (never the native `{ error }`). */
export function failure(answer: GowaAnswer, status: number, code: string, message?: RegExp): void {
  assert.is(answer.status, status, JSON.stringify(answer.body));
  assert.is(answer.body.code, code, JSON.stringify(answer.body));
  assert.not.ok('error' in answer.body, 'not the native shape');
  if (message) assert.match(answer.body.message, message);
}

/** A tiny PNG (its first bytes: a client's image file). */
export const PNG_BYTES = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d9b7b40000000049454e44ae426082', 'hex');
