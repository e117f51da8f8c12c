import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createKey } from './support/access.js';
import { closesServers, linkedSandbox, testServer, TOKEN } from './support/app.js';
import { gowa, success } from './support/gowa-client.js';
import { gowaRequestProblems } from './support/gowa-contract.js';

// GoWA (seed 002) under /gowa: logging in, devices, device selection, auth and the envelope.

const t = suite('GoWA dialect: app and devices');
closesServers(t);

t('the request checker refuses what GoWA does not document (so the tests cannot drift from it)', () => {
  assert.equal(gowaRequestProblems('GET', '/gowa/app/login'), []);
  assert.ok(gowaRequestProblems('GET', '/gowa/app/signin').length > 0);
  assert.ok(gowaRequestProblems('POST', '/gowa/send/message', { phone: 62812, message: 'x' }).some((p) => /phone: wrong type/.test(p)));
  assert.ok(gowaRequestProblems('POST', '/gowa/send/message', { phone: '62812', message: 'x', text: 'y' }).some((p) => /text: not in/.test(p)));
  assert.ok(gowaRequestProblems('GET', '/gowa/app/login-with-code?number=1').some((p) => /query number: not in/.test(p)));
});

t('/app/login answers a QR link that serves the PNG without a token while it lasts; once linked: ALREADY_LOGGED_IN', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'g1', engine: 'sandbox' });
  const g = gowa(s);
  const login = await g('GET', '/app/login');
  assert.is(login.status, 200, JSON.stringify(login.body));
  assert.is(login.body.code, 'SUCCESS');
  assert.is(login.body.message, 'Login success');
  assert.is(login.body.results.device_id, 'g1');
  assert.is(login.body.results.qr_duration, 30);
  const link = login.body.results.qr_link as string;
  assert.match(link, /^http:\/\/hatline\.test\/gowa\/statics\/images\/qrcode\/scan-qr-[0-9a-f-]{36}\.png$/);
  const png = await s.hatline.app.request(link.replace('http://hatline.test', ''));
  assert.is(png.status, 200);
  assert.is(png.headers.get('content-type'), 'image/png');
  assert.equal([...new Uint8Array(await png.arrayBuffer()).slice(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  const guessed = await s.hatline.app.request('/gowa/statics/images/qrcode/scan-qr-00000000-0000-0000-0000-000000000000.png');
  assert.is(guessed.status, 404);
  await s.json('POST', '/api/sandbox/g1/scan', {});
  const again = await g('GET', '/app/login');
  assert.is(again.status, 400);
  assert.equal(again.body, { code: 'ALREADY_LOGGED_IN', message: 'you are already logged in.' });
});

t('/app/login-with-code answers a pairing code; a bad phone is a VALIDATION_ERROR', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'g1', engine: 'sandbox' });
  const g = gowa(s);
  const code = await g('GET', '/app/login-with-code?phone=628912344551');
  assert.is(code.status, 200, JSON.stringify(code.body));
  assert.match(code.body.results.pair_code, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  assert.is(code.body.results.device_id, 'g1');
  const bad = await g('GET', '/app/login-with-code?phone=abc');
  assert.is(bad.status, 400);
  assert.is(bad.body.code, 'VALIDATION_ERROR');
  assert.match(bad.body.message, /phone/);
  assert.not.ok('results' in bad.body);
});

t('device selection: X-Device-Id by id or JID, ?device_id=, the only device by default; DEVICE_ID_REQUIRED and DEVICE_NOT_FOUND', async () => {
  const s = await testServer();
  const account = await linkedSandbox(s, 'g1', '628111000111', 'Toko');
  const g = gowa(s);
  // One device: no header needed.
  assert.is((await g('GET', '/app/status')).body.results.device_id, 'g1');
  await s.json('POST', '/api/instance', { id: 'g2', engine: 'sandbox' });
  const required = await g('GET', '/app/status');
  assert.is(required.status, 400);
  assert.equal(required.body, { code: 'DEVICE_ID_REQUIRED', message: 'device_id is required via X-Device-Id header or device_id query' });
  const byJid = await gowa(s, TOKEN, account.id)('GET', '/app/status');
  assert.equal(byJid.body.results, { is_connected: true, is_logged_in: true, device_id: 'g1', jid: account.id });
  const byQuery = await g('GET', '/app/status?device_id=g2');
  assert.equal(byQuery.body.results, { is_connected: false, is_logged_in: false, device_id: 'g2', jid: '' });
  const unknown = await gowa(s, TOKEN, 'nope')('GET', '/app/status');
  assert.is(unknown.status, 404);
  assert.is(unknown.body.code, 'DEVICE_NOT_FOUND');
  assert.equal(unknown.body.results, { device_id: 'nope' });
  // A key scoped to g2 sees one device, and g1 does not exist for it.
  const scoped = await createKey(s, { name: 'g2', scope: 'instance', instanceIds: ['g2'], permissions: ['read', 'manage'] });
  assert.is((await gowa(s, scoped.plain)('GET', '/app/status')).body.results.device_id, 'g2');
  assert.is((await gowa(s, scoped.plain, 'g1')('GET', '/app/status')).body.code, 'DEVICE_NOT_FOUND');
  const devices = await gowa(s, scoped.plain)('GET', '/app/devices');
  assert.equal(devices.body.results, [{ name: 'g2', device: 'g2', jid: '' }]);
  const all = await g('GET', '/app/devices');
  assert.equal(all.body.results, [
    { name: 'Toko', device: 'g1', jid: account.id },
    { name: 'g2', device: 'g2', jid: '' },
  ]);
});

