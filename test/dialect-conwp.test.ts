import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createKey } from './support/access.js';
import { closesServers, linkedSandbox, testServer, type TestServer } from './support/app.js';

// conwp (seed 004): every example request of the document, against sandbox instances.

const EP = '/yonetim/api/index.php?endpoint=';

/** A conwp request: the key in X-API-Key (or ?api_key= with `inQuery`), no native token. */
function conwp(s: TestServer, key: string) {
  return async (method: string, endpoint: string, body?: unknown, opts: { inQuery?: boolean } = {}) => {
    const headers: Record<string, string> = opts.inQuery ? {} : { 'x-api-key': key };
    const init: RequestInit = { method, headers };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const res = await s.hatline.app.request(`${EP}${endpoint}${opts.inQuery ? `&api_key=${encodeURIComponent(key)}` : ''}`, init);
    return { status: res.status, body: (await res.json()) as any, res };
  };
}

const sentBodies = async (s: TestServer, id: string) =>
  ((await s.json('GET', `/api/instance/${id}/messages?limit=50`)).body.items as any[]).filter((m) => m.fromMe).map((m) => m.body).sort();

const t = suite('conwp dialect');
closesServers(t);

t("send-message: the document's example with the key of one device, in the header and in ?api_key=", async () => {
  const s = await testServer();
  await linkedSandbox(s, 'c1');
  const key = await createKey(s, { name: 'Production API Key', scope: 'instance', instanceIds: ['c1'], permissions: ['read', 'send'] });
  const api = conwp(s, key.plain);
  const a = await api('POST', 'send-message', { receiver: '905551234567', data: { message: 'Merhaba! Bu bir test mesajıdır.' } });
  assert.is(a.status, 200, JSON.stringify(a.body));
  assert.is(a.body.success, true);
  assert.is(a.body.status, 'sent');
  assert.type(a.body.message_id, 'number');
  const b = await api('POST', 'send-message', { receiver: '905330001122', data: { message: 'Merhaba, nasılsın' } }, { inQuery: true });
  assert.is(b.status, 200, JSON.stringify(b.body));
  assert.ok(b.body.message_id > a.body.message_id);
  assert.equal(await sentBodies(s, 'c1'), ['Merhaba! Bu bir test mesajıdır.', 'Merhaba, nasılsın']);
});

t('send-bulk-message is synchronous: it answers after every message was tried, with their ids and counts', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'c1');
  const key = await createKey(s, { name: 'k', scope: 'instance', instanceIds: ['c1'], permissions: ['read', 'send'] });
  const api = conwp(s, key.plain);
  const res = await api('POST', 'send-bulk-message', {
    messages: [
      { receiver: '905551234567', data: { message: 'Merhaba Ahmet!' } },
      { receiver: '905559876543', data: { message: 'Merhaba Ayşe!' } },
    ],
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.success, true);
  assert.is(res.body.total_queued, 2);
  assert.is(res.body.sent, 2);
  assert.is(res.body.failed, 0);
  assert.is(res.body.message_ids.length, 2);
  assert.ok(res.body.message_ids.every((id: unknown) => typeof id === 'number'));
  assert.equal(await sentBodies(s, 'c1'), ['Merhaba Ahmet!', 'Merhaba Ayşe!']);
  // One bad receiver refuses the whole request before anything is sent.
  const bad = await api('POST', 'send-bulk-message', { messages: [{ receiver: '905551234567', data: { message: 'x' } }, { receiver: 'abc', data: { message: 'y' } }] });
  assert.is(bad.status, 400);
  assert.equal(Object.keys(bad.body).sort(), ['error', 'success']);
  assert.match(bad.body.error, /messages\.1\.receiver/);
  assert.equal(await sentBodies(s, 'c1'), ['Merhaba Ahmet!', 'Merhaba Ayşe!']);
});

t('a media_url is sent as media with the message as caption', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'c1');
  const key = await createKey(s, { name: 'k', scope: 'instance', instanceIds: ['c1'], permissions: ['read', 'send'] });
  const api = conwp(s, key.plain);
  const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
  const res = await api('POST', 'send-message', { receiver: '905551234567', data: { message: 'foto', message_type: 'image', media_url: png } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  const row = ((await s.json('GET', '/api/instance/c1/messages?limit=5')).body.items as any[]).find((m) => m.id === res.body.wa_message_id);
  assert.is(row.type, 'image');
  assert.is(row.body, 'foto');
  const noUrl = await api('POST', 'send-message', { receiver: '905551234567', data: { message: 'x', message_type: 'image' } });
  assert.is(noUrl.status, 400);
  assert.match(noUrl.body.error, /media_url/);
});

