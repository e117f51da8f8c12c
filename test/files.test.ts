import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { as, createEmbedToken, createKey } from './support/access.js';
import { closesServers, eventually, linkedSandbox, testServer, type TestServer } from './support/app.js';

closesServers(test);

const A = '905321000211';
const B = '905321000212';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n% a tiny test file\n');
const OGG = Buffer.from('OggS fake voice note');
const HTML = Buffer.from('<script>alert(1)</script>');
const uri = (mime: string, data: Buffer) => `data:${mime};base64,${data.toString('base64')}`;

const list = async (s: TestServer, query = '') => {
  const res = await s.json('GET', `/api/files${query}`);
  assert.is(res.status, 200, JSON.stringify(res.body));
  return res.body;
};

/** A and B linked; A sends an image and a PDF to B; B's side sends A a voice note and an HTML file. */
async function withFiles(): Promise<TestServer> {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  assert.is((await s.json('POST', '/api/instance/a/messages/image', { to: B, image: uri('image/png', PNG), caption: 'Ürün görseli' })).status, 200);
  assert.is((await s.json('POST', '/api/instance/a/messages/document', { to: B, document: uri('application/pdf', PDF), filename: 'fiyat listesi.pdf' })).status, 200);
  assert.is((await s.json('POST', '/api/sandbox/a/incoming', { from: '905550002001', type: 'ptt', media: uri('audio/ogg', OGG) })).status, 200);
  assert.is((await s.json('POST', '/api/sandbox/a/incoming', { from: '905550002001', type: 'document', media: uri('text/html', HTML) })).status, 200);
  await eventually('B received both', async () => (await s.json('GET', '/api/instance/b/messages')).body.total === 2);
  await eventually('A stored the incoming two', async () => (await s.json('GET', '/api/instance/a/messages?status=received')).body.total === 2);
  return s;
}

test('GET /api/files lists every media file of every message, in and out, newest first, with counts per type', async () => {
  const s = await withFiles();
  assert.is((await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'no file here' })).status, 200);
  const all = await list(s);
  assert.equal(all.counts, { all: 6, image: 2, video: 0, audio: 1, document: 3 });
  assert.is(all.items.length, 6, 'text messages are not files');
  const ofA = await list(s, '?instanceId=a');
  assert.equal(ofA.counts, { all: 4, image: 1, video: 0, audio: 1, document: 2 });
  assert.equal(ofA.items.map((f: any) => [f.kind, f.messageType, f.fromMe]), [
    ['document', 'document', false],
    ['audio', 'ptt', false],
    ['document', 'document', true],
    ['image', 'image', true],
  ]);
  const image = ofA.items[3];
  assert.equal([image.mimetype, image.size, image.caption, image.chatId], ['image/png', PNG.length, 'Ürün görseli', `${B}@s.whatsapp.net`]);
  assert.is(image.rawUrl, `/api/files/${image.id}/raw`);
  assert.match(image.url, /^http:\/\/hatline\.test\/media\/a\//);

  assert.equal((await list(s, '?type=image')).items.map((f: any) => f.instanceId).sort(), ['a', 'b'], 'the image sent by A and received by B');
  assert.equal((await list(s, '?type=audio')).items.length, 1);
  assert.equal((await list(s, '?q=FIYAT')).items.map((f: any) => f.filename), ['fiyat listesi.pdf', 'fiyat listesi.pdf']);
  assert.equal((await list(s, `?q=${encodeURIComponent('ÜRÜN')}&instanceId=a`)).items.map((f: any) => f.kind), ['image']);
  assert.is((await list(s, '?limit=2')).items.length, 2);
  for (const q of ['?type=pdf', '?limit=0', '?limit=501']) assert.is((await s.json('GET', `/api/files${q}`)).status, 400, q);
  assert.is((await s.json('GET', '/api/files?instanceId=nope')).status, 404);
});

