import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { as, asEmbed, createEmbedToken, createKey } from './support/access.js';
import { closesServers, linkedSandbox, testServer } from './support/app.js';

const A = '905321000081';
const B = '905321000082';
const CEM = '905551112233';

const create = suite('embed tokens: /api/embed-tokens and /api/embed/status');
closesServers(create);

create('POST /api/embed-tokens answers the token once, its embed URL, label, instances, permissions and expiry', async () => {
  const now = Date.parse('2026-06-01T10:00:00Z');
  const s = await testServer({ now: () => now });
  await s.json('POST', '/api/instance', { id: 'a', engine: 'sandbox' });
  const res = await s.json('POST', '/api/embed-tokens', { customerLabel: 'Acme Ltd.', instanceIds: ['a'], ttlMinutes: 60, permissions: 'read_write' });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.res.headers.get('cache-control'), 'no-store');
  const { token, tokenId } = res.body;
  assert.match(token, /^hl_embed_[A-Za-z0-9_-]{40}$/);
  assert.equal(res.body, {
    token,
    embedUrl: `http://hatline.test/embed/#token=${token}`,
    tokenId,
    customerLabel: 'Acme Ltd.',
    instanceIds: ['a'],
    permissions: 'read_write',
    expiresAt: '2026-06-01T11:00:00.000Z',
  });
  const list = await s.json('GET', '/api/embed-tokens');
  assert.is(list.status, 200);
  assert.equal(list.body.tokens, [
    {
      tokenId,
      customerLabel: 'Acme Ltd.',
      prefix: token.slice(0, 17),
      instanceIds: ['a'],
      permissions: 'read_write',
      createdAt: '2026-06-01T10:00:00.000Z',
      createdBy: 'admin',
      expiresAt: '2026-06-01T11:00:00.000Z',
      revokedAt: null,
      status: 'active',
    },
  ]);
  assert.not.match(JSON.stringify(list.body), token, 'the list never shows the token');
  // Defaults: read, one day.
  const plain = await createEmbedToken(s, { customerLabel: 'Beta', instanceIds: ['a'] });
  assert.is(plain.permissions, 'read');
  assert.is(plain.expiresAt, '2026-06-02T10:00:00.000Z');
  await s.close();
});

create('ttlMinutes must be 30 minutes to 30 days; instances must exist; 400 naming the field', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'a', engine: 'sandbox' });
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ customerLabel: 'x', instanceIds: ['a'], ttlMinutes: 29 }, /^ttlMinutes:/],
    [{ customerLabel: 'x', instanceIds: ['a'], ttlMinutes: 30 * 24 * 60 + 1 }, /^ttlMinutes:/],
    [{ customerLabel: 'x', instanceIds: [] }, /^instanceIds:/],
    [{ customerLabel: 'x', instanceIds: ['ghost'] }, /^instanceIds: unknown instance "ghost"/],
    [{ customerLabel: 'x', instanceIds: ['a'], permissions: 'write' }, /^permissions:/],
    [{ customerLabel: '', instanceIds: ['a'] }, /^customerLabel:/],
  ];
  for (const [body, expected] of cases) {
    const res = await s.json('POST', '/api/embed-tokens', body);
    assert.is(res.status, 400, JSON.stringify(body));
    assert.match(res.body.error, expected);
  }
  assert.is((await s.json('POST', '/api/embed-tokens', { customerLabel: 'x', instanceIds: ['a'], ttlMinutes: 30 })).status, 200, 'the bounds themselves are allowed');
  assert.is((await s.json('POST', '/api/embed-tokens', { customerLabel: 'x', instanceIds: ['a'], ttlMinutes: 43200 })).status, 200);
  await s.close();
});