t('devices lists the instances the key reaches in the device shape; status answers usage and api_stats', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'c1', '905551234567', 'John Doe');
  await s.json('POST', '/api/instance', { id: 'c2', engine: 'sandbox', description: 'Yedek' });
  const key = await createKey(s, { name: 'Production API Key', scope: 'instance', instanceIds: ['c1', 'c2'], permissions: ['read', 'send'] });
  const api = conwp(s, key.plain);
  const devices = await api('GET', 'devices');
  assert.is(devices.status, 200);
  const byToken = Object.fromEntries(devices.body.devices.map((d: any) => [d.token, d]));
  assert.equal(Object.keys(byToken).sort(), ['c1', 'c2']);
  assert.equal(Object.keys(byToken.c1).sort(), ['device_name', 'last_seen', 'status', 'token', 'wa_is_business', 'wa_name', 'wa_number', 'wa_platform']);
  assert.is(byToken.c1.status, 'active');
  assert.is(byToken.c1.wa_number, '905551234567');
  assert.is(byToken.c1.wa_name, 'John Doe');
  assert.match(byToken.c1.last_seen, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  assert.is(byToken.c2.status, 'inactive');
  assert.is(byToken.c2.device_name, 'Yedek');
  // Two devices: a send must name one.
  const unnamed = await api('POST', 'send-message', { receiver: '905551234567', data: { message: 'x' } });
  assert.is(unnamed.status, 400);
  assert.match(unnamed.body.error, /device/);
  const named = await api('POST', 'send-message', { receiver: '905551234567', device: 'c1', data: { message: 'x' } });
  assert.is(named.status, 200, JSON.stringify(named.body));
  const status = await api('GET', 'status');
  assert.is(status.status, 200);
  assert.is(status.body.user.api_key_name, 'Production API Key');
  assert.is(status.body.usage.device_used, 2);
  assert.is(status.body.usage.message_used, 1);
  // devices, the refused send, the named send (status itself is counted once it answered).
  assert.is(status.body.api_stats.total_requests, 3);
  assert.is(status.body.api_stats.failed_requests, 1);
  assert.is(status.body.api_stats.successful_requests, 2);
  assert.type(status.body.api_stats.avg_execution_time, 'number');
});

t('errors in the conwp shape: 401 bad key, 404 unknown endpoint, 405 wrong method, 403 without permission, 409 not connected', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'c1', engine: 'sandbox' });
  const key = await createKey(s, { name: 'k', scope: 'instance', instanceIds: ['c1'], permissions: ['read', 'send'] });
  const reader = await createKey(s, { name: 'r', scope: 'instance', instanceIds: ['c1'], permissions: ['read'] });
  const bad = await conwp(s, 'not-a-key-at-all')('GET', 'devices');
  assert.is(bad.status, 401);
  assert.equal(Object.keys(bad.body).sort(), ['error', 'success']);
  assert.is(bad.body.success, false);
  const api = conwp(s, key.plain);
  const unknown = await api('GET', 'nope');
  assert.is(unknown.status, 404);
  assert.match(unknown.body.error, /Endpoint not found: nope/);
  const method = await api('GET', 'send-message');
  assert.is(method.status, 405);
  assert.is(method.res.headers.get('allow'), 'POST');
  assert.is(method.body.success, false);
  const refused = await conwp(s, reader.plain)('POST', 'send-message', { receiver: '905551234567', data: { message: 'x' } });
  assert.is(refused.status, 403);
  const notOpen = await api('POST', 'send-message', { receiver: '905551234567', data: { message: 'x' } });
  assert.is(notOpen.status, 409);
  assert.equal(Object.keys(notOpen.body).sort(), ['error', 'success']);
  const noMessage = await api('POST', 'send-message', { receiver: '905551234567', data: {} });
  assert.is(noMessage.status, 400);
  assert.match(noMessage.body.error, /data\.message/);
});

t('the hourly limit: 1,000 by default, CONWP_HOURLY_LIMIT here; a key with its own limit keeps it; then 429 with Retry-After', async () => {
  const s = await testServer({ env: { CONWP_HOURLY_LIMIT: '3' } });
  await s.json('POST', '/api/instance', { id: 'c1', engine: 'sandbox' });
  const key = await createKey(s, { name: 'k', scope: 'instance', instanceIds: ['c1'], permissions: ['read'] });
  const api = conwp(s, key.plain);
  for (let i = 0; i < 3; i++) assert.is((await api('GET', 'devices')).status, 200);
  const over = await api('GET', 'devices');
  assert.is(over.status, 429);
  assert.ok(Number(over.res.headers.get('retry-after')) > 0);
  assert.is(over.body.success, false);
  // The native API of the same key is not limited by conwp's default.
  assert.is((await s.json('GET', '/api/instance/c1/status', undefined, { authorization: `Bearer ${key.plain}` })).status, 200);
  const own = await createKey(s, { name: 'own', scope: 'instance', instanceIds: ['c1'], permissions: ['read'], hourlyLimit: 10 });
  for (let i = 0; i < 5; i++) assert.is((await conwp(s, own.plain)('GET', 'devices')).status, 200);
  assert.is((await testServer()).config.conwpHourlyLimit, 1000);
});

t.run();
