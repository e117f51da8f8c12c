import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { as, createKey } from './support/access.js';
import { closesServers, linkedSandbox, testServer, type TestServer } from './support/app.js';

const A = '905321000071';
const B = '905321000072';

const keys = suite('API keys: /api/keys');
closesServers(keys);

keys('POST /api/keys answers the key once as `plain`; GET /api/keys lists its prefix, name, scope, permissions and times, never the key', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'a', engine: 'sandbox' });
  const res = await s.json('POST', '/api/keys', { name: 'CRM', scope: 'instance', instanceIds: ['a'], permissions: ['send', 'read'], hourlyLimit: 500 });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.res.headers.get('cache-control'), 'no-store');
  const { key, plain } = res.body;
  assert.match(plain, /^hl_live_[A-Za-z0-9_-]{40}$/);
  assert.equal(
    { ...key, id: undefined, createdAt: undefined },
    {
      id: undefined,
      name: 'CRM',
      prefix: plain.slice(0, 16),
      scope: 'instance',
      instanceIds: ['a'],
      permissions: ['read', 'send'],
      hourlyLimit: 500,
      expiresAt: null,
      createdAt: undefined,
      createdBy: 'admin',
      lastUsedAt: null,
      revokedAt: null,
      status: 'active',
    },
  );
  assert.match(key.id, /^key_[0-9a-f]{16}$/);

  const list = await s.json('GET', '/api/keys');
  assert.is(list.status, 200);
  assert.equal(list.body.keys, [key], 'the list shows what the creation answer showed, without `plain`');
  assert.not.match(JSON.stringify(list.body), plain, 'the key itself is not listed');
  assert.ok(JSON.stringify(list.body).includes(plain.slice(0, 16)), 'its prefix is');

  // Using it shows up as lastUsedAt.
  assert.is((await as(s, plain)('GET', '/api/instance/a/status')).status, 200);
  assert.ok((await s.json('GET', '/api/keys')).body.keys[0].lastUsedAt, 'last used is set');
  await s.close();
});

keys('a key works from every place a token is accepted: Bearer, X-API-Key, apikey, ?token=, ?access_token= and ?api_key=', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'a', engine: 'sandbox' });
  const { plain } = await createKey(s, { name: 'everywhere', scope: 'global', permissions: ['read'] });
  const app = s.hatline.app;
  const ways: [string, RequestInit][] = [
    ['/api/instance', { headers: { authorization: `Bearer ${plain}` } }],
    ['/api/instance', { headers: { 'x-api-key': plain } }],
    ['/api/instance', { headers: { apikey: plain } }],
    [`/api/instance?token=${plain}`, {}],
    [`/api/instance?access_token=${plain}`, {}],
    [`/api/instance?api_key=${plain}`, {}],
  ];
  for (const [url, init] of ways) {
    const res = await app.request(url, init);
    assert.is(res.status, 200, `${url.replace(plain, 'KEY')} ${Object.keys(init.headers ?? {}).join()}`);
    assert.equal((await res.json()).instances, ['a']);
  }
  // The admin token is taken from the new places too.
  assert.is((await app.request(`/api/keys?access_token=${'test-token-0123456789'}`)).status, 200);
  assert.is((await app.request(`/api/keys?api_key=${plain}`)).status, 403, 'and the key there is the key, not the admin');
  await s.close();
});

keys('DELETE /api/keys/:id revokes the key: 401 from then on; again answers alreadyRevoked; an unknown id is 404', async () => {
  const s = await testServer();
  const { plain, id } = await createKey(s, { name: 'short-lived', scope: 'global', permissions: ['read'] });
  const call = as(s, plain);
  assert.is((await call('GET', '/api/instance')).status, 200);
  assert.equal((await s.json('DELETE', `/api/keys/${id}`)).body, { success: true, alreadyRevoked: false });
  const refused = await call('GET', '/api/instance');
  assert.is(refused.status, 401);
  assert.is(refused.body.code, 'unauthorized');
  assert.equal((await s.json('DELETE', `/api/keys/${id}`)).body, { success: true, alreadyRevoked: true });
  const listed = (await s.json('GET', '/api/keys')).body.keys[0];
  assert.is(listed.status, 'revoked');
  assert.ok(listed.revokedAt);
  assert.is((await s.json('DELETE', '/api/keys/key_0000000000000000')).status, 404);
  await s.close();
});