create('GET /api/embed/status answers with the token as x-embed-token or ?token=: its label, permissions and only its instances', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A, 'Shop');
  await linkedSandbox(s, 'b', B);
  const { token, expiresAt } = await createEmbedToken(s, { customerLabel: 'Acme', instanceIds: ['a'] });
  const expected = {
    customerLabel: 'Acme',
    permissions: 'read',
    expiresAt,
    instances: [{ id: 'a', status: 'open', account: { id: `${A}@s.whatsapp.net`, name: 'Shop', phone: A } }],
  };
  const byHeader = await asEmbed(s, token)('GET', '/api/embed/status');
  assert.is(byHeader.status, 200, JSON.stringify(byHeader.body));
  assert.equal(byHeader.body, expected);
  const byQuery = await s.json('GET', `/api/embed/status?token=${token}`, undefined, { authorization: '' });
  assert.equal(byQuery.body, expected);
  // It is the embed token's endpoint: the admin token and keys get 403.
  const admin = await s.json('GET', '/api/embed/status');
  assert.is(admin.status, 403);
  assert.match(admin.body.error, /embed tokens only/);
  assert.is((await s.json('GET', '/api/embed/status', undefined, { authorization: '' })).status, 401, 'no token: 401');
  await s.close();
});

create.run();

const reach = suite('what an embed token reaches');
closesServers(reach);

reach('a read token reads the chats, messages, media and contacts of its instances, and nothing else (403 naming why, 404 for other instances)', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, name: 'Cem', body: 'Selam' });
  const { token } = await createEmbedToken(s, { customerLabel: 'Acme', instanceIds: ['a'], permissions: 'read' });
  const call = asEmbed(s, token);
  for (const url of [
    '/api/instance/a/chats',
    '/api/instance/a/chats/ids',
    `/api/instance/a/chats/messages?chatId=${CEM}`,
    '/api/instance/a/messages',
    '/api/instance/a/contacts',
    `/api/instance/a/contacts/contact?chatId=${CEM}`,
    '/api/instance/a/media/list',
  ]) {
    const res = await call('GET', url);
    assert.is(res.status, 200, `${url}: ${JSON.stringify(res.body)}`);
  }
  assert.is((await call('GET', `/api/instance/a/chats/messages?chatId=${CEM}`)).body.items[0].body, 'Selam');

  const readOnly = await call('POST', '/api/instance/a/messages/chat', { to: CEM, body: 'no' });
  assert.is(readOnly.status, 403);
  assert.match(readOnly.body.error, /read-only/);
  assert.is((await call('POST', '/api/instance/a/chats/read', { chatId: CEM })).status, 403);

  for (const [method, url] of [
    ['GET', '/api/instance/a/settings'],
    ['GET', '/api/instance/a/status'],
    ['GET', '/api/instance/a/groups'],
    ['POST', '/api/instance/a/restart'],
    ['GET', '/api/instance'],
    ['GET', '/api/usage'],
    ['GET', '/api/embed-tokens'],
  ] as const) {
    const res = await call(method, url);
    assert.is(res.status, 403, `${method} ${url}`);
  }
  assert.match((await call('GET', '/api/instance/a/settings')).body.error, /Embed tokens reach only the chats, messages, media and contacts/);
  assert.is((await call('GET', '/api/instance/b/chats')).status, 404, 'another instance does not exist for it');
  assert.is((await call('GET', '/api/instance/b/settings')).status, 404);
  await s.close();
});

reach('a read_write token also sends and marks read, but does not archive, delete or manage', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, name: 'Cem', body: 'Selam' });
  const { token } = await createEmbedToken(s, { customerLabel: 'Acme', instanceIds: ['a'], permissions: 'read_write' });
  const call = asEmbed(s, token);
  const sent = await call('POST', '/api/instance/a/messages/chat', { to: CEM, body: 'Merhaba from the inbox' });
  assert.is(sent.status, 200, JSON.stringify(sent.body));
  assert.is((await call('POST', '/api/instance/a/chats/read', { chatId: CEM })).status, 200);
  for (const [method, url, body] of [
    ['POST', '/api/instance/a/chats/archive', { chatId: CEM }],
    ['POST', '/api/instance/a/chats/delete', { chatId: CEM }],
    ['POST', '/api/instance/a/messages/delete', { to: CEM, msgId: sent.body.id }],
    ['POST', '/api/instance/a/settings', { sendDelay: 5 }],
  ] as const) {
    assert.is((await call(method, url, body)).status, 403, `${method} ${url}`);
  }
  const history = await s.json('GET', '/api/instance/a/messages');
  assert.equal(history.body.items.map((m: any) => m.body), ['Merhaba from the inbox', 'Selam']);
  await s.close();
});

