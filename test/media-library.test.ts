import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { eventually, linkedSandbox, testServer, TOKEN, type TestServer, closesServers } from './support/app.js';

const A = '905321000041';
const B = '905321000042';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n% a tiny test document\n');
const MB = 1024 * 1024;
const GENERATED = /^\d{13}-\d{6}\.[a-z0-9]+$/;

/** The app on a real port (multipart uploads stream through Node's HTTP server). */
async function listen(s: TestServer): Promise<{ url: string; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: s.hatline.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            (server as Server).closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

const form = (field: string, bytes: Buffer, name: string, type?: string) => {
  const f = new FormData();
  f.append(field, new Blob([new Uint8Array(bytes)], type ? { type } : {}), name);
  return f;
};

async function upload(base: string, instanceId: string, body: FormData | string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/api/instance/${instanceId}/media/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, ...headers },
    body,
  });
  return { status: res.status, body: (await res.json()) as any };
}

const folder = (s: TestServer, id: string) => path.join(s.config.mediaDir, id);
const filesIn = (s: TestServer, id: string) => (existsSync(folder(s, id)) ? readdirSync(folder(s, id)).sort() : []);

const up = suite('POST /api/instance/:id/media/upload');
closesServers(up);

up('streams the file into the instance\'s folder under a generated name and answers the seed\'s shape', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'up', engine: 'sandbox' });
  const http = await listen(s);
  try {
    const res = await upload(http.url, 'up', form('file', PNG, 'photo.png', 'image/png'));
    assert.is(res.status, 200, JSON.stringify(res.body));
    const { filename } = res.body.file;
    assert.match(filename, GENERATED);
    assert.match(filename, /\.png$/);
    assert.equal(res.body, {
      success: true,
      file: { filename, originalname: 'photo.png', mimetype: 'image/png', size: PNG.length, url: `http://hatline.test/media/up/${filename}` },
    });
    assert.equal(filesIn(s, 'up'), [filename], 'only the stored file, no temporary one');
    assert.equal(readFileSync(path.join(folder(s, 'up'), filename)), PNG);

    const served = await fetch(`${http.url}/media/up/${filename}`);
    assert.is(served.status, 200);
    assert.is(served.headers.get('content-type'), 'image/png');
    assert.equal(Buffer.from(await served.arrayBuffer()), PNG);
  } finally {
    await http.close();
    await s.close();
  }
});

up('never uses the client\'s name: a name with a path or a Turkish name is stored under a generated one and reported as given', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'up', engine: 'sandbox' });
  const http = await listen(s);
  try {
    const evil = await upload(http.url, 'up', form('file', PDF, '../../evil.pdf', 'application/pdf'));
    assert.is(evil.status, 200);
    assert.match(evil.body.file.filename, GENERATED);
    assert.match(evil.body.file.filename, /\.pdf$/);
    const turkish = await upload(http.url, 'up', form('file', PDF, 'rapor-şubat.pdf'));
    assert.is(turkish.body.file.originalname, 'rapor-şubat.pdf');
    assert.is(turkish.body.file.mimetype, 'application/pdf', 'from the name when the part has no type');
    assert.equal(filesIn(s, 'up'), [evil.body.file.filename, turkish.body.file.filename].sort());
    assert.not.ok(existsSync(path.join(s.config.mediaDir, '..', 'evil.pdf')));
  } finally {
    await http.close();
    await s.close();
  }
});