keys('a key past its expiresAt answers 401 saying it expired (the clock is the server\'s)', async () => {
  let now = Date.parse('2026-06-01T10:00:00Z');
  const s = await testServer({ now: () => now });
  const { plain } = await createKey(s, { name: 'until noon', scope: 'global', permissions: ['read'], expiresAt: '2026-06-01T12:00:00Z' });
  assert.is((await as(s, plain)('GET', '/api/instance')).status, 200);
  now = Date.parse('2026-06-01T12:00:00Z');
  const refused = await as(s, plain)('GET', '/api/instance');
  assert.is(refused.status, 401);
  assert.match(refused.body.error, /expired at 2026-06-01T12:00:00.000Z/);
  assert.is((await s.json('GET', '/api/keys')).body.keys[0].status, 'expired');
  await s.close();
});

keys('POST /api/keys answers 400 naming the field for a scope without instances, an unknown instance, a global key with instances, a past expiry or no permission', async () => {
  let now = Date.parse('2026-06-01T10:00:00Z');
  const s = await testServer({ now: () => now });
  await s.json('POST', '/api/instance', { id: 'a', engine: 'sandbox' });
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ name: 'x', scope: 'instance' }, /^instanceIds: an instance-scoped key needs at least one instance/],
    [{ name: 'x', scope: 'instance', instanceIds: ['a', 'ghost'] }, /^instanceIds: unknown instance "ghost"/],
    [{ name: 'x', scope: 'global', instanceIds: ['a'] }, /^instanceIds: a global key/],
    [{ name: 'x', scope: 'global', expiresAt: '2026-06-01T09:00:00Z' }, /^expiresAt: .* is not in the future/],
    [{ name: 'x', scope: 'global', expiresAt: 'tomorrow' }, /^expiresAt: "tomorrow" is not an ISO 8601/],
    [{ name: 'x', scope: 'global', permissions: [] }, /^permissions:/],
    [{ name: 'x', scope: 'global', permissions: ['admin'] }, /^permissions\.0:/],
    [{ name: '', scope: 'global' }, /^name:/],
    [{ name: 'x', scope: 'everything' }, /^scope:/],
    [{ name: 'x', scope: 'global', hourlyLimit: 0 }, /^hourlyLimit:/],
  ];
  for (const [body, expected] of cases) {
    const res = await s.json('POST', '/api/keys', body);
    assert.is(res.status, 400, JSON.stringify(body));
    assert.match(res.body.error, expected, JSON.stringify(body));
  }
  assert.equal((await s.json('GET', '/api/keys')).body.keys, [], 'nothing was created');
  await s.close();
});

keys('only the admin token manages keys: even a global key with every permission gets 403 on /api/keys', async () => {
  const s = await testServer();
  const { plain, id } = await createKey(s, { name: 'strong', scope: 'global', permissions: ['read', 'send', 'manage'] });
  const call = as(s, plain);
  for (const [method, url, body] of [
    ['GET', '/api/keys'],
    ['POST', '/api/keys', { name: 'child', scope: 'global' }],
    ['DELETE', `/api/keys/${id}`],
  ] as const) {
    const res = await call(method, url, body);
    assert.is(res.status, 403, `${method} ${url}`);
    assert.match(res.body.error, /admin token only/);
  }
  assert.is((await s.json('GET', '/api/keys')).body.keys.length, 1, 'the admin token sees the one key, still there');
  await s.close();
});

