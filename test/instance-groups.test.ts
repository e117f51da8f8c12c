import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { as, createEmbedToken, createKey } from './support/access.js';
import { closesServers, eventually, linkedSandbox, testServer, type TestServer } from './support/app.js';

closesServers(test);

const A = '905321000221';
const B = '905321000222';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

const details = async (s: TestServer) => (await s.json('GET', '/api/instance')).body.details;
const groups = async (s: TestServer) => (await s.json('GET', '/api/instance-groups')).body.groups;

test('instance groups: create with a seed-000 colour, file instances under them, rename, delete (the instances stay, without a group)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-groups-'));
  let s = await testServer({ dir, onDisk: true });
  try {
    for (const id of ['a', 'b', 'c']) await s.json('POST', '/api/instance', { id, engine: 'sandbox' });
    const sales = await s.json('POST', '/api/instance-groups', { name: 'Satış', color: 'sky' });
    assert.is(sales.status, 200);
    assert.equal([sales.body.group.name, sales.body.group.color, sales.body.group.instanceIds], ['Satış', 'sky', []]);
    const support = (await s.json('POST', '/api/instance-groups', { name: 'Destek' })).body.group;
    assert.is(support.color, 'wagreen', 'the default colour');
    for (const [body, field] of [
      [{ name: '' }, /name/],
      [{ name: 'x'.repeat(81) }, /name/],
      [{ name: 'x', color: 'red' }, /color/],
      [{ name: 'x', colour: 'sky' }, /colour/],
    ] as const) {
      const res = await s.json('POST', '/api/instance-groups', body);
      assert.is(res.status, 400, JSON.stringify(body));
      assert.match(res.body.error, field);
    }

    const filed = await s.json('PATCH', '/api/instance/a', { groupId: sales.body.group.id });
    assert.equal(filed.body, { success: true, instance: { id: 'a', groupId: sales.body.group.id } });
    await s.json('PATCH', '/api/instance/b', { groupId: sales.body.group.id });
    await s.json('PATCH', '/api/instance/c', { groupId: support.id });
    assert.equal((await details(s)).a.groupId, sales.body.group.id);
    assert.equal((await groups(s)).map((g: any) => [g.name, g.instanceIds]), [
      ['Destek', ['c']],
      ['Satış', ['a', 'b']],
    ]);
    const unknown = await s.json('PATCH', '/api/instance/a', { groupId: 999 });
    assert.is(unknown.status, 400);
    assert.match(unknown.body.error, /groupId: there is no instance group 999/);
    assert.is((await s.json('PATCH', '/api/instance/nope', { groupId: support.id })).status, 404);
    assert.equal((await s.json('PATCH', `/api/instance-groups/${support.id}`, { name: 'Müşteri hizmetleri', color: 'rose' })).body.group.color, 'rose');
    assert.is((await s.json('PATCH', '/api/instance-groups/999', { name: 'x' })).status, 404);

    // Kept across a restart.
    await s.close();
    s = await testServer({ dir, onDisk: true });
    assert.equal([(await details(s)).a.groupId, (await details(s)).c.groupId], [sales.body.group.id, support.id]);

    assert.equal((await s.json('DELETE', `/api/instance-groups/${sales.body.group.id}`)).body, { success: true });
    const after = await details(s);
    assert.equal([after.a.groupId, after.b.groupId, after.c.groupId], [null, null, support.id]);
    assert.equal((await groups(s)).map((g: any) => g.name), ['Müşteri hizmetleri']);
    assert.equal((await s.json('PATCH', '/api/instance/c', { groupId: null })).body.instance.groupId, null);
    assert.is((await s.json('DELETE', `/api/instance-groups/${sales.body.group.id}`)).status, 404);
  } finally {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a key scoped to instances sees only the groups its instances are in, and may not change groups; embed tokens see none', async () => {
  const s = await testServer();
  for (const id of ['a', 'b']) await s.json('POST', '/api/instance', { id, engine: 'sandbox' });
  const ga = (await s.json('POST', '/api/instance-groups', { name: 'GA' })).body.group;
  const gb = (await s.json('POST', '/api/instance-groups', { name: 'GB' })).body.group;
  await s.json('PATCH', '/api/instance/a', { groupId: ga.id });
  await s.json('PATCH', '/api/instance/b', { groupId: gb.id });
  const key = as(s, (await createKey(s, { name: 'a', scope: 'instance', instanceIds: ['a'], permissions: ['read', 'send', 'manage'] })).plain);
  assert.equal((await key('GET', '/api/instance-groups')).body.groups.map((g: any) => [g.name, g.instanceIds]), [['GA', ['a']]]);
  assert.is((await key('POST', '/api/instance-groups', { name: 'x' })).status, 403);
  assert.is((await key('DELETE', `/api/instance-groups/${gb.id}`)).status, 403);
  const refused = await key('PATCH', '/api/instance/a', { groupId: null });
  assert.is(refused.status, 403);
  assert.match(refused.body.error, /global key/);
  assert.is((await key('PATCH', '/api/instance/b', { groupId: null })).status, 404, 'outside its scope: not there at all');
  const global = as(s, (await createKey(s, { name: 'g', scope: 'global', permissions: ['read', 'manage'] })).plain);
  assert.is((await global('POST', '/api/instance-groups', { name: 'GC', color: 'cream' })).status, 200);
  const embed = await createEmbedToken(s, { customerLabel: 'Acme', instanceIds: ['a'], permissions: 'read' });
  assert.is((await s.json('GET', '/api/instance-groups', undefined, { authorization: '', 'x-embed-token': embed.token })).status, 403);
});

