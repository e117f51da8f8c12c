import type { TestServer } from './app.js';

/** Creates an API key with the admin token; answers the plain key and its id. */
export async function createKey(s: TestServer, body: Record<string, unknown>): Promise<{ plain: string; id: string; key: any }> {
  const res = await s.json('POST', '/api/keys', body);
  if (res.status !== 200) throw new Error(`create key: ${res.status} ${JSON.stringify(res.body)}`);
  return { plain: res.body.plain, id: res.body.key.id, key: res.body.key };
}

/** Creates an embed token with the admin token; answers the creation answer. */
export async function createEmbedToken(s: TestServer, body: Record<string, unknown>): Promise<any> {
  const res = await s.json('POST', '/api/embed-tokens', body);
  if (res.status !== 200) throw new Error(`create embed token: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Requests made with `token` as the Bearer token (instead of the admin token). */
export function as(s: TestServer, token: string) {
  return (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
    s.json(method, url, body, { authorization: `Bearer ${token}`, ...headers });
}

/** Requests made with an embed token in the x-embed-token header, and no admin token. */
export function asEmbed(s: TestServer, token: string) {
  return (method: string, url: string, body?: unknown) => s.json(method, url, body, { authorization: '', 'x-embed-token': token });
}