keys('a new key gets read and send when no permissions are given', async () => {
  const s = await testServer();
  const { key } = await createKey(s, { name: 'default', scope: 'global' });
  assert.equal(key.permissions, ['read', 'send']);
  await s.close();
});

keys.run();

// ---- the permission x scope matrix -------------------------------------------------------------

/** Two linked sandbox instances and a key for every scope and permission. */
async function matrixServer(): Promise<{ s: TestServer; tokens: Record<string, string> }> {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  const tokens: Record<string, string> = {};
  for (const scope of ['global', 'instance'] as const) {
    for (const permission of ['read', 'send', 'manage'] as const) {
      const body = { name: `${scope}-${permission}`, scope, permissions: [permission], ...(scope === 'instance' ? { instanceIds: ['a'] } : {}) };
      tokens[`${scope}-${permission}`] = (await createKey(s, body)).plain;
    }
  }
  return { s, tokens };
}

/** One endpoint per permission, on instance `id`. */
const probes = (id: string) =>
  ({
    read: ['GET', `/api/instance/${id}/messages`, undefined],
    send: ['POST', `/api/instance/${id}/messages/chat`, { to: '905551112233', body: 'from a key' }],
    manage: ['POST', `/api/instance/${id}/settings`, { sendDelay: 0 }],
  }) as const;

const matrix = suite('permissions x scope: what a key may do (200), lacks (403), cannot see (404), or is not (401)');
closesServers(matrix);

matrix('each key may do exactly what its permission allows on an instance in its scope; the rest is 403 naming the missing permission', async () => {
  const { s, tokens } = await matrixServer();
  for (const scope of ['global', 'instance']) {
    for (const has of ['read', 'send', 'manage'] as const) {
      const call = as(s, tokens[`${scope}-${has}`]!);
      for (const [needs, [method, url, body]] of Object.entries(probes('a'))) {
        const res = await call(method, url, body);
        const what = `${scope} key with ${has}: ${method} ${url}`;
        if (needs === has) {
          assert.is(res.status, 200, `${what}: ${JSON.stringify(res.body)}`);
        } else {
          assert.is(res.status, 403, what);
          assert.is(res.body.code, 'forbidden');
          assert.match(res.body.error, new RegExp(`lacks the ${needs} permission .* \\(it has: ${has}\\)`), what);
        }
      }
    }
  }
  await s.close();
});

matrix('an instance key answers 404 for another instance whatever its permission, exactly as for an instance that does not exist', async () => {
  const { s, tokens } = await matrixServer();
  for (const has of ['read', 'send', 'manage'] as const) {
    const call = as(s, tokens[`instance-${has}`]!);
    for (const [method, url, body] of Object.values(probes('b'))) {
      const other = await call(method, url, body);
      assert.is(other.status, 404, `instance key with ${has}: ${method} ${url}`);
      const ghost = await call(method, url.replace('/b/', '/ghost/'), body);
      assert.is(ghost.status, 404);
      assert.equal(other.body.code, ghost.body.code);
      assert.is(other.body.error, 'instance b not found', 'the same sentence an unknown instance gets');
      assert.is(ghost.body.error, 'instance ghost not found');
    }
    // The same key reaches its own instance (the presence the 404 is the absence of).
    const [method, url, body] = probes('a')[has];
    assert.is((await call(method, url, body)).status, 200, `instance key with ${has} on its own instance`);
  }
  // A global key of the same permission reaches b.
  assert.is((await as(s, tokens['global-read']!)('GET', '/api/instance/b/messages')).status, 200);
  // Nothing was sent from b by the keys that could not see it.
  const history = await s.json('GET', '/api/instance/b/messages');
  assert.is(history.body.total, 0);
  await s.close();
});