up('an upload the client aborts half way leaves nothing on disk (the temporary file goes too)', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'up', engine: 'sandbox' });
  const http = await listen(s);
  try {
    const kept = await upload(http.url, 'up', form('file', PNG, 'keep.png', 'image/png'));
    assert.is(kept.status, 200);
    assert.equal(filesIn(s, 'up'), [kept.body.file.filename], 'a finished upload is kept');
    const boundary = 'hatline-abort';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
    const { request } = await import('node:http');
    const req = request(`${http.url}/api/instance/up/media/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + 8 * MB) },
    });
    req.on('error', () => undefined);
    req.write(head);
    req.write(Buffer.alloc(2 * MB, 1));
    await eventually('the temporary file being written', () => filesIn(s, 'up').some((f) => f.startsWith('.upload-')));
    req.destroy();
    await eventually('nothing but the kept file', () => filesIn(s, 'up').length === 1 && filesIn(s, 'up')[0] === kept.body.file.filename);
  } finally {
    await http.close();
    await s.close();
  }
});

up('a file over 64 MB is refused with 413 and nothing is left on disk', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'up', engine: 'sandbox' });
  const http = await listen(s);
  try {
    const kept = await upload(http.url, 'up', form('file', PNG, 'keep.png', 'image/png'));
    const before = filesIn(s, 'up');
    const res = await upload(http.url, 'up', form('file', Buffer.alloc(64 * MB + 1024, 7), 'big.bin', 'application/octet-stream'));
    assert.is(res.status, 413);
    assert.match(res.body.error, /^file: .*64 MB/);
    assert.equal(filesIn(s, 'up'), before, 'no new or partial file');
    assert.equal(before, [kept.body.file.filename]);
    const list = await s.json('GET', '/api/instance/up/media/list');
    assert.equal(list.body.map((f: any) => f.filename), [kept.body.file.filename]);
  } finally {
    await http.close();
    await s.close();
  }
});

up('answers 400 without a file, for another field name, for an empty file or a JSON body; 404 for an unknown instance', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'up', engine: 'sandbox' });
  const http = await listen(s);
  try {
    const noFile = new FormData();
    noFile.append('note', 'no file here');
    const cases: [string, FormData | string, Record<string, string>?][] = [
      ['no file', noFile],
      ['another field', form('photo', PNG, 'photo.png', 'image/png')],
      ['empty file', form('file', Buffer.alloc(0), 'empty.png', 'image/png')],
      ['JSON', JSON.stringify({ file: 'x' }), { 'content-type': 'application/json' }],
    ];
    for (const [what, body, headers] of cases) {
      const res = await upload(http.url, 'up', body, headers);
      assert.is(res.status, 400, what);
      assert.match(res.body.error, /^file: /, what);
    }
    assert.equal(filesIn(s, 'up'), [], 'nothing kept');
    const unknown = await upload(http.url, 'nope', form('file', PNG, 'photo.png', 'image/png'));
    assert.is(unknown.status, 404);
    assert.not.ok(existsSync(folder(s, 'nope')), 'no folder for an unknown instance');
  } finally {
    await http.close();
    await s.close();
  }
});

up('works in-process too (app.request, where there is no Node request)', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'up', engine: 'sandbox' });
  const res = await s.hatline.app.request('/api/instance/up/media/upload', {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}` },
    body: form('file', PNG, 'photo.png', 'image/png'),
  });
  assert.is(res.status, 200);
  const body = (await res.json()) as any;
  assert.equal(readFileSync(path.join(folder(s, 'up'), body.file.filename)), PNG);
  await s.close();
});

up.run();

const trip = suite('the media round trip');
closesServers(trip);

trip('upload, send by its URL, the recipient gets the same bytes, list, delete', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  const http = await listen(s);
  try {
    const uploaded = (await upload(http.url, 'a', form('file', PNG, 'photo.png', 'image/png'))).body.file;
    const sent = await s.json('POST', '/api/instance/a/messages/image', { to: B, image: uploaded.url, caption: 'yüklenen' });
    assert.equal([sent.status, sent.body.sent], [200, true], JSON.stringify(sent.body));

    const mine = (await s.json('GET', `/api/instance/a/chats/messages?chatId=${B}`)).body.items[0];
    assert.is(mine.media.url, uploaded.url, 'the sent message references the library file, no second copy');
    assert.equal(filesIn(s, 'a'), [uploaded.filename]);

    const got = await eventually('image at B', async () =>
      (await s.json('GET', `/api/instance/b/chats/messages?chatId=${A}`)).body.items.find((m: any) => m.id === sent.body.id),
    );
    const atB = await fetch(`${http.url}${new URL(got.media.url).pathname}`);
    assert.is(atB.headers.get('content-type'), 'image/png');
    assert.equal(Buffer.from(await atB.arrayBuffer()), PNG);

    const list = await s.json('GET', '/api/instance/a/media/list');
    assert.is(list.status, 200);
    assert.is(list.body.length, 1);
    const [entry] = list.body;
    assert.equal({ ...entry, created: '' }, { filename: uploaded.filename, size: PNG.length, url: uploaded.url, created: '' });
    assert.ok(Math.abs(Date.parse(entry.created) - Date.now()) < 60_000, 'created is an ISO time of now');

    const del = await s.json('POST', '/api/instance/a/media/delete', { filename: uploaded.filename });
    assert.equal([del.status, del.body], [200, { success: true, deleted: uploaded.filename }]);
    assert.equal((await s.json('GET', '/api/instance/a/media/list')).body, []);
    assert.is((await fetch(`${http.url}/media/a/${uploaded.filename}`)).status, 404);
    assert.equal(filesIn(s, 'a'), []);
  } finally {
    await http.close();
    await s.close();
  }
});

trip.run();

const lib = suite('media/list and media/delete');
closesServers(lib);

