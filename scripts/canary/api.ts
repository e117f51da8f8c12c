/**
 * The canary's HTTP client for the Hatline API: every request has a timeout, follows the rate
 * limit's Retry-After, and ends at once on Ctrl-C. A server that cannot be reached is an
 * `Unreachable` error, which ends the run (the remaining checks are not run).
 */

export class Unreachable extends Error {}
export class Interrupted extends Error {
  constructor() {
    super('interrupted (Ctrl-C)');
  }
}
class TimedOutRequest extends Error {}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message);
  }
}

export interface Answer<T = any> {
  status: number;
  body: T;
}

/** Resolves after `ms`, or rejects with Interrupted when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Interrupted());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Interrupted());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

const MAX_RATE_LIMIT_RETRIES = 5;

export class Api {
  constructor(
    readonly base: string,
    private readonly token: string,
    private readonly signal: AbortSignal,
    private readonly requestTimeoutMs: number,
  ) {}

  /** One request; answers whatever status came back (after waiting out 429s). */
  async request<T = any>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
    for (let attempt = 0; ; attempt++) {
      const { status, text, headers } = await this.fetchText(`${this.base}${path}`, `${method} ${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      if (status === 429 && attempt < MAX_RATE_LIMIT_RETRIES) {
        const wait = Number(headers.get('retry-after') ?? '1');
        await sleep(Math.min(60, Math.max(1, Number.isFinite(wait) ? wait : 1)) * 1000, this.signal);
        continue;
      }
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status, body: parsed as T };
    }
  }

  /** A request that must answer 2xx; anything else is an ApiError saying what the server said. */
  async ok<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const answer = await this.request<T>(method, path, body);
    if (answer.status < 200 || answer.status > 299) {
      const b = answer.body as { error?: string; requestId?: string } | string;
      const said = typeof b === 'string' ? b.slice(0, 200) : (b?.error ?? JSON.stringify(b));
      const id = typeof b === 'object' && b?.requestId ? ` (${b.requestId} in the server log)` : '';
      throw new ApiError(`${method} ${path} answered ${answer.status}: ${said}${id}`, answer.status, answer.body);
    }
    return answer.body;
  }

  /**
   * The bytes of a media URL the API answered. A `/media/...` URL is fetched from HATLINE_URL
   * (PUBLIC_URL may name a host this machine does not reach); other URLs (profile pictures) as they are.
   */
  async download(url: string): Promise<{ status: number; type: string; data: Buffer }> {
    let path = '';
    try {
      path = new URL(url).pathname;
    } catch {
      // not an absolute URL: fetched as it is, and reported if it fails
    }
    const media = /\/media\/[^/]+\/[^/]+$/.exec(path);
    const target = media ? `${this.base}${media[0]}` : url;
    const what = `GET ${target.replace(/\?.*$/, '')}`;
    try {
      const res = await this.fetchRaw(target, what, { method: 'GET' });
      let data: Buffer;
      try {
        data = Buffer.from(await res.arrayBuffer());
      } catch (err) {
        throw this.failure(err, what);
      }
      return { status: res.status, type: res.headers.get('content-type') ?? '', data };
    } catch (err) {
      // A URL elsewhere (WhatsApp's CDN) that does not load fails this check only, not the run.
      if (err instanceof Unreachable && !media) throw new Error(err.message.replace('the server', 'it'));
      throw err;
    }
  }

  private async fetchText(url: string, what: string, init: RequestInit) {
    const res = await this.fetchRaw(url, what, init);
    try {
      return { status: res.status, headers: res.headers, text: await res.text() };
    } catch (err) {
      throw this.failure(err, what);
    }
  }

  private async fetchRaw(url: string, what: string, init: RequestInit): Promise<Response> {
    if (this.signal.aborted) throw new Interrupted();
    const timeout = AbortSignal.timeout(this.requestTimeoutMs);
    try {
      return await fetch(url, { ...init, signal: AbortSignal.any([this.signal, timeout]) });
    } catch (err) {
      const failure = this.failure(err, what, timeout);
      // No answer in time: a stuck operation fails its check, a stuck server ends the run.
      if (failure instanceof TimedOutRequest && url.startsWith(this.base) && !(await this.healthy())) {
        throw new Unreachable(`${failure.message}, and GET /health does not answer either`);
      }
      throw failure;
    }
  }

  /** Whether GET /health answers within 5 s. */
  private async healthy(): Promise<boolean> {
    try {
      const res = await fetch(`${this.base}/health`, { signal: AbortSignal.any([this.signal, AbortSignal.timeout(5000)]) });
      await res.body?.cancel();
      return res.ok;
    } catch {
      return false;
    }
  }

  private failure(err: unknown, what: string, timeout?: AbortSignal): Error {
    if (this.signal.aborted) return new Interrupted();
    if (timeout?.aborted || (err as Error)?.name === 'TimeoutError') {
      return new TimedOutRequest(`${what}: no answer within ${Math.round(this.requestTimeoutMs / 1000)} s`);
    }
    return new Unreachable(`${what}: the server cannot be reached (${causeOf(err)})`);
  }
}