matrix('the instance list shows an instance key only its instances; global keys and the admin token see all', async () => {
  const { s, tokens } = await matrixServer();
  assert.equal((await s.json('GET', '/api/instance')).body.instances, ['a', 'b'], 'the admin token');
  assert.equal((await as(s, tokens['global-read']!)('GET', '/api/instance')).body.instances, ['a', 'b']);
  const scoped = await as(s, tokens['instance-read']!)('GET', '/api/instance');
  assert.equal(scoped.body.instances, ['a']);
  assert.equal(Object.keys(scoped.body.statuses), ['a']);
  assert.equal(Object.keys(scoped.body.details), ['a']);
  assert.not.match(JSON.stringify(scoped.body), B, "nothing of b (its phone) is in the answer");
  await s.close();
});

matrix('creating an instance needs a global key with manage: an instance key with manage gets 403 saying so, a read key 403 naming manage', async () => {
  const { s, tokens } = await matrixServer();
  const scoped = await as(s, tokens['instance-manage']!)('POST', '/api/instance', { id: 'c', engine: 'sandbox' });
  assert.is(scoped.status, 403);
  assert.match(scoped.body.error, /needs a global key/);
  const reader = await as(s, tokens['global-read']!)('POST', '/api/instance', { id: 'c', engine: 'sandbox' });
  assert.is(reader.status, 403);
  assert.match(reader.body.error, /lacks the manage permission/);
  const global = await as(s, tokens['global-manage']!)('POST', '/api/instance', { id: 'c', engine: 'sandbox' });
  assert.is(global.status, 200, JSON.stringify(global.body));
  assert.equal((await s.json('GET', '/api/instance')).body.instances, ['a', 'b', 'c']);
  await s.close();
});

matrix('sandbox controls need manage on an instance in scope: 403 without it, 404 on another instance', async () => {
  const { s, tokens } = await matrixServer();
  const incoming = { from: '905551112233', body: 'hello' };
  const own = await as(s, tokens['instance-manage']!)('POST', '/api/sandbox/a/incoming', incoming);
  assert.is(own.status, 200, JSON.stringify(own.body));
  const other = await as(s, tokens['instance-manage']!)('POST', '/api/sandbox/b/incoming', incoming);
  assert.is(other.status, 404);
  const sender = await as(s, tokens['instance-send']!)('POST', '/api/sandbox/a/incoming', incoming);
  assert.is(sender.status, 403);
  assert.match(sender.body.error, /lacks the manage permission/);
  await s.close();
});

matrix('deleting an instance needs manage, and a deleted instance leaves the scope of every key', async () => {
  const { s, tokens } = await matrixServer();
  assert.is((await as(s, tokens['instance-send']!)('DELETE', '/api/instance/a')).status, 403);
  assert.is((await as(s, tokens['instance-manage']!)('DELETE', '/api/instance/a')).status, 200);
  // A new instance of the same name is not the old one: the key does not reach it.
  assert.is((await s.json('POST', '/api/instance', { id: 'a', engine: 'sandbox' })).status, 200);
  assert.is((await as(s, tokens['instance-read']!)('GET', '/api/instance/a/status')).status, 404);
  assert.equal((await as(s, tokens['instance-read']!)('GET', '/api/instance')).body.instances, []);
  assert.equal((await s.json('GET', '/api/keys')).body.keys.find((k: any) => k.name === 'instance-read').instanceIds, []);
  assert.is((await as(s, tokens['global-read']!)('GET', '/api/instance/a/status')).status, 200, 'a global key does');
  await s.close();
});

matrix('no token and a wrong token answer 401 on every kind of endpoint', async () => {
  const { s } = await matrixServer();
  for (const [method, url, body] of [...Object.values(probes('a')), ['GET', '/api/keys', undefined], ['POST', '/api/instance', { id: 'z' }]] as const) {
    assert.is((await s.json(method, url, body, { authorization: '' })).status, 401, `${method} ${url} without a token`);
    assert.is((await as(s, 'hl_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')(method, url, body)).status, 401, `${method} ${url} with a made-up key`);
  }
  await s.close();
});

matrix.run();
