import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { as, createKey } from './support/access.js';
import { closesServers, eventually, linkedSandbox, testServer, TOKEN } from './support/app.js';
import { RecordingLogger } from './support/recording-logger.js';

const A = '905321000091';
const B = '905321000092';
const CEM = '905551112233';
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const usage = suite('usage: GET /api/usage');
closesServers(usage);

usage('after some sends: requests per key (total, successful, failed, mean time, last used) and messages and media per instance', async () => {
  const now = Date.parse('2026-06-01T10:00:00Z');
  const s = await testServer({ now: () => now });
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  const { plain, id } = await createKey(s, { name: 'sender', scope: 'instance', instanceIds: ['a'], permissions: ['read', 'send'] });
  const call = as(s, plain);
  for (let i = 0; i < 3; i++) assert.is((await call('POST', '/api/instance/a/messages/chat', { to: CEM, body: `m${i}` })).status, 200);
  assert.is((await call('POST', '/api/instance/a/messages/image', { to: CEM, image: PNG })).status, 200);
  assert.is((await call('POST', '/api/instance/a/settings', { sendDelay: 1 })).status, 403, 'a failed request');
  assert.is((await call('GET', '/api/instance/b/status')).status, 404, 'another');
  await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, body: 'Selam' });
  await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, body: 'Nasılsın?' });
  await s.json('POST', '/api/instance/b/messages/chat', { to: CEM, body: 'from b' });
  await eventually('the incoming messages stored', async () => (await s.json('GET', '/api/instance/a/messages?status=received')).body.total === 2);

  const mine = await call('GET', '/api/usage');
  assert.is(mine.status, 200);
  const [key] = mine.body.keys;
  assert.is(mine.body.keys.length, 1, 'a key sees its own figures only');
  assert.equal(
    { ...key, meanMs: undefined },
    { id, name: 'sender', prefix: plain.slice(0, 16), totalRequests: 6, successfulRequests: 4, failedRequests: 2, meanMs: undefined, lastUsedAt: '2026-06-01T10:00:00.000Z' },
    'the six requests before this one (which is counted once it has answered)',
  );
  assert.ok(key.meanMs > 0, `a mean time: ${key.meanMs}`);
  assert.is(mine.body.instances.length, 1, 'and its instances only');
  const a = mine.body.instances[0];
  assert.equal({ ...a, mediaBytes: undefined }, { id: 'a', messagesSent: 4, messagesReceived: 2, mediaBytes: undefined });
  assert.ok(a.mediaBytes > 0, 'the image sent is stored media');

  const all = await s.json('GET', '/api/usage');
  assert.equal(all.body.instances.map((i: any) => [i.id, i.messagesSent, i.messagesReceived]), [['a', 4, 2], ['b', 1, 0]], 'the admin sees every instance');
  assert.equal(all.body.keys.map((k: any) => [k.id, k.totalRequests]), [[id, 7]], 'the admin sees every key (the usage request counted now)');

  // Flushed to the database, the figures stay the same (and survive the memory being empty).
  await s.hatline.usage.flush();
  const stored = await s.hatline.database.db.selectFrom('api_keys').select(['requests_total', 'requests_failed']).where('id', '=', id).executeTakeFirstOrThrow();
  assert.equal([Number(stored.requests_total), Number(stored.requests_failed)], [7, 2]);
  const after = await s.json('GET', '/api/usage');
  assert.equal(after.body.instances.map((i: any) => [i.id, i.messagesSent, i.messagesReceived]), [['a', 4, 2], ['b', 1, 0]]);
  assert.is(after.body.keys[0].totalRequests, 7);

  // Clearing the history does not reset what was sent.
  await s.json('POST', '/api/instance/a/messages/clear');
  assert.is((await s.json('GET', '/api/usage')).body.instances[0].messagesSent, 4);
  await s.close();
});

