import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../src/config.js';
import { createKey } from './support/access.js';
import { closesServers, linkedSandbox, testServer, TOKEN } from './support/app.js';
import { evo, isEvolutionError } from './support/evolution.js';

// Evolution API v2 (seed 000's proxy paths): instances, auth and the paths themselves.

const t = suite('Evolution dialect: instances and auth');
closesServers(t);

t('instance/create (global key) answers 201 with the instance token as hash; the token reaches that instance only', async () => {
  const s = await testServer();
  const e = evo(s);
  const created = await e('POST', 'instance/create', { instanceName: 'evo1', integration: 'WHATSAPP-BAILEYS' });
  assert.is(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.instance, { instanceName: 'evo1', instanceId: 'evo1', integration: 'WHATSAPP-BAILEYS', webhookWaBusiness: null, accessTokenWaBusiness: '', status: 'created' });
  assert.type(created.body.hash, 'string');
  assert.equal(created.body.settings, { rejectCall: false, msgCall: '', groupsIgnore: false, alwaysOnline: false, readMessages: false, readStatus: false, syncFullHistory: false, wavoipToken: '' });
  for (const x of ['websocket', 'rabbitmq', 'nats', 'sqs']) assert.equal(created.body[x], { enabled: false });
  await e('POST', 'instance/create', { instanceName: 'other' });

  const own = evo(s, created.body.hash);
  assert.equal((await own('GET', 'instance/connectionState/evo1')).body, { instance: { instanceName: 'evo1', state: 'close' } });
  const listed = await own('GET', 'instance/fetchInstances');
  assert.equal(listed.body.map((i: any) => i.name), ['evo1'], 'an instance token lists its own instance only');
  // Another instance is not there for this token (404, as for an unknown one), and creating needs the global key.
  const other = await own('GET', 'instance/connectionState/other');
  assert.is(other.status, 404);
  assert.ok(isEvolutionError(other.body, 404));
  assert.equal(other.body.response.message, ['The "other" instance does not exist']);
  const refused = await own('POST', 'instance/create', { instanceName: 'evo2' });
  assert.is(refused.status, 403);
  assert.ok(isEvolutionError(refused.body, 403));
  // The token is a key of the instance, with every permission on it.
  const keys = (await s.json('GET', '/api/keys')).body.keys as any[];
  const key = keys.find((k) => k.instanceIds.includes('evo1'));
  assert.equal([key.scope, key.permissions], ['instance', ['read', 'send', 'manage']]);
});

t('instance/create: a name in use is 403 "already in use"; bad input is 400 in the nested body; nothing half-made', async () => {
  const s = await testServer();
  const e = evo(s);
  await e('POST', 'instance/create', { instanceName: 'evo1' });
  const again = await e('POST', 'instance/create', { instanceName: 'evo1' });
  assert.is(again.status, 403);
  assert.equal(again.body.response.message, ['This name "evo1" is already in use.']);
  const missing = await e('POST', 'instance/create', { integration: 'WHATSAPP-BAILEYS' });
  assert.is(missing.status, 400);
  assert.ok(isEvolutionError(missing.body, 400));
  assert.equal(missing.body.response.message, [['instance requires property "instanceName"']]);
  const spaces = await e('POST', 'instance/create', { instanceName: 'my instance' });
  assert.is(spaces.status, 400);
  assert.match(spaces.body.response.message[0][0], /instanceName/);
  const cloud = await e('POST', 'instance/create', { instanceName: 'cloud', integration: 'WHATSAPP-BUSINESS' });
  assert.is(cloud.status, 400);
  assert.match(cloud.body.response.message[0], /Cloud API/);
  const badHook = await e('POST', 'instance/create', { instanceName: 'hooked', webhook: { url: 'not a url', enabled: true } });
  assert.is(badHook.status, 400);
  assert.ok(isEvolutionError(badHook.body, 400));
  assert.equal((await s.json('GET', '/api/instance')).body.instances, ['evo1'], 'no instance was left behind by the refused creations');
  const keys = (await s.json('GET', '/api/keys')).body.keys as any[];
  assert.is(keys.filter((k) => k.status === 'active').length, 1, 'nor a token (one refused after it was made is revoked)');
});

t('instance/create with qrcode: true connects and answers the QR code; connect answers it too, and the state once open', async () => {
  const s = await testServer();
  const e = evo(s);
  const created = await e('POST', 'instance/create', { instanceName: 'evo1', qrcode: true });
  assert.is(created.status, 201);
  assert.match(created.body.qrcode.base64, /^data:image\/png;base64,/);
  assert.type(created.body.qrcode.code, 'string');
  assert.is(created.body.qrcode.count, 1);
  const connect = await e('GET', 'instance/connect/evo1');
  assert.is(connect.status, 200);
  assert.equal(Object.keys(connect.body).sort(), ['base64', 'code', 'count', 'pairingCode']);
  assert.is((await e('GET', 'instance/connectionState/evo1')).body.instance.state, 'connecting');
  await s.json('POST', '/api/sandbox/evo1/scan', { phone: '905551110001' });
  assert.equal((await e('GET', 'instance/connect/evo1')).body, { instance: { instanceName: 'evo1', state: 'open' } });
});

