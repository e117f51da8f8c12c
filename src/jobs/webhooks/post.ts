import http from 'node:http';
import https from 'node:https';

/**
 * One webhook POST over node:http(s) with keep-alive sockets per receiver. Answers the status
 * code as soon as the response head arrives (the body is drained, never read), never follows a
 * redirect. Rejects with the socket error (its `code`, e.g. ECONNREFUSED), or a `TimeoutError`
 * when no answer came within `timeoutMs`, or an `AbortError` on `signal`.
 * Used instead of fetch(): the dispatcher delivers one event at a time per instance, so the cost
 * of each request is the lane's throughput, and undici's fetch builds a Request, body streams and
 * AbortSignals for every call (incoming-to-webhook went from 858 to 1,171 msg/s, BENCHMARKS.md).
 */
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }),
};

export function postWebhook(url: string, headers: Record<string, string>, body: string, timeoutMs: number, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      reject(new Error(`invalid webhook URL ${url}`));
      return;
    }
    const protocol = target.protocol;
    if (protocol !== 'http:' && protocol !== 'https:') {
      reject(new Error(`unsupported protocol ${protocol} (http or https only)`));
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
    const req = (protocol === 'https:' ? https : http).request(
      target,
      { method: 'POST', agent: agents[protocol], headers: { ...headers, 'content-length': String(payload.length) }, signal },
      (res) => {
        res.on('error', () => undefined);
        res.resume();
        finish(() => resolve(res.statusCode ?? 0));
      },
    );
    const timer = setTimeout(() => {
      const err = new Error(`no answer within ${timeoutMs} ms`);
      err.name = 'TimeoutError';
      req.destroy(err);
    }, timeoutMs);
    req.on('error', (err) => finish(() => reject(err)));
    req.end(payload);
  });
}
