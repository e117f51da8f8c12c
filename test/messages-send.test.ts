import { readFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { eventually, linkedSandbox, testServer, type TestServer, closesServers } from './support/app.js';
import { closedPort, fileServer } from './support/http-fixture.js';

const A = '905321000001';
const B = '905321000002';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n% a tiny test document\n');
const OGG = Buffer.from('OggS\u0000\u0002fake opus payload');
const WEBP = Buffer.from('RIFF\u0000\u0000\u0000\u0000WEBPVP8 fake');
const MP4 = Buffer.from('\u0000\u0000\u0000\u0018ftypmp42 fake video');
const dataUri = (mime: string, b: Buffer) => `data:${mime};base64,${b.toString('base64')}`;

async function pair(): Promise<TestServer> {
  const s = await testServer();
  await linkedSandbox(s, 'a', A, 'Ayşe');
  await linkedSandbox(s, 'b', B, 'Burak');
  return s;
}

const history = async (s: TestServer, id: string, query = '') => (await s.json('GET', `/api/instance/${id}/messages${query}`)).body;

const sends = suite('sends between two sandbox instances');
closesServers(sends);

sends('each send kind from A arrives at B with its type and intact media, stored on both sides, delivered then read', async () => {
  const s = await pair();
  const files = await fileServer({ '/photo.png': ['image/png', PNG] });
  try {
    const cases: { route: string; body: Record<string, unknown>; type: string; bytes?: Buffer; check?: (m: any) => void }[] = [
      { route: 'chat', body: { body: 'Merhaba!' }, type: 'chat', check: (m) => assert.is(m.body, 'Merhaba!') },
      { route: 'image', body: { image: `${files.url}/photo.png`, caption: 'Ürün görseli' }, type: 'image', bytes: PNG, check: (m) => assert.is(m.body, 'Ürün görseli') },
      { route: 'video', body: { video: dataUri('video/mp4', MP4), caption: 'Tanıtım' }, type: 'video', bytes: MP4 },
      { route: 'document', body: { document: dataUri('application/pdf', PDF), filename: 'rapor.pdf' }, type: 'document', bytes: PDF, check: (m) => assert.is(m.media.filename, 'rapor.pdf') },
      { route: 'audio', body: { audio: dataUri('audio/mpeg', OGG) }, type: 'audio', bytes: OGG },
      { route: 'voice', body: { audio: dataUri('audio/ogg; codecs=opus', OGG) }, type: 'ptt', bytes: OGG },
      { route: 'sticker', body: { sticker: dataUri('image/webp', WEBP) }, type: 'sticker', bytes: WEBP },
      { route: 'location', body: { lat: 41.0082, lng: '28.9784', name: 'İstanbul' }, type: 'location', check: (m) => assert.equal(m.location, { lat: 41.0082, lng: 28.9784, name: 'İstanbul' }) },
      { route: 'contact', body: { contact_name: 'Ahmet', contact_phone: '+90 532 111 22 33' }, type: 'vcard', check: (m) => { assert.match(m.vcard, /FN:Ahmet/); assert.match(m.vcard, /waid=905321112233/); } },
      { route: 'poll', body: { name: 'Toplantı?', values: ['Pzt', 'Çar', 'Cum'], selectableCount: 1 }, type: 'poll_creation', check: (m) => assert.equal(m.poll, { name: 'Toplantı?', values: ['Pzt', 'Çar', 'Cum'], selectableCount: 1 }) },
    ];
    for (const c of cases) {
      const res = await s.json('POST', `/api/instance/a/messages/${c.route}`, { to: `+${B}`, ...c.body });
      assert.is(res.status, 200, `${c.route}: ${JSON.stringify(res.body)}`);
      assert.is(res.body.sent, true);
      const id = res.body.id as string;
      const received = await eventually(`${c.route} at B`, async () => (await history(s, 'b')).items.find((m: any) => m.id === id));
      assert.is(received.type, c.type, c.route);
      assert.is(received.fromMe, false);
      assert.is(received.from, `${A}@s.whatsapp.net`);
      assert.is(received.chatId, `${A}@s.whatsapp.net`);
      assert.is(received.status, 'received');
      if (c.bytes) {
        const url = new URL(received.media.url);
        const file = await s.hatline.app.request(url.pathname);
        assert.is(file.status, 200, `${c.route} media is served`);
        assert.equal(Buffer.from(await file.arrayBuffer()), c.bytes, `${c.route} bytes intact`);
        const onDisk = readFileSync(path.join(s.config.mediaDir, 'b', decodeURIComponent(url.pathname.split('/').pop()!)));
        assert.equal(onDisk, c.bytes);
      }
      c.check?.(received);
      const sent = (await history(s, 'a')).items.find((m: any) => m.id === id);
      assert.ok(sent, `${c.route} stored at A`);
      assert.is(sent.type, c.type);
      assert.is(sent.fromMe, true);
      c.check?.(sent);
    }
    await eventually('all delivered at A', async () => (await history(s, 'a')).items.every((m: any) => m.status === 'delivered'));
    const read = await s.json('POST', '/api/instance/b/chats/read', { chatId: A });
    assert.equal(read.body, { success: true });
    await eventually('all read at A', async () => (await history(s, 'a')).items.every((m: any) => m.status === 'read'));
    const stats = (await s.json('GET', '/api/instance/a/messages/statistics')).body;
    assert.equal(stats, { total: 10, sent: 10, received: 0, pending: 0, delivered: 10, failed: 0, read: 10 });
  } finally {
    await files.close();
    await s.close();
  }
});

sends('a message to a group reaches the other member instances with the group as chat', async () => {
  const s = await pair();
  const group = await s.json('POST', '/api/sandbox/a/groups', { name: 'Ekip', participants: [B] });
  const res = await s.json('POST', '/api/instance/a/messages/chat', { to: group.body.id, body: 'toplantı 10:00' });
  assert.is(res.status, 200);
  const got = await eventually('group message at B', async () => (await history(s, 'b')).items.find((m: any) => m.id === res.body.id));
  assert.is(got.chatId, group.body.id);
  assert.is(got.from, `${A}@s.whatsapp.net`);
  await s.close();
});

sends('reaction and delete answer as the seed says', async () => {
  const s = await pair();
  const sent = await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'bunu sil' });
  const react = await s.json('POST', '/api/instance/a/messages/reaction', { to: B, msgId: sent.body.id, emoji: '👍' });
  assert.equal(react.body, { sent: true, id: sent.body.id });
  const del = await s.json('POST', '/api/instance/a/messages/delete', { to: `+${B}`, msgId: sent.body.id });
  assert.equal(del.body, { deleted: true });
  assert.is((await history(s, 'a')).items[0].type, 'revoked');
  await s.close();
});