t('fetchInstances: Evolution records, filtered by instanceName; no token unless the owner exposes it', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'evo1', '905551110001', 'Evo');
  await s.json('POST', '/api/instance', { id: 'evo2', engine: 'sandbox' });
  const e = evo(s);
  const all = await e('GET', 'instance/fetchInstances');
  assert.is(all.status, 200);
  const one = all.body.find((i: any) => i.name === 'evo1');
  assert.is(one.connectionStatus, 'open');
  assert.is(one.ownerJid, '905551110001@s.whatsapp.net');
  assert.is(one.profileName, 'Evo');
  assert.is(one.number, '905551110001');
  assert.is(one.token, null, 'tokens are not listed unless exposed');
  assert.equal(Object.keys(one._count).sort(), ['Chat', 'Contact', 'Message']);
  assert.is(all.body.find((i: any) => i.name === 'evo2').connectionStatus, 'close');
  const filtered = await e('GET', 'instance/fetchInstances?instanceName=evo2');
  assert.equal(filtered.body.map((i: any) => i.name), ['evo2']);
  const unknown = await e('GET', 'instance/fetchInstances?instanceName=nope');
  assert.is(unknown.status, 404);
  assert.ok(isEvolutionError(unknown.body, 404));

  // The owner exposes a token: it is listed, and it works for this instance.
  const set = await s.json('PATCH', '/api/instance/evo1/settings', { evolution: { exposeToken: true } });
  assert.is(set.status, 200, JSON.stringify(set.body));
  const token = (await e('GET', 'instance/fetchInstances?instanceName=evo1')).body[0].token;
  assert.match(token, /^hl_live_/);
  assert.is((await evo(s, token)('GET', 'instance/connectionState/evo1')).status, 200);
  await s.json('PATCH', '/api/instance/evo1/settings', { evolution: { exposeToken: false } });
  assert.is((await e('GET', 'instance/fetchInstances?instanceName=evo1')).body[0].token, null);
  assert.is((await evo(s, token)('GET', 'instance/connectionState/evo1')).status, 401, 'the exposed token is revoked with the choice');

  // Exposed again, then the instance is deleted (through the native API): the token goes with it.
  await s.json('PATCH', '/api/instance/evo1/settings', { evolution: { exposeToken: true } });
  const again = (await e('GET', 'instance/fetchInstances?instanceName=evo1')).body[0].token;
  assert.is((await s.json('DELETE', '/api/instance/evo1')).status, 200);
  const keys = (await s.json('GET', '/api/keys')).body.keys as any[];
  assert.is(keys.find((k) => again.startsWith(k.prefix)).status, 'revoked');
});

t('auth: no apikey is 401 even for an unknown instance (404 only after authentication); a wrong one is 401', async () => {
  const s = await testServer();
  const none = await evo(s, null)('GET', 'instance/connectionState/nope');
  assert.is(none.status, 401);
  assert.ok(isEvolutionError(none.body, 401));
  assert.is((await evo(s, 'wrong-key-0123456789')('GET', 'instance/connectionState/nope')).status, 401);
  const known = await evo(s)('GET', 'instance/connectionState/nope');
  assert.is(known.status, 404);
  assert.equal(known.body.response.message, ['The "nope" instance does not exist']);
  // A read-only key reads, and cannot send or manage (403 in Evolution's shape).
  await s.json('POST', '/api/instance', { id: 'evo1', engine: 'sandbox' });
  const { plain } = await createKey(s, { name: 'reader', scope: 'global', permissions: ['read'] });
  const reader = evo(s, plain);
  assert.is((await reader('GET', 'instance/connectionState/evo1')).status, 200);
  const denied = await reader('POST', 'message/sendText/evo1', { number: '905551112233', text: 'x' });
  assert.is(denied.status, 403);
  assert.ok(isEvolutionError(denied.body, 403));
});

