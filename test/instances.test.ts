import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { eventually, linkedSandbox, testServer, TOKEN, closesServers } from './support/app.js';

closesServers(test);

test('POST /api/instance creates an instance with a generated inst_ id and lists it disconnected', async () => {
  const s = await testServer();
  const created = await s.json('POST', '/api/instance', { description: 'İş Hattı', engine: 'sandbox' });
  assert.is(created.status, 200);
  assert.is(created.body.success, true);
  assert.match(created.body.instanceId, /^inst_[0-9a-f]{8}$/);
  const list = await s.json('GET', '/api/instance');
  assert.equal(list.body.instances, [created.body.instanceId]);
  assert.equal(list.body.statuses[created.body.instanceId], { accountStatus: { status: 'disconnected' } });
  assert.is(list.body.details[created.body.instanceId].description, 'İş Hattı');
  await s.close();
});

test('POST /api/instance without a body uses DEFAULT_ENGINE', async () => {
  const s = await testServer();
  const res = await s.hatline.app.request('/api/instance', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
  assert.is(res.status, 200);
  const { instanceId } = await res.json();
  assert.is(s.hatline.registry.get(instanceId).engine, 'sandbox');
  await s.close();
});

test('POST /api/instance answers 409 on a taken id and 400 on a bad id or engine', async () => {
  const s = await testServer();
  assert.is((await s.json('POST', '/api/instance', { id: 'default' })).status, 200);
  const taken = await s.json('POST', '/api/instance', { id: 'default' });
  assert.is(taken.status, 409);
  assert.match(taken.body.error, /already exists/);
  for (const id of ['has space', 'x'.repeat(65), '', 'slash/no', 'dot.no']) {
    const bad = await s.json('POST', '/api/instance', { id });
    assert.is(bad.status, 400, `id ${JSON.stringify(id)}`);
    assert.match(bad.body.error, /^id:/);
  }
  const engine = await s.json('POST', '/api/instance', { engine: 'baileys' });
  assert.is(engine.status, 400);
  assert.match(engine.body.error, /^engine:/);
  const json = await s.json('POST', '/api/instance', '{"id":');
  assert.is(json.status, 400);
  assert.match(json.body.error, /JSON/);
  const form = await s.json('POST', '/api/instance', 'id=x', { 'content-type': 'application/x-www-form-urlencoded' });
  assert.is(form.status, 400);
  assert.match(form.body.error, /Content-Type/);
  assert.equal((await s.json('GET', '/api/instance')).body.instances, ['default'], 'nothing half-created');
  await s.close();
});

test('a JSON body over the limit answers 413 without being read into memory', async () => {
  const s = await testServer();
  const big = new ReadableStream({
    start(controller) {
      const chunk = new Uint8Array(1024 * 1024).fill(0x20);
      for (let i = 0; i < 91; i++) controller.enqueue(chunk);
      controller.close();
    },
  });
  const res = await s.hatline.app.request('/api/instance', {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: big,
    duplex: 'half',
  } as RequestInit);
  assert.is(res.status, 413);
  assert.match((await res.json()).error, /too large/);
  assert.equal((await s.json('GET', '/api/instance')).body.instances, []);
  await s.close();
});

test('a bare POST with Content-Type: application/json and no body is an empty object, not malformed JSON', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'bare', engine: 'sandbox' });
  for (const length of ['0', null]) {
    const res = await s.hatline.app.request('/api/instance/bare/connect', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...(length ? { 'content-length': length } : {}) },
    });
    assert.is(res.status, 200, await res.clone().text());
    assert.equal(await res.json(), { success: true, status: 'connecting' });
  }
  // A body that is there but is not JSON is still refused.
  const broken = await s.json('POST', '/api/instance/bare/connect', '{', { 'content-type': 'application/json' });
  assert.is(broken.status, 400);
  await s.close();
});

test('every instance route answers 404 for an unknown instance', async () => {
  const s = await testServer();
  const routes: [string, string][] = [
    ['DELETE', ''],
    ['GET', '/status'],
    ['GET', '/qr'],
    ['GET', '/qrcode'],
    ['GET', '/me'],
    ['POST', '/connect'],
    ['POST', '/restart'],
    ['POST', '/logout'],
    ['POST', '/clear'],
  ];
  for (const [method, suffix] of routes) {
    const r = await s.json(method, `/api/instance/ghost${suffix}`);
    assert.is(r.status, 404, `${method} ${suffix}`);
    assert.match(r.body.error, /ghost not found/);
  }
  await s.close();
});