t("/app/info answers the server's version and limits without a device, where /app/status needs one", async () => {
  const s = await testServer();
  const g = gowa(s);
  const expected = {
    version: `v${(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version}`,
    os: 'Hatline',
    base_path: '/gowa',
    max_file_size: 64 * 1024 * 1024,
    max_video_size: 64 * 1024 * 1024,
    max_image_size: 64 * 1024 * 1024,
    chatwoot_enabled: false,
  };
  // No device yet (GoWA serves /app/info to UIs before any exists), then two with none named.
  assert.is((await g('GET', '/app/status')).body.code, 'DEVICE_ID_REQUIRED');
  assert.equal(success(await g('GET', '/app/info'), 'Fetch app info success'), expected);
  await s.json('POST', '/api/instance', { id: 'g1', engine: 'sandbox' });
  await s.json('POST', '/api/instance', { id: 'g2', engine: 'sandbox' });
  assert.is((await g('GET', '/app/status')).body.code, 'DEVICE_ID_REQUIRED');
  assert.equal(success(await g('GET', '/app/info'), 'Fetch app info success'), expected);
});

t('logout and reconnect answer the device id; logout unlinks', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'g1');
  const g = gowa(s);
  const reconnect = await g('GET', '/app/reconnect');
  assert.equal(reconnect.body, { code: 'SUCCESS', message: 'Reconnect success', results: { device_id: 'g1' } });
  const out = await g('GET', '/app/logout');
  assert.equal(out.body, { code: 'SUCCESS', message: 'Success logout', results: { device_id: 'g1' } });
  assert.is((await s.json('GET', '/api/instance/g1/status')).body.accountStatus.status, 'disconnected');
});

t('/devices: add (with a webhook), list, get, status, login, remove; unknown is DEVICE_NOT_FOUND', async () => {
  const s = await testServer();
  const g = gowa(s);
  const added = await g('POST', '/devices', { device_id: 'shop', webhook_url: 'https://hooks.example.com/gowa' });
  assert.is(added.status, 200, JSON.stringify(added.body));
  assert.is(added.body.results.id, 'shop');
  assert.is(added.body.results.state, 'disconnected');
  assert.is((await s.json('GET', '/api/instance/shop/settings')).body.webhookUrl, 'https://hooks.example.com/gowa');
  const list = await g('GET', '/devices');
  assert.equal(list.body.results.map((d: any) => d.id), ['shop']);
  assert.match(list.body.results[0].created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const login = await g('GET', '/devices/shop/login');
  assert.match(login.body.results.qr_link, /scan-qr-/);
  assert.is((await g('GET', '/devices/shop')).body.results.state, 'connecting');
  await s.json('POST', '/api/sandbox/shop/scan', { phone: '628222000222', name: 'Shop' });
  const info = await g('GET', '/devices/shop');
  assert.equal({ ...info.body.results, created_at: 'x' }, { id: 'shop', phone_number: '628222000222', display_name: 'Shop', state: 'logged_in', jid: '628222000222@s.whatsapp.net', created_at: 'x' });
  assert.equal((await g('GET', '/devices/shop/status')).body.results, { device_id: 'shop', is_connected: true, is_logged_in: true });
  const duplicate = await g('POST', '/devices', { device_id: 'shop' });
  assert.is(duplicate.status, 409);
  const removed = await g('DELETE', '/devices/shop');
  assert.is(removed.status, 200);
  assert.is((await s.json('GET', '/api/instance/shop/status')).status, 404);
  const gone = await g('GET', '/devices/shop');
  assert.is(gone.status, 404);
  assert.equal(gone.body, { code: 'DEVICE_NOT_FOUND', message: 'device shop not found', results: { device_id: 'shop' } });
  // A bad webhook URL leaves no device behind.
  const bad = await g('POST', '/devices', { device_id: 'half', webhook_url: 'not a url' });
  assert.is(bad.status, 400);
  assert.is((await s.json('GET', '/api/instance/half/status')).status, 404);
});

t('auth and shape: no or a wrong key is 401 in the envelope; a read-only key may not log in (403); unknown paths answer GoWA-shaped 404s', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'g1', engine: 'sandbox' });
  const none = await s.hatline.app.request('/gowa/app/devices');
  assert.is(none.status, 401);
  assert.is(((await none.json()) as any).code, 'UNAUTHORIZED');
  assert.is((await gowa(s, 'wrong-key-wrong-key')('GET', '/app/devices')).status, 401);
  // The key alone as the Basic user name, and the native Bearer token, work too.
  const userOnly = await s.hatline.app.request('/gowa/app/devices', { headers: { authorization: `Basic ${Buffer.from(`${TOKEN}:`).toString('base64')}` } });
  assert.is(userOnly.status, 200);
  const bearer = await s.hatline.app.request('/gowa/app/devices', { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.is(bearer.status, 200);
  const reader = await createKey(s, { name: 'r', scope: 'global', permissions: ['read'] });
  const refused = await gowa(s, reader.plain)('GET', '/app/login');
  assert.is(refused.status, 403);
  assert.is(refused.body.code, 'FORBIDDEN');
  const missing = await s.hatline.app.request('/gowa/app/nothing', { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.is(missing.status, 404);
  assert.equal(Object.keys((await missing.json()) as object).sort(), ['code', 'message']);
});

t.run();
