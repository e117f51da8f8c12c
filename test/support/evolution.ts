import type { TestServer } from './app.js';
import { TOKEN } from './app.js';

/**
 * Requests as an Evolution client makes them: the key in the `apikey` header only (no native
 * token), JSON bodies. `base` is seed 000's `/api/wafixer` or the EVOLUTION_PREFIX.
 */
export function evo(s: TestServer, apikey: string | null = TOKEN, base = '/api/wafixer') {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const init: RequestInit = { method, headers: { ...(apikey !== null ? { apikey } : {}), ...headers } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const res = await s.hatline.app.request(`${base}/${path}`, init);
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed, res };
  };
}

/** Evolution's error body: `{ status, error, response: { message } }`, and nothing else. */
export function isEvolutionError(body: any, status: number): boolean {
  return (
    body !== null &&
    typeof body === 'object' &&
    Object.keys(body).sort().join(',') === 'error,response,status' &&
    body.status === status &&
    typeof body.error === 'string' &&
    Object.keys(body.response).join(',') === 'message'
  );
}
