/**
 * A typed client of the Hatline API: openapi-fetch over the types generated from the server's
 * /openapi.json (schema.d.ts; `npm run client:generate` rewrites it). Paths, parameters, bodies
 * and answers are checked by the compiler:
 *
 *   const hatline = createHatlineClient('http://localhost:3000', process.env.HATLINE_TOKEN!);
 *   const { data, error } = await hatline.POST('/api/instance/{instanceId}/messages/chat', {
 *     params: { path: { instanceId: 'demo' } },
 *     body: { to: '+905321234567', body: 'Merhaba!' },
 *   });
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, operations, paths } from './schema.js';

/** The API's objects by name: `Schemas['Message']`, `Schemas['Error']`, ... */
export type Schemas = components['schemas'];

export type HatlineClient = Client<paths>;

/**
 * A client for the Hatline server at `baseUrl` that sends `token` (the admin token or an API key)
 * as `Authorization: Bearer`. `options` go to openapi-fetch (a `fetch` of your own, say).
 */
export function createHatlineClient(baseUrl: string, token: string, options: Omit<ClientOptions, 'baseUrl' | 'headers'> = {}): HatlineClient {
  return createClient<paths>({ ...options, baseUrl: baseUrl.replace(/\/+$/, ''), headers: { Authorization: `Bearer ${token}` } });
}