usage('counting adds no database write per request: the figures are written by the flush, in one go', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'a', engine: 'sandbox' });
  const { plain, id } = await createKey(s, { name: 'busy', scope: 'global', permissions: ['read'] });
  await s.hatline.usage.flush();
  for (let i = 0; i < 20; i++) await as(s, plain)('GET', '/api/instance/a/status');
  const row = () => s.hatline.database.db.selectFrom('api_keys').select('requests_total').where('id', '=', id).executeTakeFirstOrThrow();
  assert.is(Number((await row()).requests_total), 0, 'nothing written yet');
  await s.hatline.usage.flush();
  assert.is(Number((await row()).requests_total), 20);
  await s.close();
});

usage.run();

const limits = suite('the hourly key limit and the failed-authentication throttle');
closesServers(limits);

limits("a key's hourlyLimit answers 429 with Retry-After once used up, beside the minute limit, until the hour has moved on", async () => {
  let now = Date.parse('2026-06-01T10:00:00Z');
  const s = await testServer({ now: () => now, env: { RATE_LIMIT_PER_MINUTE: '200' } });
  const { plain } = await createKey(s, { name: 'hourly', scope: 'global', permissions: ['read'], hourlyLimit: 5 });
  const other = (await createKey(s, { name: 'unlimited', scope: 'global', permissions: ['read'] })).plain;
  const call = as(s, plain);
  for (let i = 0; i < 5; i++) {
    const res = await call('GET', '/api/instance');
    assert.is(res.status, 200);
    assert.is(res.res.headers.get('x-ratelimit-hourly-remaining'), String(4 - i));
    assert.is(res.res.headers.get('ratelimit-limit'), '200', 'the minute limit is still there');
    now += 10 * 60_000; // 10:00, 10:10, ... 10:40
  }
  const limited = await call('GET', '/api/instance');
  assert.is(limited.status, 429);
  assert.is(limited.body.code, 'rate_limited');
  assert.match(limited.body.error, /Hourly limit exceeded: this API key may make 5 requests per hour/);
  // The request of 10:00 leaves the hour at 11:00; it is 10:50 now.
  assert.is(limited.res.headers.get('retry-after'), '600');
  assert.is((await as(s, other)('GET', '/api/instance')).status, 200, 'another key is not held back');
  assert.is((await s.json('GET', '/api/instance')).status, 200, 'nor the admin token');
  now = Date.parse('2026-06-01T11:00:00Z');
  assert.is((await call('GET', '/api/instance')).status, 200, 'allowed again once the oldest request left the hour');
  assert.is((await call('GET', '/api/instance')).status, 429, 'and only that one');
  await s.close();
});

limits('repeated failed authentication from one address is throttled (429, before any token is checked), logged once, and lifts after a minute', async () => {
  let now = Date.parse('2026-06-01T10:00:00Z');
  const logger = new RecordingLogger();
  const s = await testServer({ now: () => now, logger });
  const from = (address: string, token: string) =>
    Promise.resolve(s.hatline.app.request('/api/instance', { headers: { authorization: `Bearer ${token}` } }, { incoming: { socket: { remoteAddress: address } } }));
  for (let i = 0; i < 10; i++) {
    assert.is((await from('203.0.113.9', `wrong-token-${i}`)).status, 401, `attempt ${i + 1}`);
    now += 1000;
  }
  for (let i = 0; i < 5; i++) {
    const res = await from('203.0.113.9', `wrong-token-x${i}`);
    assert.is(res.status, 429);
    assert.match((await res.json()).error, /Too many failed authentication attempts/);
  }
  const right = await from('203.0.113.9', TOKEN);
  assert.is(right.status, 429, 'even the right token waits: a right guess cannot be told from a wrong one');
  // The first failure (10:00:00) leaves the minute at 10:01:00; it is 10:00:10.
  assert.is(right.headers.get('retry-after'), '50');
  assert.is((await from('198.51.100.7', TOKEN)).status, 200, 'another address is not held back');

  const warnings = logger.lines.filter((l) => l.msg === 'repeated failed authentication: address throttled');
  assert.is(warnings.length, 1, 'logged once, not per request');
  assert.equal(warnings[0]!.fields.address, '203.0.113.9');
  assert.not.match(logger.text(), 'wrong-token', 'the tokens tried are not logged');

  now = Date.parse('2026-06-01T10:01:00Z');
  assert.is((await from('203.0.113.9', TOKEN)).status, 200, 'a minute after the first failure, the address may try again');
  await s.close();
});