test('the sandbox walk-through: connect, QR as JSON and PNG, scan, open, me', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'demo', engine: 'sandbox' });
  assert.equal((await s.json('GET', '/api/instance/demo/qr')).body, { qrCode: null, status: 'disconnected' });
  const me0 = await s.json('GET', '/api/instance/demo/me');
  assert.is(me0.status, 409);
  const connect = await s.json('POST', '/api/instance/demo/connect');
  assert.equal(connect.body, { success: true, status: 'connecting' });
  assert.equal((await s.json('GET', '/api/instance/demo/status')).body, { accountStatus: { status: 'connecting' } });
  const qr = await s.json('GET', '/api/instance/demo/qr');
  assert.is(qr.body.status, 'connecting');
  assert.match(qr.body.qrCode, /^data:image\/png;base64,iVBOR/);
  const png = await s.hatline.app.request(`/api/instance/demo/qrcode?token=${TOKEN}`);
  assert.is(png.status, 200);
  assert.is(png.headers.get('content-type'), 'image/png');
  const bytes = Buffer.from(await png.arrayBuffer());
  assert.equal([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
  const scan = await s.json('POST', '/api/sandbox/demo/scan', { phone: '+90 532 123 45 67', name: 'Ahmet' });
  assert.is(scan.status, 200);
  assert.equal((await s.json('GET', '/api/instance/demo/status')).body, { accountStatus: { status: 'open' } });
  assert.equal((await s.json('GET', '/api/instance/demo/me')).body, { id: '905321234567@s.whatsapp.net', name: 'Ahmet', phone: '905321234567' });
  assert.equal((await s.json('GET', '/api/instance/demo/qr')).body, { qrCode: null, status: 'open' });
  const noPng = await s.json('GET', '/api/instance/demo/qrcode');
  assert.match(noPng.res.headers.get('content-type') ?? '', /application\/json/);
  assert.equal(noPng.body, { qrCode: null, status: 'open' });
  assert.equal((await s.json('GET', '/api/instance')).body.statuses.demo, { accountStatus: { status: 'open' } });
  await s.close();
});

test('scanning an instance that is not connecting answers 409; a sandbox route on a wwebjs-less id answers 404', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'a', engine: 'sandbox' });
  const early = await s.json('POST', '/api/sandbox/a/scan', {});
  assert.is(early.status, 409);
  assert.match(early.body.error, /connect first/);
  await linkedSandbox(s, 'b', '905320000001');
  const again = await s.json('POST', '/api/sandbox/b/scan', {});
  assert.is(again.status, 409);
  assert.is((await s.json('POST', '/api/sandbox/ghost/scan', {})).status, 404);
  await s.close();
});

test('two sandbox instances cannot link the same phone', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', '905321110001');
  await s.json('POST', '/api/instance', { id: 'b', engine: 'sandbox' });
  await s.json('POST', '/api/instance/b/connect');
  const clash = await s.json('POST', '/api/sandbox/b/scan', { phone: '905321110001' });
  assert.is(clash.status, 409);
  assert.match(clash.body.error, /already linked/);
  await s.close();
});

test('restart answers at once and the instance comes back open with the same account', async () => {
  const s = await testServer();
  const account = await linkedSandbox(s, 'r', '905321110002');
  const seen: string[] = [];
  s.hatline.registry.onEngineEvent('status', (id, e) => id === 'r' && seen.push(e.update.status));
  const res = await s.json('POST', '/api/instance/r/restart');
  assert.equal(res.body, { success: true, message: 'Restarting...' });
  await eventually('open again', () => seen.includes('disconnected') && seen[seen.length - 1] === 'open');
  assert.equal((await s.json('GET', '/api/instance/r/me')).body, account);
  await s.close();
});