sends('an incoming message from the sandbox control is stored with its media', async () => {
  const s = await pair();
  const res = await s.json('POST', '/api/sandbox/b/incoming', { from: '905559998877', name: 'Cem', media: dataUri('image/png', PNG), caption: 'bak' });
  assert.is(res.status, 200);
  const m = await eventually('stored', async () => (await history(s, 'b')).items.find((x: any) => x.id === res.body.id));
  assert.is(m.type, 'image');
  assert.is(m.body, 'bak');
  assert.is(m.senderName, 'Cem');
  const file = await s.hatline.app.request(new URL(m.media.url).pathname);
  assert.equal(Buffer.from(await file.arrayBuffer()), PNG);
  await s.close();
});

sends.run();

const errors = suite('send errors');
closesServers(errors);

errors('bad input answers 400 naming the field, and stores nothing', async () => {
  const s = await pair();
  const files = await fileServer({});
  const refused = await closedPort();
  try {
    const bad: [string, Record<string, unknown>, RegExp][] = [
      ['chat', { body: 'x' }, /^to: is required/],
      ['chat', { to: 'not-a-number', body: 'x' }, /^to: "not-a-number" is neither/],
      ['chat', { to: '12', body: 'x' }, /^to:/],
      ['chat', { to: B }, /^body: is required/],
      ['poll', { to: B, name: 'q', values: ['one'] }, /^values: a poll needs 2 to 12 options/],
      ['poll', { to: B, name: 'q', values: Array.from({ length: 13 }, (_, i) => `o${i}`) }, /^values: a poll needs 2 to 12 options/],
      ['poll', { to: B, name: 'q', values: ['a', 'b'], selectableCount: 3 }, /^selectableCount:/],
      ['location', { to: B, lat: 'north', lng: 28.9 }, /^lat:/],
      ['location', { to: B, lat: 95, lng: 28.9 }, /^lat:/],
      ['image', { to: B, image: 'photo.jpg' }, /^image: expected an http\(s\) URL, a base64 data URI/],
      ['image', { to: B, image: 'data:image/png;base64,@@@' }, /^image: the data URI does not hold valid base64/],
      ['image', { to: B, image: `${files.url}/missing.png` }, /^image: could not fetch the media URL: the server answered HTTP 404$/],
      ['document', { to: B, document: `http://127.0.0.1:${refused}/nothing.pdf` }, /^document: could not fetch the media URL$/],
      ['contact', { to: B, contact_phone: 'abc' }, /^contact_phone:/],
    ];
    for (const [route, body, expected] of bad) {
      const res = await s.json('POST', `/api/instance/a/messages/${route}`, body);
      assert.is(res.status, 400, `${route} ${JSON.stringify(body)} -> ${JSON.stringify(res.body)}`);
      assert.match(res.body.error, expected);
    }
    assert.is((await history(s, 'a')).total, 0, 'no row was written');
  } finally {
    await files.close();
    await s.close();
  }
});

