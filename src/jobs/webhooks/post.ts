import type { UrlGuard, UrlTrust } from '../../net/url-guard.js';

/**
 * One webhook POST over node:http(s), through the URL guard (whose agents keep sockets alive per
 * receiver and judge the address each connects to). Answers the status code as soon as the
 * response head arrives (the body is drained, never read), never follows a redirect (so a
 * receiver cannot bounce a delivery into an internal address). Rejects with UrlRefusedError for a
 * receiver at a non-public address it may not reach, with the socket error, with a `TimeoutError`
 * when no answer came within `timeoutMs`, or an `AbortError` on `signal`.
 * Used instead of fetch(): the dispatcher delivers one event at a time per instance, so the cost
 * of each request is the lane's throughput, and undici's fetch builds a Request, body streams and
 * AbortSignals for every call (incoming-to-webhook went from 858 to 1,171 msg/s, BENCHMARKS.md).
 */
export function postWebhook(
  guard: UrlGuard,
  url: string,
  trust: UrlTrust,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      reject(new Error(`invalid webhook URL ${url}`));
      return;
    }
    const payload = Buffer.from(body, 'utf8');
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      const req = guard.request(
        target,
        'webhook',
        trust,
        { method: 'POST', headers: { ...headers, 'content-length': String(payload.length) }, signal },
        (res) => {
          res.on('error', () => undefined);
          res.resume();
          finish(() => resolve(res.statusCode ?? 0));
        },
      );
      timer = setTimeout(() => {
        const err = new Error(`no answer within ${timeoutMs} ms`);
        err.name = 'TimeoutError';
        req.destroy(err);
      }, timeoutMs);
      req.on('error', (err) => finish(() => reject(err)));
      req.end(payload);
    } catch (err) {
      finish(() => reject(err));
    }
  });
}
