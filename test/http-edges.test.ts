/**
 * Holes an outside test found at the edges of the HTTP API (issue 19): `chats` and `contacts`
 * answered every row at once (now pages on request, in the seed's limit/page style); a client's
 * abort was logged as an internal error; a missing or odd Content-Type answered outside the
 * documented error set.
 */
import http, { type Server } from 'node:http';
import { serve } from '@hono/node-server';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closesServers, eventually, linkedSandbox, testServer, TOKEN, type TestServer } from './support/app.js';
import { RecordingLogger } from './support/recording-logger.js';

const A = '905321000501';
const B = '905321000502';

function listen(s: TestServer): Promise<{ port: number; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: s.hatline.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      resolve({
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

/** A raw request (no header added for us); `cut` sends only that many bytes of the body and drops the connection. */
function raw(port: number, path: string, headers: Record<string, string>, body: string | Buffer, cut?: number): Promise<{ status: number; body: any }> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path, agent: false, headers: { authorization: `Bearer ${TOKEN}`, ...headers } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // keep the text
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('error', () => resolve({ status: 0, body: 'connection closed' }));
    if (cut === undefined) {
      req.end(body);
      return;
    }
    // Dropped 100 ms after the bytes reached the socket, not after they were queued: on a slow run the
    // connection may not be up yet, and a request dropped before that never reaches the server at all.
    req.write(Buffer.from(body).subarray(0, cut), () => setTimeout(() => req.destroy(), 100));
  });
}

const paging = suite('GET .../chats and .../contacts in pages');
closesServers(paging);

paging('without limit or page they answer every row as an array; with them, a page { items, page, limit, total } of the same list', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  for (let i = 0; i < 7; i++) {
    const r = await s.json('POST', '/api/sandbox/a/incoming', { from: `9055512300${String(i).padStart(2, '0')}`, name: `P${i}`, body: `hello ${i}` });
    assert.is(r.status, 200);
  }
  await s.hatline.services.messages.settled('a');
  for (const list of ['chats', 'contacts']) {
    const all = await s.json('GET', `/api/instance/a/${list}`);
    assert.is(all.status, 200);
    assert.ok(Array.isArray(all.body), `${list}: the seed's array when no page is asked`);
    assert.is(all.body.length, 7);
    const pages: unknown[] = [];
    for (let page = 1; page <= 4; page++) {
      const res = await s.json('GET', `/api/instance/a/${list}?limit=2&page=${page}`);
      assert.is(res.status, 200);
      assert.equal({ ...res.body, items: undefined }, { items: undefined, page, limit: 2, total: 7 });
      assert.is(res.body.items.length, page < 4 ? 2 : 1);
      pages.push(...res.body.items);
    }
    assert.equal(pages, all.body, `${list}: the pages, one after another, are the list`);
    const onlyPage = await s.json('GET', `/api/instance/a/${list}?page=1`);
    assert.equal([onlyPage.body.limit, onlyPage.body.items.length], [100, 7], `${list}: page alone takes the default limit`);
    for (const bad of ['limit=0', 'limit=1001', 'page=0', 'limit=x']) {
      const res = await s.json('GET', `/api/instance/a/${list}?${bad}`);
      assert.is(res.status, 400, `${list}?${bad}`);
      assert.match(res.body.error, /^(limit|page): /);
    }
  }
  const contacts = (await s.json('GET', '/api/instance/a/contacts?limit=100')).body.items as { id: string }[];
  assert.not.ok(contacts.some((c) => c.id.startsWith(A)), 'the account itself is not a contact on a page either');
});

paging('the pages are in /openapi.json and the README', async () => {
  const s = await testServer();
  const doc = (await s.json('GET', '/openapi.json')).body;
  for (const list of ['chats', 'contacts']) {
    const op = doc.paths[`/api/instance/{instanceId}/${list}`].get;
    assert.equal(op.parameters.filter((p: any) => p.in === 'query').map((p: any) => p.name).sort(), ['limit', 'page']);
  }
  const { readFileSync } = await import('node:fs');
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  assert.match(readme, /`chats\?limit=100&page=1`/);
  assert.match(readme, /`contacts\?limit=100&page=1`/);
});

const aborts = suite('a request the client aborts');
closesServers(aborts);

