import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { eventually, linkedSandbox, testServer, type TestServer, closesServers } from './support/app.js';

const A = '905321000021';
const B = '905321000022';
const CEM = '905551112233';
const jid = (phone: string) => `${phone}@s.whatsapp.net`;

const incoming = async (s: TestServer, id: string, body: Record<string, unknown>) => {
  const res = await s.json('POST', `/api/sandbox/${id}/incoming`, body);
  assert.is(res.status, 200, JSON.stringify(res.body));
  return res.body.id as string;
};

const list = suite('GET /api/instance/:id/contacts');
closesServers(list);

list('lists who wrote (with their push name as notify) and who was written to, but not groups', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  assert.equal((await s.json('GET', '/api/instance/a/contacts')).body, []);
  await incoming(s, 'a', { from: CEM, name: 'Cem', body: 'selam' });
  await s.json('POST', '/api/instance/a/messages/chat', { to: '905551234567', body: 'merhaba' });
  const group = (await s.json('POST', '/api/sandbox/a/groups', { name: 'Ekip', participants: [CEM] })).body.id;
  await incoming(s, 'a', { from: '905551112299', name: 'Efe', body: 'gruptan selam', groupId: group });
  const res = await s.json('GET', '/api/instance/a/contacts');
  assert.is(res.status, 200);
  assert.equal(res.body, [
    { id: jid(CEM), name: null, notify: 'Cem' },
    { id: jid('905551112299'), name: null, notify: 'Efe' },
    { id: jid('905551234567'), name: null, notify: null },
  ]);
  const ids = await s.json('GET', '/api/instance/a/contacts/ids');
  assert.equal([ids.status, ids.body], [200, res.body.map((c: any) => c.id)]);
  await s.close();
});

list('another sandbox instance that wrote is a contact named by its account name', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A, 'Ayşe');
  await linkedSandbox(s, 'b', B, 'Burak');
  await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'selam' });
  const contact = await eventually('A at B', async () =>
    ((await s.json('GET', '/api/instance/b/contacts')).body as any[]).find((c) => c.id === jid(A)),
  );
  assert.equal(contact, { id: jid(A), name: null, notify: 'Ayşe' });
  await s.close();
});

list('contacts come from the store after a server restart', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-contacts-'));
  try {
    const first = await testServer({ dir, onDisk: true });
    await linkedSandbox(first, 'a', A);
    await incoming(first, 'a', { from: CEM, name: 'Cem', body: 'selam' });
    const before = (await first.json('GET', '/api/instance/a/contacts')).body;
    await first.close();
    const second = await testServer({ dir, onDisk: true });
    await eventually('open again', async () => (await second.json('GET', '/api/instance/a/status')).body.accountStatus.status === 'open');
    assert.equal((await second.json('GET', '/api/instance/a/contacts')).body, before);
    assert.equal((await second.json('GET', `/api/instance/a/contacts/contact?chatId=${CEM}`)).body, { id: jid(CEM), name: null, notify: 'Cem' });
    await second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

list.run();

const one = suite('GET /api/instance/:id/contacts/contact, check and image');
closesServers(one);

one('contacts/contact answers a known contact by phone or id, and 404 for a number not on WhatsApp', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await incoming(s, 'a', { from: CEM, name: 'Cem', body: 'selam' });
  for (const chatId of [CEM, `+${CEM}`, jid(CEM)]) {
    const res = await s.json('GET', `/api/instance/a/contacts/contact?chatId=${encodeURIComponent(chatId)}`);
    assert.equal([res.status, res.body], [200, { id: jid(CEM), name: null, notify: 'Cem' }], chatId);
  }
  const stranger = await s.json('GET', '/api/instance/a/contacts/contact?chatId=905557654321');
  assert.equal(stranger.body, { id: jid('905557654321'), name: null, notify: null });
  const missing = await s.json('GET', '/api/instance/a/contacts/contact?chatId=905551230000');
  assert.is(missing.status, 404);
  assert.match(missing.body.error, /^chatId: /);
  await s.close();
});

one('contacts/check says a sandbox number exists unless it ends in 0000, and answers its id', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  for (const chatId of ['905557654321', '+905557654321', jid('905557654321')]) {
    const res = await s.json('GET', `/api/instance/a/contacts/check?chatId=${encodeURIComponent(chatId)}`);
    assert.equal([res.status, res.body], [200, { exists: true, jid: jid('905557654321') }], chatId);
  }
  const none = await s.json('GET', '/api/instance/a/contacts/check?chatId=905551230000');
  assert.equal([none.status, none.body], [200, { exists: false, jid: null }]);
  await s.close();
});