limits('AUTH_FAILURES_PER_MINUTE=0 turns the throttle off', async () => {
  const s = await testServer({ env: { AUTH_FAILURES_PER_MINUTE: '0' } });
  for (let i = 0; i < 30; i++) assert.is((await s.hatline.app.request('/api/instance', { headers: { authorization: 'Bearer nope-nope' } })).status, 401);
  assert.is((await s.call('GET', '/api/instance')).status, 200);
  await s.close();
});

limits.run();

const audit = suite('the audit log: GET /api/audit');
closesServers(audit);

audit('records key and token creation and revocation, instance creation and deletion, settings and webhook changes, with who and when', async () => {
  let now = Date.parse('2026-06-01T10:00:00Z');
  const s = await testServer({ now: () => now });
  const manager = await createKey(s, { name: 'ops', scope: 'global', permissions: ['read', 'send', 'manage'] });
  const ops = as(s, manager.plain);
  now += 1000;
  assert.is((await ops('POST', '/api/instance', { id: 'a', engine: 'sandbox' })).status, 200);
  assert.is((await ops('POST', '/api/instance/a/settings', { webhookUrl: 'https://example.com/hook', webhookEnabled: true })).status, 200);
  assert.is((await ops('POST', '/api/instance/a/webhooks/secret/rotate')).status, 200);
  const embed = await ops('POST', '/api/embed-tokens', { customerLabel: 'Acme', instanceIds: ['a'] });
  assert.is((await ops('DELETE', `/api/embed-tokens/${embed.body.tokenId}`)).status, 200);
  now += 1000;
  assert.is((await s.json('DELETE', `/api/keys/${manager.id}`)).status, 200);
  assert.is((await s.json('DELETE', '/api/instance/a')).status, 200);

  const log = await s.json('GET', '/api/audit');
  assert.is(log.status, 200);
  const by = (actor: any) => (actor.kind === 'admin' ? 'admin' : actor.name);
  assert.equal(
    log.body.items.map((e: any) => [e.action, by(e.actor), e.instanceId, e.at]).reverse(),
    [
      ['key.create', 'admin', null, '2026-06-01T10:00:00.000Z'],
      ['instance.create', 'ops', 'a', '2026-06-01T10:00:01.000Z'],
      ['settings.update', 'ops', 'a', '2026-06-01T10:00:01.000Z'],
      ['webhook.secret_rotate', 'ops', 'a', '2026-06-01T10:00:01.000Z'],
      ['embed_token.create', 'ops', null, '2026-06-01T10:00:01.000Z'],
      ['embed_token.revoke', 'ops', null, '2026-06-01T10:00:01.000Z'],
      ['key.revoke', 'admin', null, '2026-06-01T10:00:02.000Z'],
      ['instance.delete', 'admin', 'a', '2026-06-01T10:00:02.000Z'],
    ],
  );
  const settings = log.body.items.find((e: any) => e.action === 'settings.update');
  assert.equal(settings.actor, { kind: 'key', id: manager.id, name: 'ops' }, 'which key');
  assert.equal(settings.detail, { webhookUrl: 'https://example.com/hook', webhookEnabled: true });
  const created = log.body.items.find((e: any) => e.action === 'key.create');
  assert.is(created.target, manager.id);
  assert.is(created.detail.prefix, manager.plain.slice(0, 16));
  assert.not.match(JSON.stringify(log.body), /whsec_/, 'no webhook secret in the log');

  const filtered = await s.json('GET', '/api/audit?action=instance.delete');
  assert.equal(filtered.body.items.map((e: any) => e.action), ['instance.delete']);
  assert.is(filtered.body.total, 1);
  await s.close();
});

audit('the audit log is the admin token\'s: a key gets 403', async () => {
  const s = await testServer();
  const { plain } = await createKey(s, { name: 'ops', scope: 'global', permissions: ['read', 'send', 'manage'] });
  const res = await as(s, plain)('GET', '/api/audit');
  assert.is(res.status, 403);
  assert.match(res.body.error, /admin token only/);
  assert.is((await s.json('GET', '/api/audit')).status, 200);
  await s.close();
});

audit.run();