lib('received media is stored the same way: a generated name, referenced by the message, listed by media/list', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  const id = (await s.json('POST', '/api/sandbox/a/incoming', { from: '905551112233', media: `data:application/pdf;base64,${PDF.toString('base64')}` })).body.id;
  const message = await eventually('stored', async () => (await s.json('GET', '/api/instance/a/messages')).body.items.find((m: any) => m.id === id));
  const filename = decodeURIComponent(new URL(message.media.url).pathname.split('/').pop()!);
  assert.match(filename, GENERATED);
  const list = (await s.json('GET', '/api/instance/a/media/list')).body;
  assert.equal(list.map((f: any) => [f.filename, f.size, f.url]), [[filename, PDF.length, message.media.url]]);
  const res = await s.hatline.app.request(new URL(message.media.url).pathname);
  assert.is(res.headers.get('content-type'), 'application/pdf');
  await s.close();
});

lib('media/list answers [] for an instance without files and lists the newest first', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'm', engine: 'sandbox' });
  assert.equal((await s.json('GET', '/api/instance/m/media/list')).body, []);
  mkdirSync(folder(s, 'm'), { recursive: true });
  writeFileSync(path.join(folder(s, 'm'), '1711100000000-111111.pdf'), PDF);
  await new Promise((r) => setTimeout(r, 20));
  writeFileSync(path.join(folder(s, 'm'), '1711100000001-222222.png'), PNG);
  writeFileSync(path.join(folder(s, 'm'), '.upload-0123456789abcdef'), 'half written');
  const list = await s.json('GET', '/api/instance/m/media/list');
  assert.equal(list.body.map((f: any) => f.filename), ['1711100000001-222222.png', '1711100000000-111111.pdf'], 'uploads in progress are not listed');
  assert.is((await s.json('GET', '/api/instance/nope/media/list')).status, 404);
  await s.close();
});

lib('media/delete takes the filename from a POST or DELETE body or the query, and answers 404 when there is no such file', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'm', engine: 'sandbox' });
  mkdirSync(folder(s, 'm'), { recursive: true });
  for (const n of ['1-1.png', '2-2.png', '3-3.png']) writeFileSync(path.join(folder(s, 'm'), n), PNG);
  assert.equal((await s.json('DELETE', '/api/instance/m/media/delete', { filename: '1-1.png' })).body, { success: true, deleted: '1-1.png' });
  assert.equal((await s.json('DELETE', '/api/instance/m/media/delete?filename=2-2.png')).body, { success: true, deleted: '2-2.png' });
  assert.equal((await s.json('POST', '/api/instance/m/media/delete?filename=3-3.png')).body, { success: true, deleted: '3-3.png' });
  assert.equal(filesIn(s, 'm'), []);
  const missing = await s.json('POST', '/api/instance/m/media/delete', { filename: '1-1.png' });
  assert.is(missing.status, 404);
  assert.match(missing.body.error, /^filename: /);
  const none = await s.json('POST', '/api/instance/m/media/delete', {});
  assert.equal([none.status, none.body.error], [400, 'filename: is required']);
  assert.is((await s.json('POST', '/api/instance/nope/media/delete', { filename: '1-1.png' })).status, 404);
  await s.close();
});

lib('media/delete refuses names with "/", "\\", ".." or NUL (400) and nothing outside the instance\'s folder is deleted or read', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'm', engine: 'sandbox' });
  await s.json('POST', '/api/instance', { id: 'other', engine: 'sandbox' });
  mkdirSync(folder(s, 'm'), { recursive: true });
  mkdirSync(folder(s, 'other'), { recursive: true });
  const secret = path.join(s.config.mediaDir, 'secret.txt');
  const theirs = path.join(folder(s, 'other'), '1-1.png');
  writeFileSync(secret, 'do not touch');
  writeFileSync(theirs, PNG);
  writeFileSync(path.join(folder(s, 'm'), '1-1.png'), PNG);
  const names = ['../secret.txt', '..', '../other/1-1.png', 'other/1-1.png', '..\\secret.txt', '1-1.png\u0000', '/etc/passwd', '..secret.txt'];
  for (const filename of names) {
    for (const [method, url, body] of [
      ['POST', '/api/instance/m/media/delete', { filename }],
      ['DELETE', `/api/instance/m/media/delete?filename=${encodeURIComponent(filename)}`, undefined],
    ] as const) {
      const res = await s.json(method, url, body);
      assert.is(res.status, 400, `${method} ${JSON.stringify(filename)}`);
      assert.match(res.body.error, /^filename: /);
    }
  }
  assert.ok(existsSync(secret) && existsSync(theirs), 'files outside the folder are untouched');
  assert.equal(filesIn(s, 'm'), ['1-1.png']);

  for (const p of ['/media/m/..%2Fsecret.txt', '/media/m/%2E%2E%2Fother%2F1-1.png', '/media/..%2Fsecret.txt/x', '/media/m/..%5Csecret.txt']) {
    const res = await s.hatline.app.request(p);
    assert.ok(res.status === 400 || res.status === 404, `${p}: ${res.status}`);
    assert.not.match(await res.text(), /do not touch/);
  }
  await s.close();
});

lib.run();