/** A: linked, with history both ways, a chat and contact, media, a webhook URL and a chatbot rule. */
async function busyInstance(): Promise<TestServer> {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B, 'Burak');
  assert.is((await s.json('POST', '/api/instance/a/messages/image', { to: B, image: `data:image/png;base64,${PNG.toString('base64')}` })).status, 200);
  assert.is((await s.json('POST', '/api/instance/b/messages/chat', { to: A, body: 'selam' })).status, 200);
  assert.is((await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'merhaba' })).status, 200);
  await eventually('A stored what B wrote', async () => (await s.json('GET', '/api/instance/a/messages?status=received')).body.total === 1);
  await eventually('B received both', async () => (await s.json('GET', '/api/instance/b/messages?status=received')).body.total === 2);
  await eventually('A knows B as a contact', async () => (await s.json('GET', '/api/instance/a/contacts')).body.length > 0);
  assert.is((await s.json('POST', '/api/instance/a/settings', { webhookUrl: 'http://127.0.0.1:9/hook', webhookEnabled: true })).status, 200);
  assert.is((await s.json('POST', '/api/instance/a/chatbot/rules', { trigger_text: 'fiyat', response: 'Listemiz...' })).status, 200);
  return s;
}

test('DELETE with scope "data" and includes removes only those parts, answers a summary, and keeps the instance connected', async () => {
  const s = await busyInstance();
  const res = await s.json('DELETE', '/api/instance/a', { scope: 'data', includes: { messages: true, media: true } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body, { success: true, ok: true, scope: 'data', summary: { messages: 3, media: { files: 1, bytes: PNG.length } } });
  assert.is((await s.json('GET', '/api/instance/a/messages')).body.total, 0);
  assert.equal((await s.json('GET', '/api/instance/a/media/list')).body, []);
  assert.ok((await s.json('GET', '/api/instance/a/contacts')).body.length > 0, 'contacts were not asked for');
  assert.is((await s.json('GET', '/api/instance/a/settings')).body.webhookUrl, 'http://127.0.0.1:9/hook');
  assert.is((await s.json('GET', '/api/instance/a/status')).body.accountStatus.status, 'open');
  assert.is((await s.json('GET', '/api/instance/b/messages')).body.total, 3, "the other instance's history is its own");
  // It goes on working.
  assert.is((await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'again' })).status, 200);
  assert.is((await s.json('GET', '/api/instance/a/messages')).body.total, 1);
});