reach('an embed token expires: 401 once its ttl has passed (the injected clock), as a revoked one', async () => {
  let now = Date.parse('2026-06-01T10:00:00Z');
  const s = await testServer({ now: () => now });
  await linkedSandbox(s, 'a', A);
  const { token, tokenId } = await createEmbedToken(s, { customerLabel: 'Acme', instanceIds: ['a'], ttlMinutes: 30 });
  const call = asEmbed(s, token);
  assert.is((await call('GET', '/api/instance/a/chats')).status, 200);
  now += 29 * 60_000;
  assert.is((await call('GET', '/api/embed/status')).status, 200, 'still valid a minute before');
  now += 60_000;
  const expired = await call('GET', '/api/instance/a/chats');
  assert.is(expired.status, 401);
  assert.match(expired.body.error, /expired at 2026-06-01T10:30:00.000Z/);
  assert.is((await call('GET', '/api/embed/status')).status, 401);
  assert.is((await s.json('GET', '/api/embed-tokens')).body.tokens[0].status, 'expired');

  const second = await createEmbedToken(s, { customerLabel: 'Acme', instanceIds: ['a'] });
  assert.is((await asEmbed(s, second.token)('GET', '/api/embed/status')).status, 200);
  assert.equal((await s.json('DELETE', `/api/embed-tokens/${second.tokenId}`)).body, { success: true, alreadyRevoked: false });
  assert.is((await asEmbed(s, second.token)('GET', '/api/embed/status')).status, 401, 'revoked: 401');
  assert.equal((await s.json('DELETE', `/api/embed-tokens/${second.tokenId}`)).body, { success: true, alreadyRevoked: true });
  assert.is((await s.json('DELETE', '/api/embed-tokens/emb_0000000000000000')).status, 404);
  assert.ok(tokenId);
  await s.close();
});

reach('a key with manage makes embed tokens for its own instances only; read_write needs send; it sees and revokes only those', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  const manager = as(s, (await createKey(s, { name: 'agency', scope: 'instance', instanceIds: ['a'], permissions: ['read', 'manage'] })).plain);
  const own = await manager('POST', '/api/embed-tokens', { customerLabel: 'Client A', instanceIds: ['a'] });
  assert.is(own.status, 200, JSON.stringify(own.body));
  assert.is((await asEmbed(s, own.body.token)('GET', '/api/instance/a/chats')).status, 200);
  const other = await manager('POST', '/api/embed-tokens', { customerLabel: 'Client B', instanceIds: ['b'] });
  assert.is(other.status, 400);
  assert.is(other.body.error, 'instanceIds: unknown instance "b"', 'the same answer as an instance that does not exist');
  const writer = await manager('POST', '/api/embed-tokens', { customerLabel: 'Client A', instanceIds: ['a'], permissions: 'read_write' });
  assert.is(writer.status, 403);
  assert.match(writer.body.error, /needs the send permission/);

  const adminsToken = await createEmbedToken(s, { customerLabel: 'Client B', instanceIds: ['b'] });
  const listed = await manager('GET', '/api/embed-tokens');
  assert.equal(listed.body.tokens.map((t: any) => t.customerLabel), ['Client A'], 'only the token of its instance');
  assert.equal((await s.json('GET', '/api/embed-tokens')).body.tokens.map((t: any) => t.customerLabel).sort(), ['Client A', 'Client B'], 'the admin sees both');
  assert.is((await manager('DELETE', `/api/embed-tokens/${adminsToken.tokenId}`)).status, 404);
  assert.is((await manager('DELETE', `/api/embed-tokens/${own.body.tokenId}`)).status, 200);

  const reader = as(s, (await createKey(s, { name: 'reader', scope: 'global', permissions: ['read'] })).plain);
  const refused = await reader('POST', '/api/embed-tokens', { customerLabel: 'x', instanceIds: ['a'] });
  assert.is(refused.status, 403);
  assert.match(refused.body.error, /lacks the manage permission/);
  await s.close();
});

reach.run();
