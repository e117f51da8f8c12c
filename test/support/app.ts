import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { silentLogger, type Logger } from '../../src/logger.js';
import { buildHatline, type BuildOptions, type Hatline } from '../../src/server.js';
import { track } from './cleanup.js';
import { dropTestDatabase, testDatabaseFor } from './database.js';
import { nodeIdFor } from './node-id.js';

export const TOKEN = 'test-token-0123456789';

export interface TestServer {
  hatline: Hatline;
  config: Config;
  dir: string;
  /** app.request with the token and JSON handled. */
  call(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Like call, answering the parsed JSON and the status. */
  json<T = any>(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T; res: Response }>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  /** Reuse a data folder (for restart tests); a new temp one otherwise. */
  dir?: string;
  /** Keep the database on disk (DATA_DIR/hatline.db) instead of in memory. */
  onDisk?: boolean;
  now?: () => number;
  wwebjs?: BuildOptions['wwebjs'];
  events?: BuildOptions['events'];
  webhookTimings?: BuildOptions['webhookTimings'];
  /** Where the server logs (silent by default; a RecordingLogger to read what was logged). */
  logger?: Logger;
  /** The URL guard's test seams (names it resolves, addresses it counts as public). */
  urlGuard?: BuildOptions['urlGuard'];
}

export { closesServers } from './cleanup.js';

/**
 * Builds the whole server in-process on a temp DATA_DIR/MEDIA_DIR; no port is opened and no cron
 * runs (tests call hatline.scheduler.tick()). It is closed after the test by closesServers' hook.
 */
export async function testServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dir = opts.dir ?? mkdtempSync(path.join(tmpdir(), 'hatline-test-'));
  const dataDir = path.join(dir, 'data');
  // On a PostgreSQL run (TEST_DATABASE_URL), a schema of this DATA_DIR's own.
  const databaseUrl = await testDatabaseFor(dataDir);
  const config = loadConfig({
    DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    MEDIA_DIR: path.join(dir, 'media'),
    API_TOKEN: TOKEN,
    DEFAULT_ENGINE: 'sandbox',
    RATE_LIMIT_PER_MINUTE: '0',
    PUBLIC_URL: 'http://hatline.test',
    // Tests serve media and receive webhooks on 127.0.0.1; the tests of the URL guard set
    // ALLOW_PRIVATE_URLS themselves (the server's own default is none).
    ALLOW_PRIVATE_URLS: 'webhook,media',
    // No port is opened; loopback keeps the test token acceptable (a strong one is needed on 0.0.0.0).
    HOST: '127.0.0.1',
    NODE_ID: nodeIdFor(dataDir),
    ...opts.env,
  });
  const hatline = await buildHatline({
    config,
    logger: opts.logger ?? silentLogger,
    ...(opts.onDisk ? {} : { dbFile: ':memory:' }),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.wwebjs ? { wwebjs: opts.wwebjs } : {}),
    ...(opts.events ? { events: opts.events } : {}),
    ...(opts.webhookTimings ? { webhookTimings: opts.webhookTimings } : {}),
    ...(opts.urlGuard ? { urlGuard: opts.urlGuard } : {}),
    schedulerCron: null,
  });
  const call = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${TOKEN}`, ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    return Promise.resolve(hatline.app.request(url, init));
  };
  let closed = false;
  let untrack = () => undefined as unknown;
  const server: TestServer = {
    hatline,
    config,
    dir,
    call,
    json: async (method, url, body, headers) => {
      const res = await call(method, url, body, headers);
      const text = await res.text();
      let parsed: any = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: the raw text
      }
      return { status: res.status, body: parsed, res };
    },
    close: async () => {
      if (closed) return;
      closed = true;
      untrack();
      await hatline.close();
      if (!opts.dir) {
        rmSync(dir, { recursive: true, force: true });
        await dropTestDatabase(dataDir);
      }
    },
  };
  untrack = track(() => server.close());
  return server;
}

/** Creates a sandbox instance, connects it and scans its QR; answers its account. */
export async function linkedSandbox(s: TestServer, id: string, phone?: string, name?: string) {
  const created = await s.json('POST', '/api/instance', { id, engine: 'sandbox' });
  if (created.status !== 200) throw new Error(`create ${id}: ${created.status} ${JSON.stringify(created.body)}`);
  await s.json('POST', `/api/instance/${id}/connect`);
  const scan = await s.json('POST', `/api/sandbox/${id}/scan`, { ...(phone ? { phone } : {}), ...(name ? { name } : {}) });
  if (scan.status !== 200) throw new Error(`scan ${id}: ${scan.status} ${JSON.stringify(scan.body)}`);
  return scan.body.account as { id: string; name: string; phone: string };
}

/** Polls `check` until it holds (at most `ms`). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
