/**
 * Deleting an instance while work is in flight (issue 19, a hole an outside test found): sends
 * (with and without an Idempotency-Key), media sends, uploads still streaming and writes of every
 * kind racing the DELETE answer 2xx, 404 or 409, never 500; nothing of the instance is left, its
 * media URLs answer 404, and a new instance with the same id starts with nothing of the old one.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import http, { type Server } from 'node:http';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closesServers, eventually, linkedSandbox, testServer, TOKEN, type TestServer } from './support/app.js';

const A = '905321000201';
const B = '905321000202';
const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const PNG = `data:image/png;base64,${PNG_B64}`;
const TABLES = ['messages', 'bulk_jobs', 'chats', 'contacts', 'chat_groups', 'webhook_events', 'settings', 'idempotency_keys', 'scheduled_messages', 'chatbot_rules'] as const;

interface Listening {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The app on a real port: uploads stream through Node's HTTP server as they do in production. */
function listen(s: TestServer): Promise<Listening> {
  return new Promise((resolve) => {
    const server = serve({ fetch: s.hatline.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            (server as Server).closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

interface Answer {
  what: string;
  status: number;
  body: string;
}

/**
 * A multipart upload that streams slowly: the first part of the file at once, then a chunk every
 * 20 ms until `finish()` is called. Answers the status and body (status 0 when the connection was
 * cut without an answer, which the test counts as a failure too).
 */
function slowUpload(port: number, instanceId: string) {
  const boundary = 'hatline-test-boundary';
  let timer: NodeJS.Timeout | undefined;
  let finish = () => undefined as void;
  const answer = new Promise<Answer>((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/instance/${instanceId}/media/upload`,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ what: 'upload', status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', (err) => resolve({ what: 'upload', status: 0, body: String(err) }));
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
    req.write(Buffer.alloc(64 * 1024, 1));
    timer = setInterval(() => req.write(Buffer.alloc(16 * 1024, 2)), 20);
    finish = () => {
      clearInterval(timer);
      req.end(`\r\n--${boundary}--\r\n`);
    };
  });
  return { answer, finish: () => finish(), stop: () => clearInterval(timer) };
}

async function request(base: string, what: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  try {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { what, status: res.status, body: await res.text() };
  } catch (err) {
    return { what, status: 0, body: String(err) };
  }
}

const race = suite('DELETE /api/instance/:id with work in flight');
closesServers(race);

race('sends, media sends, uploads and writes racing the deletion answer 2xx, 404 or 409; nothing of the instance is left, its media URLs are gone, and the id starts clean', async () => {
  const s = await testServer();
  const server = await listen(s);
  const uploads: ReturnType<typeof slowUpload>[] = [];
  try {
    await linkedSandbox(s, 'a', A);
    await linkedSandbox(s, 'b', B);
    await s.json('POST', '/api/instance/a/settings', { sendDelay: 30 });
    // Media the instance had before: an upload and a sent image, both served until the deletion.
    const before = await fetch(`${server.url}/api/instance/a/media/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: (() => {
        const f = new FormData();
        f.append('file', new Blob([new Uint8Array(Buffer.from(PNG_B64, 'base64'))], { type: 'image/png' }), 'before.png');
        return f;
      })(),
    });
    assert.is(before.status, 200);
    const uploadedUrl = ((await before.json()) as any).file.url.replace('http://hatline.test', server.url) as string;
    const image = await s.json('POST', '/api/instance/a/messages/image', { to: B, image: PNG });
    assert.is(image.status, 200);
    const sentFile = readdirSync(path.join(s.config.mediaDir, 'a')).find((f) => !uploadedUrl.endsWith(f))!;
    const sentUrl = `${server.url}/media/a/${sentFile}`;
    for (const url of [uploadedUrl, sentUrl]) assert.is((await fetch(url)).status, 200, `${url} is served before the deletion`);

    // Work in flight: uploads still streaming, sends queued (30 ms apart) with and without keys,
    // media sends, and writes of every kind.
    for (let i = 0; i < 3; i++) uploads.push(slowUpload(server.port, 'a'));
    const inFlight: Promise<Answer>[] = uploads.map((u) => u.answer);
    for (let i = 0; i < 12; i++) {
      const key: Record<string, string> = i % 2 === 0 ? { 'idempotency-key': `race-${i}` } : {};
      inFlight.push(request(server.url, `chat ${i}`, 'POST', '/api/instance/a/messages/chat', { to: B, body: `race ${i}` }, key));
      if (i % 3 === 0) inFlight.push(request(server.url, `image ${i}`, 'POST', '/api/instance/a/messages/image', { to: B, image: PNG }, { 'idempotency-key': `img-${i}` }));
    }
    await eventually('the uploads under way', () => readdirSync(path.join(s.config.mediaDir, 'a')).filter((f) => f.startsWith('.upload-')).length === 3);
    await eventually('the first sends answered', async () => (await s.json('GET', '/api/instance/a/messages?status=pending')).body.total >= 1);

    const writes = (n: number) => [
      request(server.url, `settings ${n}`, 'POST', '/api/instance/a/settings', { sendDelay: 30 }),
      request(server.url, `rule ${n}`, 'POST', '/api/instance/a/chatbot/rules', { trigger_text: `hi ${n}`, response: 'hello' }),
      request(server.url, `scheduled ${n}`, 'POST', '/api/instance/a/scheduled', { recipient: B, body: 'later', scheduledAt: new Date(Date.now() + 3_600_000).toISOString() }),
      request(server.url, `bulk ${n}`, 'POST', '/api/instance/a/bulk', { recipients: [{ id: B }], body: 'bulk', delay: 0 }),
      request(server.url, `send ${n}`, 'POST', '/api/instance/a/messages/chat', { to: B, body: `racing ${n}` }, { 'idempotency-key': `racing-${n}` }),
    ];
    inFlight.push(...writes(1));
    const deletion = request(server.url, 'delete', 'DELETE', '/api/instance/a');
    inFlight.push(...writes(2));
    await new Promise((r) => setTimeout(r, 5));
    inFlight.push(...writes(3));

    const deleted = await deletion;
    assert.is(deleted.status, 200, deleted.body);
    for (const u of uploads) u.finish();
    const answers = await Promise.all(inFlight);
    const bad = answers.filter((a) => !((a.status >= 200 && a.status < 300) || a.status === 404 || a.status === 409));
    assert.equal(bad, [], 'every request racing the deletion answered 2xx, 404 or 409');
    assert.ok(answers.some((a) => a.status === 404), 'some were refused because the instance was gone');

    const db = s.hatline.database.db;
    for (const table of TABLES) {
      const rows = await db.selectFrom(table).selectAll().where('instance_id', '=', 'a').execute();
      assert.is(rows.length, 0, `${table} rows of the deleted instance`);
    }
    assert.is((await db.selectFrom('instances').selectAll().where('id', '=', 'a').execute()).length, 0);
    assert.not.ok(existsSync(path.join(s.config.mediaDir, 'a')), 'the media folder is gone');
    assert.not.ok(existsSync(s.hatline.registry.sessionDir('a')), 'the session folder is gone');
    for (const url of [uploadedUrl, sentUrl]) assert.is((await fetch(url)).status, 404, `${url} is not served any more`);

    await linkedSandbox(s, 'a', '905321000203');
    assert.equal((await s.json('GET', '/api/instance/a/media/list')).body, [], 'a new instance with the same id has no media');
    assert.is((await s.json('GET', '/api/instance/a/messages')).body.total, 0, 'nor history');
    for (const url of [uploadedUrl, sentUrl]) assert.is((await fetch(url)).status, 404, `${url} is not the new instance's`);
    const fresh = await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'new' }, { 'idempotency-key': 'race-0' });
    assert.is(fresh.status, 200, 'an Idempotency-Key of the old instance is not replayed');
    assert.is.not(fresh.body.id, undefined);
  } finally {
    for (const u of uploads) u.stop();
    await server.close();
  }
});

/** A media server whose answers wait until `release()`: requests that load media stay in flight meanwhile. */
async function heldMediaServer() {
  const waiting: (() => void)[] = [];
  let held = true;
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    const answer = () => res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from(PNG_B64, 'base64'));
    if (held) waiting.push(answer);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/photo.png`,
    requests: () => requests,
    release() {
      held = false;
      for (const answer of waiting.splice(0)) answer();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

race('requests that were loading their media when the deletion came finish before the rows go: no FOREIGN KEY failure, no 500, nothing left', async () => {
  const s = await testServer();
  const media = await heldMediaServer();
  try {
    await linkedSandbox(s, 'a', A);
    await linkedSandbox(s, 'b', B);
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const inFlight = [
      s.json('POST', '/api/instance/a/bulk', { recipients: [{ id: B }], messageType: 'image', mediaUrl: media.url, delay: 0 }),
      s.json('POST', '/api/instance/a/scheduled', { recipient: B, messageType: 'image', mediaUrl: media.url, scheduledAt: later }),
      s.json('POST', '/api/instance/a/messages/image', { to: B, image: media.url }, { 'idempotency-key': 'held-1' }),
    ];
    await eventually('the three requests loading their media', () => media.requests() === 3);
    const deletion = s.json('DELETE', '/api/instance/a');
    await eventually('the instance being deleted', async () => (await s.json('GET', '/api/instance/a/status')).status === 404);
    media.release();
    const answers = await Promise.all(inFlight);
    for (const a of answers) assert.ok([200, 404, 409].includes(a.status), `answered ${a.status}: ${JSON.stringify(a.body)}`);
    assert.is((await deletion).status, 200);
    const db = s.hatline.database.db;
    for (const table of TABLES) {
      assert.is((await db.selectFrom(table).selectAll().where('instance_id', '=', 'a').execute()).length, 0, `${table} rows of the deleted instance`);
    }
    assert.is((await db.selectFrom('bulk_recipients').selectAll().execute()).length, 0, 'no bulk recipients left');
    assert.not.ok(existsSync(path.join(s.config.mediaDir, 'a')), 'the media folder is gone');
  } finally {
    media.release();
    await media.close();
  }
});

race('a deletion that stopped half-way (a crash between the rows and the files) leaves nothing a new instance with the same id inherits', async () => {
  const s = await testServer();
  // What a crash after the rows went and before the folders did leaves behind.
  const media = path.join(s.config.mediaDir, 'ghost');
  mkdirSync(media, { recursive: true });
  writeFileSync(path.join(media, '1700000000000-123456.png'), Buffer.from(PNG_B64, 'base64'));
  const session = s.hatline.registry.sessionDir('ghost');
  mkdirSync(session, { recursive: true });
  writeFileSync(path.join(session, 'left-over'), 'an old session');
  const server = await listen(s);
  try {
    assert.is((await fetch(`${server.url}/media/ghost/1700000000000-123456.png`)).status, 404, 'media of no instance is not served');
    assert.is((await s.json('POST', '/api/instance', { id: 'ghost', engine: 'sandbox' })).status, 200);
    assert.equal((await s.json('GET', '/api/instance/ghost/media/list')).body, [], 'the new instance has none of the old media');
    assert.is((await fetch(`${server.url}/media/ghost/1700000000000-123456.png`)).status, 404);
    assert.not.ok(existsSync(path.join(session, 'left-over')), 'nor the old session');
    // The check can fail: an instance's own media is served.
    await linkedSandbox(s, 'own', '905321000204');
    await s.json('POST', '/api/instance/own/messages/image', { to: B, image: PNG });
    const [file] = readdirSync(path.join(s.config.mediaDir, 'own'));
    assert.is((await fetch(`${server.url}/media/own/${file}`)).status, 200);
  } finally {
    await server.close();
  }
});

race('creating an instance with the id of one being deleted answers 409 until the deletion is done', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  const deletion = s.json('DELETE', '/api/instance/a');
  const during = await s.json('POST', '/api/instance', { id: 'a', engine: 'sandbox' });
  assert.is(during.status, 409, JSON.stringify(during.body));
  assert.match(during.body.error, /being deleted/);
  assert.is((await deletion).status, 200);
  assert.is((await s.json('POST', '/api/instance', { id: 'a', engine: 'sandbox' })).status, 200, 'then the id is free');
});

race.run();
