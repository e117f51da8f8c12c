/** The load generator: autocannon, with latencies kept exactly (autocannon's histogram rounds to 1 ms). */
import autocannon from 'autocannon';
import { TOKEN } from './server.js';

export interface LoadResult {
  /** Completed 2xx responses per second over the run. */
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  requests: number;
  non2xx: number;
  errors: number;
  seconds: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  /** Seconds; or `amount` requests. */
  duration?: number;
  amount?: number;
  method?: 'GET' | 'POST';
  path: string;
  body?: unknown;
  /** Per-request path/body (e.g. spreading over instances); called once per request. */
  next?: () => { path: string; body?: unknown };
  auth?: boolean;
}

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export async function load(o: LoadOptions): Promise<LoadResult> {
  const headers: Record<string, string> = {};
  if (o.auth !== false) headers.authorization = `Bearer ${TOKEN}`;
  if (o.body !== undefined || o.next) headers['content-type'] = 'application/json';
  const latencies: number[] = [];
  let non2xx = 0;
  const request = o.next
    ? {
        setupRequest: (req: any) => {
          const n = o.next!();
          return { ...req, path: n.path, ...(n.body !== undefined ? { body: JSON.stringify(n.body) } : {}) };
        },
      }
    : undefined;
  const started = performance.now();
  const instance = autocannon({
    // autocannon takes the path from the URL (its `path` option is ignored there).
    url: o.url + o.path,
    connections: o.connections,
    ...(o.amount ? { amount: o.amount } : { duration: o.duration ?? 10 }),
    method: o.method ?? 'GET',
    headers,
    ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
    ...(request ? { requests: [request] } : {}),
    timeout: 30,
  } as autocannon.Options) as unknown as NodeJS.EventEmitter & Promise<autocannon.Result>;
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    else non2xx++;
  });
  const result = await instance;
  const seconds = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    rps: Math.round(latencies.length / seconds),
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
    requests: latencies.length + non2xx,
    non2xx,
    errors: result.errors + result.timeouts,
    seconds: round(seconds),
  };
}