test('GET /api/files/{id}/raw answers the bytes (also by message:{messageId}); download=1 saves it; what could run on the page is a download', async () => {
  const s = await withFiles();
  const files = (await list(s, '?instanceId=a')).items;
  const image = files.find((f: any) => f.kind === 'image');
  const res = await s.call('GET', `/api/files/${image.id}/raw`);
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-type'), 'image/png');
  assert.match(res.headers.get('content-disposition')!, /^inline/);
  assert.is(res.headers.get('x-content-type-options'), 'nosniff');
  assert.ok(Buffer.from(await res.arrayBuffer()).equals(PNG));

  const pdf = files.find((f: any) => f.filename === 'fiyat listesi.pdf');
  const download = await s.call('GET', `/api/files/message:${pdf.messageId}/raw?download=1&instanceId=a`);
  assert.is(download.status, 200);
  assert.is(download.headers.get('content-disposition'), `attachment; filename="fiyat listesi.pdf"; filename*=UTF-8''fiyat%20listesi.pdf`);
  assert.ok(Buffer.from(await download.arrayBuffer()).equals(PDF));

  const html = files.find((f: any) => f.mimetype === 'text/html');
  const risky = await s.call('GET', `/api/files/${html.id}/raw`);
  assert.match(risky.headers.get('content-disposition')!, /^attachment/);
  assert.match(risky.headers.get('content-security-policy')!, /sandbox/);
  await risky.arrayBuffer();

  assert.is((await s.json('GET', '/api/files/999999/raw')).status, 404);
  assert.is((await s.json('GET', '/api/files/message:NOPE/raw')).status, 404);
  const bad = await s.json('GET', '/api/files/abc/raw');
  assert.is(bad.status, 400);
  assert.match(bad.body.error, /id: "abc" is neither a file id nor message:\{messageId\}/);

  // A file gone from disk is a 404 that says so.
  assert.is((await s.json('POST', '/api/instance/a/media/delete', { filename: image.url.split('/').pop() })).status, 200);
  const gone = await s.json('GET', `/api/files/${image.id}/raw`);
  assert.is(gone.status, 404);
  assert.match(gone.body.error, /no longer on disk/);
});

test('counts follow the history: a cleared history has no files; keys see their instances\' files only; embed tokens are refused', async () => {
  const s = await withFiles();
  const key = as(s, (await createKey(s, { name: 'b', scope: 'instance', instanceIds: ['b'], permissions: ['read'] })).plain);
  const seen = (await key('GET', '/api/files')).body;
  assert.equal(seen.counts, { all: 2, image: 1, video: 0, audio: 0, document: 1 });
  assert.ok(seen.items.every((f: any) => f.instanceId === 'b'));
  const ofA = (await list(s, '?instanceId=a')).items[0];
  assert.is((await key('GET', `/api/files/${ofA.id}/raw`)).status, 404);
  assert.is((await key('GET', `/api/files/message:${ofA.messageId}/raw`)).status, 404);
  assert.is((await key('GET', '/api/files?instanceId=a')).status, 404);
  const ofB = seen.items[0];
  const raw = await s.call('GET', `/api/files/${ofB.id}/raw`, undefined, { authorization: `Bearer ${(await createKey(s, { name: 'b2', scope: 'instance', instanceIds: ['b'], permissions: ['read'] })).plain}` });
  assert.is(raw.status, 200);
  await raw.arrayBuffer();

  const embed = await createEmbedToken(s, { customerLabel: 'Acme', instanceIds: ['a'], permissions: 'read' });
  assert.is((await s.json('GET', '/api/files', undefined, { authorization: '', 'x-embed-token': embed.token })).status, 403);

  assert.is((await s.json('POST', '/api/instance/a/clear')).status, 200);
  assert.equal((await list(s, '?instanceId=a')).counts.all, 0);
  assert.equal((await list(s)).counts.all, 2);
});

test.run();