test('DELETE with scope "data" and only media keeps the messages, which no longer point at the removed files', async () => {
  const s = await busyInstance();
  const image = async () => (await s.json('GET', '/api/instance/a/messages')).body.items.find((m: any) => m.type === 'image');
  const before = await image();
  assert.ok(before?.media?.url, 'the image message pointed at its file');
  const path = new URL(before.media.url).pathname;
  assert.is((await s.call('GET', path)).status, 200, 'its file was served');
  assert.ok((await s.json('GET', '/api/files?instanceId=a')).body.items.length > 0);

  const res = await s.json('DELETE', '/api/instance/a', { scope: 'data', includes: { media: true } });
  assert.equal(res.body, { success: true, ok: true, scope: 'data', summary: { media: { files: 1, bytes: PNG.length } } });
  assert.is((await s.json('GET', '/api/instance/a/messages')).body.total, 3, 'messages were not asked for');
  const after = await image();
  assert.is(after.id, before.id);
  assert.is(after.media, undefined, 'the message is shown without media, not with a link to nothing');
  assert.is((await s.call('GET', path)).status, 404);
  assert.equal((await s.json('GET', '/api/files?instanceId=a')).body.items, [], 'the file library lists nothing that is gone');
});

test('DELETE with scope "data" and no includes removes every part: chats, contacts, the webhook and chatbot rules too; bad bodies are 400', async () => {
  const s = await busyInstance();
  const chatsBefore = (await s.json('GET', '/api/instance/a/chats')).body.length;
  assert.ok(chatsBefore > 0);
  const res = await s.json('DELETE', '/api/instance/a', { scope: 'data' });
  assert.is(res.status, 200, JSON.stringify(res.body));
  const { summary } = res.body;
  assert.equal([summary.messages, summary.chats, summary.labels, summary.integrations, summary.media.files], [3, chatsBefore, 0, { webhook: true, chatbotRules: 1 }, 1]);
  assert.ok(summary.contacts > 0);
  assert.equal((await s.json('GET', '/api/instance/a/chats')).body, []);
  assert.equal((await s.json('GET', '/api/instance/a/contacts')).body, []);
  const settings = (await s.json('GET', '/api/instance/a/settings')).body;
  assert.equal([settings.webhookUrl, settings.webhookEnabled], ['', 'false']);
  assert.equal((await s.json('GET', '/api/instance/a/chatbot/rules')).body.rules, []);
  assert.ok((await s.json('GET', '/api/instance')).body.instances.includes('a'), 'the instance stays');
  const audit = (await s.json('GET', '/api/audit?action=instance.data_delete')).body.items;
  assert.is(audit.length, 1);
  assert.is(audit[0].instanceId, 'a');

  for (const [body, message] of [
    [{ scope: 'data', includes: {} }, /includes: name at least one of messages, contacts, chats, labels, integrations, media/],
    [{ scope: 'data', includes: { messages: false } }, /includes: name at least one/],
    [{ scope: 'data', includes: { history: true } }, /history/],
    [{ scope: 'instance', includes: { messages: true } }, /includes: only with scope "data"/],
    [{ scope: 'everything' }, /scope/],
  ] as const) {
    const bad = await s.json('DELETE', '/api/instance/a', body);
    assert.is(bad.status, 400, JSON.stringify(body));
    assert.match(bad.body.error, message);
  }
  // A key needs manage; an instance outside its scope is 404.
  const reader = as(s, (await createKey(s, { name: 'r', scope: 'global', permissions: ['read'] })).plain);
  assert.is((await reader('DELETE', '/api/instance/a', { scope: 'data' })).status, 403);
  const other = as(s, (await createKey(s, { name: 'b', scope: 'instance', instanceIds: ['b'], permissions: ['manage'] })).plain);
  assert.is((await other('DELETE', '/api/instance/a', { scope: 'data' })).status, 404);

  // The whole instance, as before: the seed's answer, or seed 000's when a scope is named.
  assert.equal((await s.json('DELETE', '/api/instance/a', { scope: 'instance' })).body, { success: true, ok: true, scope: 'instance' });
  assert.equal((await s.json('DELETE', '/api/instance/b')).body, { success: true });
});

test.run();
