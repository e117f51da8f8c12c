/**
 * The stack's floor (issue 21): what Hono + @hono/zod-openapi + better-sqlite3 do for a send-like
 * request with nothing of Hatline around it. One route, `POST /api/instance/{id}/messages/chat`
 * `{ to, body }`, checks a bearer token, validates the body with zod, and answers `{ sent, id }` once
 * one row is durably inserted (on disk, WAL, synchronous=NORMAL as the real server), the inserts of
 * one event-loop turn sharing a transaction (group commit). Built as a competent engineer would
 * in an afternoon; it is the limit the send path is compared with (bench/send.ts runs both).
 *
 * `startFloor()` spawns it as a child process, as the real server is; run by hand with
 * `npx tsx bench/floor.ts <port> <dir>`.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import SQLite from 'better-sqlite3';
import { startChildServer, type ChildServer } from './support/child-server.js';
import { removeDir, tempDir, TOKEN } from './support/server.js';

function floorApp(file: string) {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`create table if not exists messages (
    seq integer primary key, instance_id text not null, id text not null, chat_id text not null,
    body text not null, status text not null, timestamp integer not null, unique (instance_id, id))`);
  const insert = db.prepare('insert into messages (instance_id, id, chat_id, body, status, timestamp) values (?, ?, ?, ?, ?, ?)');

  // Group commit: the inserts of one turn of the event loop share a transaction and one commit.
  type Row = [string, string, string, string, string, number];
  let queue: { row: Row; done: (err?: unknown) => void }[] = [];
  const commit = db.transaction((rows: Row[]) => rows.forEach((r) => insert.run(...r)));
  const flush = () => {
    const batch = queue;
    queue = [];
    try {
      commit(batch.map((q) => q.row));
      batch.forEach((q) => q.done());
    } catch (err) {
      batch.forEach((q) => q.done(err));
    }
  };
  const write = (row: Row) =>
    new Promise<void>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ row, done: (err) => (err ? reject(err) : resolve()) });
    });

  const app = new OpenAPIHono();
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.use('/api/*', async (c, next) => {
    if (c.req.header('authorization') !== `Bearer ${TOKEN}`) return c.json({ error: 'unauthorized' }, 401);
    await next();
  });
  const route = createRoute({
    method: 'post',
    path: '/api/instance/{id}/messages/chat',
    request: {
      params: z.object({ id: z.string().min(1).max(64) }),
      body: { content: { 'application/json': { schema: z.object({ to: z.string().regex(/^\+?\d{6,20}$/), body: z.string().min(1).max(4096) }) } }, required: true },
    },
    responses: { 200: { description: 'stored', content: { 'application/json': { schema: z.object({ sent: z.literal(true), id: z.string() }) } } } },
  });
  app.openapi(route, async (c) => {
    const { id: instance } = c.req.valid('param');
    const { to, body } = c.req.valid('json');
    const id = `3EB0${randomBytes(8).toString('hex').toUpperCase()}`;
    await write([instance, id, `${to.replace(/^\+/, '')}@s.whatsapp.net`, body, 'sent', Math.floor(Date.now() / 1000)]);
    return c.json({ sent: true as const, id }, 200);
  });
  return app;
}

export type FloorServer = ChildServer;

/** Spawns the floor server on a free port with its database in a temp folder; resolves once it answers. */
export async function startFloor(): Promise<FloorServer> {
  const dir = tempDir('floor');
  const child = await startChildServer(import.meta.url, [dir], 'the floor server');
  return { ...child, stop: async () => (await child.stop(), removeDir(dir)) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [port, dir] = process.argv.slice(2);
  if (!port || !dir) throw new Error('usage: npx tsx bench/floor.ts <port> <dir>');
  serve({ fetch: floorApp(path.join(dir, 'floor.db')).fetch, port: Number(port), hostname: '127.0.0.1' });
  process.on('SIGTERM', () => process.exit(0));
}
