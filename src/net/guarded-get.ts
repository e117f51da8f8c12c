import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { UrlGuard, UrlTarget, UrlTrust } from './url-guard.js';

export interface GuardedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body, unread: the caller reads or discards it. */
  body: IncomingMessage;
  /** Where the answer came from, after redirects. */
  url: URL;
}

export interface GuardedGetOptions {
  signal: AbortSignal;
  /** Redirects followed before giving up (5 by default). */
  maxRedirects?: number;
  headers?: Record<string, string>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Too many redirects, or one to something that is not http(s). */
export class RedirectError extends Error {
  override name = 'RedirectError';
}

function once(guard: UrlGuard, url: URL, target: UrlTarget, trust: UrlTrust, opts: GuardedGetOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = guard.request(url, target, trust, { method: 'GET', headers: opts.headers ?? {}, signal: opts.signal }, resolve);
    req.on('error', reject);
    req.end();
  });
}

/**
 * GET through the guard, following redirects by hand so that each hop is judged again: a public
 * URL that redirects into 127.0.0.1 or the metadata service is refused at that hop.
 */
export async function guardedGet(guard: UrlGuard, start: URL, target: UrlTarget, trust: UrlTrust, opts: GuardedGetOptions): Promise<GuardedResponse> {
  const max = opts.maxRedirects ?? 5;
  let url = start;
  for (let hop = 0; ; hop++) {
    const res = await once(guard, url, target, trust, opts);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (!REDIRECTS.has(status) || !location) return { status, headers: res.headers, body: res, url };
    res.resume();
    if (hop >= max) throw new RedirectError(`more than ${max} redirects`);
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new RedirectError('a redirect to an invalid URL');
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new RedirectError(`a redirect to ${next.protocol} (http or https only)`);
    url = next;
  }
}