one('contacts/image answers { url: null } when there is no picture', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  const res = await s.json('GET', `/api/instance/a/contacts/image?chatId=${CEM}`);
  assert.equal([res.status, res.body], [200, { url: null }]);
  await s.close();
});

one('contact lookups answer 400 naming chatId when it is missing, malformed or a group', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  for (const route of ['contact', 'check', 'image']) {
    for (const query of ['', '?chatId=', '?chatId=abc']) {
      const res = await s.json('GET', `/api/instance/a/contacts/${route}${query}`);
      assert.is(res.status, 400, `${route}${query}`);
      assert.match(res.body.error, /^chatId: /);
    }
  }
  for (const route of ['contact', 'check']) {
    const res = await s.json('GET', `/api/instance/a/contacts/${route}?chatId=120363012345678901@g.us`);
    assert.is(res.status, 400, route);
    assert.match(res.body.error, /^chatId: .*group/);
  }
  await s.close();
});

one.run();

const block = suite('POST /api/instance/:id/contacts/block and unblock');
closesServers(block);

block('a blocked contact\'s messages are not delivered; after unblock they are again', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  const blocked = await s.json('POST', '/api/instance/b/contacts/block', { chatId: `+${A}` });
  assert.equal([blocked.status, blocked.body], [200, { success: true }]);
  const lost = (await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'duyuyor musun?' })).body.id;
  const fromSim = await incoming(s, 'b', { from: CEM, body: 'ben engelli değilim' });
  await eventually('unblocked sender stored', async () => (await s.json('GET', '/api/instance/b/messages')).body.items.some((m: any) => m.id === fromSim));
  await new Promise((r) => setTimeout(r, 250)); // past the simulated network delay
  assert.not.ok((await s.json('GET', '/api/instance/b/messages')).body.items.some((m: any) => m.id === lost), 'not delivered while blocked');

  const unblocked = await s.json('POST', '/api/instance/b/contacts/unblock', { chatId: jid(A) });
  assert.equal([unblocked.status, unblocked.body], [200, { success: true }]);
  const heard = (await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'şimdi?' })).body.id;
  await eventually('delivered after unblock', async () => (await s.json('GET', '/api/instance/b/messages')).body.items.some((m: any) => m.id === heard));
  await s.close();
});

block('block and unblock answer 400 naming chatId for a missing, malformed or group id', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  for (const action of ['block', 'unblock']) {
    for (const body of [{}, { chatId: 'abc' }, { chatId: '120363012345678901@g.us' }]) {
      const res = await s.json('POST', `/api/instance/a/contacts/${action}`, body);
      assert.is(res.status, 400, `${action} ${JSON.stringify(body)}`);
      assert.match(res.body.error, /^chatId: /);
    }
  }
  await s.close();
});

block('every contacts route answers 404 for an unknown instance and 409 when it is not connected', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'idle', engine: 'sandbox' });
  const calls: [string, string, unknown?][] = [
    ['GET', 'contacts'],
    ['GET', 'contacts/ids'],
    ['GET', `contacts/contact?chatId=${CEM}`],
    ['GET', `contacts/check?chatId=${CEM}`],
    ['GET', `contacts/image?chatId=${CEM}`],
    ['POST', 'contacts/block', { chatId: CEM }],
    ['POST', 'contacts/unblock', { chatId: CEM }],
  ];
  for (const [method, route, body] of calls) {
    assert.is((await s.json(method, `/api/instance/nope/${route}`, body)).status, 404, `${route} unknown`);
    const idle = await s.json(method, `/api/instance/idle/${route}`, body);
    assert.is(idle.status, 409, `${route} not connected`);
    assert.match(idle.body.error, /not connected/);
  }
  await s.close();
});

block.run();