aborts('is logged as aborted at info, not as an internal error: a JSON body cut off, and an upload cut off', async () => {
  const logger = new RecordingLogger();
  const s = await testServer({ logger });
  const server = await listen(s);
  try {
    await linkedSandbox(s, 'a', A);
    const json = JSON.stringify({ to: B, image: `data:image/png;base64,${'A'.repeat(200_000)}` });
    await raw(server.port, '/api/instance/a/messages/image', { 'content-type': 'application/json', 'content-length': String(json.length) }, json, 50_000);
    const boundary = 'edge-boundary';
    const multipart = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\nContent-Type: application/octet-stream\r\n\r\n${'x'.repeat(100_000)}\r\n--${boundary}--\r\n`;
    await raw(server.port, '/api/instance/a/media/upload', { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(multipart.length) }, multipart, 20_000);
    const aborted = await eventually('both aborts logged', () => {
      const lines = logger.lines.filter((l) => l.msg === 'request aborted by the client');
      return lines.length === 2 ? lines : false;
    });
    assert.equal(aborted.map((l) => l.level), ['info', 'info']);
    assert.equal(aborted.map((l) => l.fields.path).sort(), ['/api/instance/a/media/upload', '/api/instance/a/messages/image']);
    assert.equal(logger.lines.filter((l) => l.level === 'error' || l.level === 'warn'), [], 'nothing logged as an error or a failed request');
  } finally {
    await server.close();
  }
});

const types = suite('Content-Type of a request body');
closesServers(types);

types('a body without a Content-Type is read as JSON; an odd one answers 400 in the error shape naming what is accepted, never 415', async () => {
  const s = await testServer();
  const server = await listen(s);
  try {
    await linkedSandbox(s, 'a', A);
    const body = JSON.stringify({ to: B, body: 'no content type' });
    const missing = await raw(server.port, '/api/instance/a/messages/chat', { 'content-length': String(body.length) }, body);
    assert.is(missing.status, 200, JSON.stringify(missing.body));
    assert.is(missing.body.sent, true);
    const empty = await raw(server.port, '/api/instance/a/messages/chat', { 'content-type': '', 'content-length': String(body.length) }, body);
    assert.is(empty.status, 200, JSON.stringify(empty.body));
    const notJson = await raw(server.port, '/api/instance/a/messages/chat', { 'content-length': '9' }, 'not json!');
    assert.equal([notJson.status, notJson.body.code], [400, 'bad_request']);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', ';;']) {
      const res = await raw(server.port, '/api/instance/a/messages/chat', { 'content-type': type, 'content-length': String(body.length) }, body);
      assert.is(res.status, 400, `${type}: ${JSON.stringify(res.body)}`);
      assert.equal(Object.keys(res.body).sort(), ['code', 'error', 'requestId']);
      assert.match(res.body.error, /Content-Type .* is not accepted: send JSON with Content-Type: application\/json/);
    }
    const doc = (await s.json('GET', '/openapi.json')).body;
    const statuses = Object.values(doc.paths).flatMap((p: any) => Object.values(p).flatMap((op: any) => Object.keys(op.responses ?? {})));
    assert.not.ok(statuses.includes('415'), 'no route documents a 415');
  } finally {
    await server.close();
  }
});

const small = suite('small JSON bodies, read straight from the socket');
closesServers(small);

/** A JSON POST written in two pieces, `split` bytes first (a character may be cut between them). */
function inTwoPieces(port: number, path: string, body: Buffer, split: number): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path, agent: false, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'content-length': String(body.length) } },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.write(body.subarray(0, split));
    setTimeout(() => req.end(body.subarray(split)), 50);
  });
}

small('are read whole and as UTF-8 (a character cut between two packets, a leading BOM as Request.text() drops it); bad JSON is a 400', async () => {
  const s = await testServer();
  const server = await listen(s);
  try {
    await linkedSandbox(s, 'a', A);
    const text = 'Merhaba dünya: ğüşıöç ✓';
    const body = Buffer.from(JSON.stringify({ to: B, body: text }));
    const cut = body.indexOf(Buffer.from('ü')) + 1; // inside the two bytes of ü
    const sent = await inTwoPieces(server.port, '/api/instance/a/messages/chat', body, cut);
    assert.is(sent.status, 200, JSON.stringify(sent.body));
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ to: B, body: 'after a BOM' }))]);
    const bom = await inTwoPieces(server.port, '/api/instance/a/messages/chat', withBom, 1);
    assert.is(bom.status, 200, JSON.stringify(bom.body));
    const history = (await s.json('GET', '/api/instance/a/messages?limit=10')).body.items as { id: string; body: string }[];
    assert.is(history.find((m) => m.id === sent.body.id)?.body, text);
    assert.is(history.find((m) => m.id === bom.body.id)?.body, 'after a BOM');
    const bad = await raw(server.port, '/api/instance/a/messages/chat', { 'content-type': 'application/json', 'content-length': '8' }, '{"to": [');
    assert.equal([bad.status, bad.body.code], [400, 'bad_request']);
    assert.match(bad.body.error, /Malformed JSON/);
  } finally {
    await server.close();
  }
});

paging.run();
aborts.run();
types.run();
small.run();