errors('a malformed percent-encoded media name is not a server error', async () => {
  const s = await pair();
  const res = await s.json('POST', '/api/instance/a/messages/image', { to: B, image: 'data:image/png;name=%E0%A4%A;base64,' + PNG.toString('base64') });
  assert.is(res.status, 200, JSON.stringify(res.body));
  await s.close();
});

errors('a media send on an instance that is not open answers 409 before fetching anything', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'idle', engine: 'sandbox' });
  const refused = await closedPort();
  const res = await s.json('POST', '/api/instance/idle/messages/image', { to: B, image: `http://127.0.0.1:${refused}/x.png` });
  assert.is(res.status, 409);
  assert.match(res.body.error, /not connected/);
  await s.close();
});

errors('reaction and delete of an unknown msgId answer 404', async () => {
  const s = await pair();
  const react = await s.json('POST', '/api/instance/a/messages/reaction', { to: B, msgId: 'NOPE', emoji: '👍' });
  assert.is(react.status, 404);
  assert.match(react.body.error, /^msgId: no message NOPE/);
  const del = await s.json('POST', '/api/instance/a/messages/delete', { to: B, msgId: 'NOPE' });
  assert.is(del.status, 404);
  await s.close();
});

errors('sending on an instance that is not open answers 409 at once; unknown instance 404', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'idle', engine: 'sandbox' });
  const res = await s.json('POST', '/api/instance/idle/messages/chat', { to: B, body: 'x' });
  assert.is(res.status, 409);
  assert.match(res.body.error, /not connected/);
  assert.is((await s.json('POST', '/api/instance/ghost/messages/chat', { to: B, body: 'x' })).status, 404);
  assert.is((await history(s, 'idle')).total, 0);
  await s.close();
});

errors('a send WhatsApp refuses is an error answer and a failed row', async () => {
  const s = await pair();
  const res = await s.json('POST', '/api/instance/a/messages/chat', { to: '120363999999999999@g.us', body: 'x' });
  assert.is(res.status, 404);
  assert.match(res.body.error, /group .* not found/);
  const rows = (await history(s, 'a', '?status=failed')).items;
  assert.is(rows.length, 1);
  assert.is(rows[0].status, 'failed');
  assert.match(rows[0].error, /not found/);
  await s.close();
});

errors.run();
