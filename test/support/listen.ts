import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { TestServer } from './app.js';
import { track } from './cleanup.js';

/**
 * Serves a test server's app on a free port of 127.0.0.1 (for clients that speak HTTP themselves:
 * the MCP SDK's client, the typed client). Closed after the test by closesServers' hook.
 */
export async function listen(s: TestServer): Promise<{ url: string; close(): Promise<void> }> {
  const server = serve({ fetch: s.hatline.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    untrack();
    (server as unknown as { closeAllConnections?(): void }).closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const untrack = track(close);
  return { url, close };
}