test('logout unlinks: disconnected, session folder gone, connect shows a new QR', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'l', '905321110003');
  const sessionDir = s.hatline.registry.sessionDir('l');
  assert.ok(existsSync(sessionDir));
  assert.equal((await s.json('POST', '/api/instance/l/logout')).body, { success: true });
  assert.equal((await s.json('GET', '/api/instance/l/status')).body, { accountStatus: { status: 'disconnected' } });
  assert.not.ok(existsSync(sessionDir), 'session folder deleted');
  assert.is((await s.json('GET', '/api/instance/l/me')).status, 409);
  await s.json('POST', '/api/instance/l/connect');
  const qr = await s.json('GET', '/api/instance/l/qr');
  assert.match(qr.body.qrCode, /^data:image\/png/);
  await s.close();
});

test('connect on an open instance is a no-op success', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'c', '905321110004');
  const again = await s.json('POST', '/api/instance/c/connect');
  assert.equal(again.body, { success: true, status: 'open' });
  await s.close();
});

test('connect with a phone answers a pairing code, shown in status until linked', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'p', engine: 'sandbox' });
  const bad = await s.json('POST', '/api/instance/p/connect', { phone: 'call me' });
  assert.is(bad.status, 400);
  assert.match(bad.body.error, /^phone:/);
  const res = await s.json('POST', '/api/instance/p/connect', { phone: '905321110005' });
  assert.is(res.status, 200);
  assert.match(res.body.pairingCode, /^[0-9A-F]{4}-[0-9A-F]{4}$/);
  const status = await s.json('GET', '/api/instance/p/status');
  assert.equal(status.body, { accountStatus: { status: 'connecting', pairingCode: res.body.pairingCode } });
  await s.json('POST', '/api/sandbox/p/scan', {});
  assert.equal((await s.json('GET', '/api/instance/p/status')).body, { accountStatus: { status: 'open' } });
  assert.is((await s.json('GET', '/api/instance/p/me')).body.phone, '905321110005', 'linked with the paired phone');
  await s.close();
});

test('a sandbox drop reports disconnected with an error, then open again', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'd', '905321110006');
  assert.equal((await s.json('POST', '/api/sandbox/d/drop')).body, { success: true });
  const down = await s.json('GET', '/api/instance/d/status');
  assert.is(down.body.accountStatus.status, 'disconnected');
  assert.match(down.body.accountStatus.error, /connection lost/);
  await eventually('open again', async () => (await s.json('GET', '/api/instance/d/status')).body.accountStatus.status === 'open', 5000);
  await s.close();
});

test('DELETE removes the instance, its rows, media and session folders', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'gone', '905321110007');
  const mediaDir = path.join(s.config.mediaDir, 'gone');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  mkdirSync(mediaDir, { recursive: true });
  writeFileSync(path.join(mediaDir, 'x.jpg'), 'x');
  assert.equal((await s.json('DELETE', '/api/instance/gone')).body, { success: true });
  assert.equal((await s.json('GET', '/api/instance')).body.instances, []);
  assert.not.ok(existsSync(mediaDir));
  assert.not.ok(existsSync(s.hatline.registry.sessionDir('gone')));
  const rows = await s.hatline.database.db.selectFrom('instances').selectAll().execute();
  assert.is(rows.length, 0);
  const settings = await s.hatline.database.db.selectFrom('settings').selectAll().execute();
  assert.is(settings.length, 0);
  assert.is((await s.json('GET', '/api/instance/gone/status')).status, 404);
  await s.close();
});

test('POST .../clear deletes the message history', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'h', '905321110008');
  await s.hatline.database.db
    .insertInto('messages')
    .values({ instance_id: 'h', id: 'M1', chat_id: 'x@s.whatsapp.net', from_jid: 'x@s.whatsapp.net', to_jid: 'y@s.whatsapp.net', from_me: 0, type: 'chat', body: 'hi', caption: null, media_file: null, media_mimetype: null, media_filename: null, media_size: null, extra: null, status: 'received', error: null, sender_name: null, timestamp: 1, native_key: null })
    .execute();
  assert.equal((await s.json('POST', '/api/instance/h/clear')).body, { success: true });
  const left = await s.hatline.database.db.selectFrom('messages').selectAll().execute();
  assert.is(left.length, 0);
  await s.close();
});

test.run();