t('restart, logout and delete answer as Evolution; the deleted instance is 404 after', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'evo1');
  const e = evo(s);
  const closed = await e('POST', 'instance/restart/nope');
  assert.is(closed.status, 404);
  const restart = await e('POST', 'instance/restart/evo1');
  assert.is(restart.status, 200);
  assert.equal(Object.keys(restart.body).sort(), ['base64', 'code', 'count', 'pairingCode']);
  assert.is((await e('PUT', 'instance/restart/evo1')).status, 200, 'PUT too, as Evolution\'s docs say');
  const out = await e('DELETE', 'instance/logout/evo1');
  assert.equal([out.status, out.body], [200, { status: 'SUCCESS', error: false, response: { message: 'Instance logged out' } }]);
  assert.is((await e('GET', 'instance/connectionState/evo1')).body.instance.state, 'close');
  assert.equal((await e('DELETE', 'instance/logout/evo1')).body.response, { message: 'Instance was already disconnected' });
  const notConnected = await e('POST', 'instance/restart/evo1');
  assert.is(notConnected.status, 400);
  assert.equal(notConnected.body.response.message, ['The "evo1" instance is not connected']);
  const gone = await e('DELETE', 'instance/delete/evo1');
  assert.equal([gone.status, gone.body.response], [200, { message: 'Instance deleted' }]);
  assert.is((await e('GET', 'instance/connectionState/evo1')).status, 404);
});

t('a request holds its instance: deleting it cuts a send waiting out its delay short (404), and the deletion does not wait for the delay', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'evo1');
  const e = evo(s);
  const waiting = e('POST', 'message/sendText/evo1', { number: '905551112233', text: 'later', delay: 120_000 });
  await new Promise((resolve) => setTimeout(resolve, 50));
  const failFast = <T>(p: Promise<T>, what: string) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} still waiting after 10 s`)), 10_000))]);
  const gone = await failFast(e('DELETE', 'instance/delete/evo1'), 'the deletion');
  assert.is(gone.status, 200);
  const send = await failFast(waiting, 'the send');
  assert.is(send.status, 404);
  assert.ok(isEvolutionError(send.body, 404));
});

t.run();

const paths = suite('Evolution dialect: where it is served');
closesServers(paths);

paths("the same operations under /api/wafixer and EVOLUTION_PREFIX (/evolution by default, with Evolution's greeting)", async () => {
  const s = await testServer();
  await evo(s)('POST', 'instance/create', { instanceName: 'evo1' });
  assert.is((await evo(s, TOKEN, '/evolution')('GET', 'instance/connectionState/evo1')).status, 200);
  const hello = await s.hatline.app.request('/evolution');
  assert.is(hello.status, 200);
  assert.match((await hello.json()).message, /Welcome to the Evolution API/);
  // Unknown paths answer in Evolution's shape, not the native one.
  for (const path of ['/api/wafixer/message/sendNothing/evo1', '/evolution/nothing/here']) {
    const res = await s.hatline.app.request(path, { method: 'POST', headers: { apikey: TOKEN } });
    const body = await res.json();
    assert.is(res.status, 404, path);
    assert.ok(isEvolutionError(body, 404), path);
    assert.equal(body.response.message, [`Cannot POST ${path}`]);
  }
});

paths('EVOLUTION_PREFIX="" serves Evolution at the root; the native API, the dashboard and /health are untouched', async () => {
  const s = await testServer({ env: { EVOLUTION_PREFIX: '' } });
  const root = evo(s, TOKEN, '');
  assert.is((await root('POST', 'instance/create', { instanceName: 'evo1' })).status, 201);
  assert.is((await root('GET', 'instance/connectionState/evo1')).status, 200);
  assert.is((await s.json('GET', '/api/instance/evo1/status')).status, 200, 'the native API');
  assert.is((await s.json('GET', '/api/nothing')).body.code, 'not_found', 'native paths keep the native error shape');
  const dashboard = await s.hatline.app.request('/');
  assert.is(dashboard.status, 200);
  assert.match(dashboard.headers.get('content-type') ?? '', /text\/html/);
  assert.is((await s.hatline.app.request('/health')).status, 200);
  assert.is((await s.hatline.app.request('/manager')).status, 404, 'no Evolution manager is served');
  const unknown = await root('GET', 'chat/nothing/evo1');
  assert.ok(isEvolutionError(unknown.body, 404));
});

paths('EVOLUTION_PREFIX may carry a path (a client whose server URL has one); one that would shadow the server is refused', async () => {
  const s = await testServer({ env: { EVOLUTION_PREFIX: '/wa/evolution/' } });
  assert.is(s.config.evolutionPrefix, '/wa/evolution');
  assert.is((await evo(s, TOKEN, '/wa/evolution')('POST', 'instance/create', { instanceName: 'evo1' })).status, 201);
  for (const bad of ['/api/evolution', '/gowa', 'evo lution', '/evo?x']) {
    assert.throws(() => loadConfig({ EVOLUTION_PREFIX: bad }), /EVOLUTION_PREFIX/, bad);
  }
  assert.is(loadConfig({ EVOLUTION_PREFIX: '/' }).evolutionPrefix, '');
  assert.is(loadConfig({}).evolutionPrefix, '/evolution');
});

paths.run();
