import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { eventually, linkedSandbox, testServer, type TestServer, closesServers } from './support/app.js';

const A = '905321000011';
const B = '905321000012';
const CEM = '905551112233';
const jid = (phone: string) => `${phone}@s.whatsapp.net`;
const now = () => Math.floor(Date.now() / 1000);

const chats = async (s: TestServer, id: string) => {
  const res = await s.json('GET', `/api/instance/${id}/chats`);
  assert.is(res.status, 200, JSON.stringify(res.body));
  return res.body as { id: string; name: string; unreadCount: number; lastMessage: number | null; archived: boolean; lastMessagePreview: Record<string, unknown> | null }[];
};
const chat = async (s: TestServer, id: string, chatId: string) => (await chats(s, id)).find((c) => c.id === chatId);
const incoming = async (s: TestServer, id: string, body: Record<string, unknown>) => {
  const res = await s.json('POST', `/api/sandbox/${id}/incoming`, body);
  assert.is(res.status, 200, JSON.stringify(res.body));
  return res.body.id as string;
};

const list = suite('GET /api/instance/:id/chats');
closesServers(list);

list('a chat appears after its first incoming message, with the sender\'s name, its unread count and last message time', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  assert.equal(await chats(s, 'a'), []);
  const before = now();
  await incoming(s, 'a', { from: CEM, name: 'Cem', body: 'selam' });
  await incoming(s, 'a', { from: CEM, name: 'Cem', body: 'orada mısın?' });
  const got = await chats(s, 'a');
  assert.is(got.length, 1);
  assert.equal(
    { ...got[0], lastMessage: 0, lastMessagePreview: { ...got[0]!.lastMessagePreview, id: '', timestamp: 0 } },
    {
      id: jid(CEM), name: 'Cem', unreadCount: 2, lastMessage: 0, archived: false, pinned: false, mutedUntil: null, markedUnread: false,
      lastMessagePreview: { id: '', fromMe: false, type: 'chat', body: 'orada mısın?', status: 'received', timestamp: 0, senderName: 'Cem' },
    },
  );
  assert.ok(got[0]!.lastMessage! >= before && got[0]!.lastMessage! <= now());
  await s.close();
});

list('a chat appears after the first outgoing message too, named by its number, with nothing unread', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  const sent = await s.json('POST', '/api/instance/a/messages/chat', { to: '+905551234567', body: 'Merhaba' });
  assert.is(sent.status, 200);
  const got = await chat(s, 'a', jid('905551234567'));
  assert.ok(got, 'listed');
  assert.is(got!.name, '905551234567');
  assert.is(got!.unreadCount, 0);
  assert.is(got!.archived, false);
  await s.close();
});

list('between two sandbox instances both sides list the chat, and lastMessage and the order follow the newest message', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A, 'Ayşe');
  await linkedSandbox(s, 'b', B, 'Burak');
  await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'selam Burak' });
  const atB = await eventually('chat at B', () => chat(s, 'b', jid(A)));
  assert.is(atB.name, 'Ayşe');
  assert.is(atB.unreadCount, 1);
  assert.ok(await chat(s, 'a', jid(B)), 'listed at A');

  await incoming(s, 'b', { from: CEM, name: 'Cem', body: 'ben de buradayım' });
  const ids = (await chats(s, 'b')).map((c) => c.id);
  assert.ok(ids.indexOf(jid(CEM)) <= ids.indexOf(jid(A)), 'the newest chat comes first');

  await new Promise((r) => setTimeout(r, 1100)); // timestamps are whole seconds
  await s.json('POST', '/api/instance/b/messages/chat', { to: A, body: 'cevap' });
  const after = await chat(s, 'b', jid(A));
  assert.ok(after!.lastMessage! > atB.lastMessage!, 'lastMessage moved to the reply');
  assert.is((await chats(s, 'b'))[0]!.id, jid(A), 'the chat with the reply is first now');
  await s.close();
});

list('a send WhatsApp refused does not make a chat', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  const refused = await s.json('POST', '/api/instance/a/messages/chat', { to: '120363099999999999@g.us', body: 'kimse yok mu?' });
  assert.is(refused.status, 404);
  assert.is((await s.json('GET', '/api/instance/a/messages?status=failed')).body.total, 1, 'stored as failed');
  assert.equal(await chats(s, 'a'), []);
  await s.close();
});

list('a group the instance is in is listed with the group\'s name, and its messages move lastMessage', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  const group = (await s.json('POST', '/api/sandbox/a/groups', { name: 'Ekip', participants: [CEM] })).body.id as string;
  const listed = await chat(s, 'a', group);
  assert.equal(listed, { id: group, name: 'Ekip', unreadCount: 0, lastMessage: null, archived: false, pinned: false, mutedUntil: null, markedUnread: false, lastMessagePreview: null });
  await incoming(s, 'a', { from: CEM, name: 'Cem', body: 'toplantı?', groupId: group });
  const after = await chat(s, 'a', group);
  assert.is(after!.name, 'Ekip', 'a member\'s name does not rename the group');
  assert.is(after!.unreadCount, 1);
  assert.type(after!.lastMessage, 'number');
  await s.close();
});

list('GET /api/instance/:id/chats/ids answers the same chats\' ids, newest first', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await s.json('POST', '/api/instance/a/messages/chat', { to: '905551234567', body: 'bir' });
  await incoming(s, 'a', { from: CEM, body: 'iki' });
  const ids = await s.json('GET', '/api/instance/a/chats/ids');
  assert.is(ids.status, 200);
  assert.equal(ids.body, (await chats(s, 'a')).map((c) => c.id));
  assert.equal([...ids.body].sort(), [jid('905551234567'), jid(CEM)].sort());
  await s.close();
});

list('after a server restart, chats come from the store: names, unread counts and archive flags are kept', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-chats-'));
  try {
    const first = await testServer({ dir, onDisk: true });
    await linkedSandbox(first, 'a', A);
    await incoming(first, 'a', { from: CEM, name: 'Cem', body: 'selam' });
    await incoming(first, 'a', { from: '905551112244', name: 'Deniz', body: 'arşivle beni' });
    assert.is((await first.json('POST', '/api/instance/a/chats/archive', { chatId: '905551112244' })).status, 200);
    const before = await chats(first, 'a');
    await first.close();

    const second = await testServer({ dir, onDisk: true });
    await eventually('a open again', async () => (await second.json('GET', '/api/instance/a/status')).body.accountStatus.status === 'open');
    assert.equal(await chats(second, 'a'), before);
    assert.is((await chat(second, 'a', jid('905551112244')))!.archived, true);
    await second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

list.run();

const read = suite('POST /api/instance/:id/chats/read');
closesServers(read);

read('marks the chat read: unreadCount drops to 0 and the sender sees its messages read', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  const one = (await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'bir' })).body.id;
  const two = (await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'iki' })).body.id;
  await eventually('both at B', async () => (await chat(s, 'b', jid(A)))?.unreadCount === 2);
  const res = await s.json('POST', '/api/instance/b/chats/read', { chatId: `+${A}` });
  assert.equal([res.status, res.body], [200, { success: true }]);
  assert.is((await chat(s, 'b', jid(A)))!.unreadCount, 0);
  await eventually('read at A', async () => {
    const items = (await s.json('GET', `/api/instance/a/messages?chatId=${B}`)).body.items as { id: string; status: string }[];
    return [one, two].every((id) => items.find((m) => m.id === id)?.status === 'read');
  });
  await s.close();
});

read.run();

const messages = suite('GET /api/instance/:id/chats/messages');
closesServers(messages);

messages('answers the chat\'s messages newest first, 50 by default, in the shape of the message history', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  for (let i = 1; i <= 55; i++) await incoming(s, 'a', { from: CEM, name: 'Cem', body: `mesaj ${i}` });
  await incoming(s, 'a', { from: '905551112244', body: 'başka sohbet' });
  const page = await s.json('GET', `/api/instance/a/chats/messages?chatId=${jid(CEM)}`);
  assert.is(page.status, 200);
  assert.is(page.body.items.length, 50);
  assert.is(page.body.total, 55);
  assert.is(page.body.limit, 50);
  assert.is(page.body.page, 1);
  assert.is(page.body.items[0].body, 'mesaj 55');
  assert.ok(page.body.items.every((m: any) => m.chatId === jid(CEM)), 'only this chat');
  const history = await s.json('GET', `/api/instance/a/messages?chatId=${jid(CEM)}&limit=50`);
  assert.equal(page.body.items, history.body.items, 'the same message objects as GET .../messages');
  const small = await s.json('GET', `/api/instance/a/chats/messages?chatId=${CEM}&limit=2&page=2`);
  assert.equal(small.body.items.map((m: any) => m.body), ['mesaj 53', 'mesaj 52']);
  await s.close();
});

messages('answers from the store while the instance is not connected, and an empty page for a chat without messages', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await incoming(s, 'a', { from: CEM, body: 'selam' });
  await s.json('POST', '/api/instance/a/logout');
  const page = await s.json('GET', `/api/instance/a/chats/messages?chatId=${CEM}`);
  assert.is(page.status, 200);
  assert.equal(page.body.items.map((m: any) => m.body), ['selam']);
  const empty = await s.json('GET', '/api/instance/a/chats/messages?chatId=905559990000');
  assert.equal(empty.body, { items: [], page: 1, limit: 50, total: 0, nextCursor: null });
  await s.close();
});

messages('answers 400 naming chatId or limit when they are missing or malformed, and 404 for an unknown instance', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  for (const query of ['', '?chatId=abc', '?chatId=', `?chatId=${CEM}&limit=0`, `?chatId=${CEM}&limit=x`]) {
    const res = await s.json('GET', `/api/instance/a/chats/messages${query}`);
    assert.is(res.status, 400, query);
    assert.match(res.body.error, query.includes('limit') ? /^limit: / : /^chatId: /, query);
  }
  assert.is((await s.json('GET', `/api/instance/nope/chats/messages?chatId=${CEM}`)).status, 404);
  await s.close();
});

messages.run();

const manage = suite('archive, unarchive and delete');
closesServers(manage);

manage('POST .../chats/archive and unarchive set the chat\'s archived flag', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await incoming(s, 'a', { from: CEM, body: 'selam' });
  const archived = await s.json('POST', '/api/instance/a/chats/archive', { chatId: jid(CEM) });
  assert.equal([archived.status, archived.body], [200, { success: true }]);
  assert.is((await chat(s, 'a', jid(CEM)))!.archived, true);
  const unarchived = await s.json('POST', '/api/instance/a/chats/unarchive', { chatId: CEM });
  assert.equal([unarchived.status, unarchived.body], [200, { success: true }]);
  assert.is((await chat(s, 'a', jid(CEM)))!.archived, false);
  await s.close();
});

manage('a new incoming message brings an archived chat back, as on WhatsApp', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await incoming(s, 'a', { from: CEM, body: 'selam' });
  await s.json('POST', '/api/instance/a/chats/archive', { chatId: CEM });
  await incoming(s, 'a', { from: CEM, body: 'yine ben' });
  assert.is((await chat(s, 'a', jid(CEM)))!.archived, false);
  await s.close();
});

manage('POST and DELETE .../chats/delete remove the chat and its stored messages; the next message brings it back', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await incoming(s, 'a', { from: CEM, body: 'sil beni' });
  await incoming(s, 'a', { from: '905551112244', body: 'beni silme' });
  const del = await s.json('POST', '/api/instance/a/chats/delete', { chatId: CEM });
  assert.equal([del.status, del.body], [200, { success: true }]);
  assert.equal((await chats(s, 'a')).map((c) => c.id), [jid('905551112244')]);
  assert.is((await s.json('GET', `/api/instance/a/chats/messages?chatId=${CEM}`)).body.total, 0);
  assert.is((await s.json('GET', '/api/instance/a/messages')).body.total, 1, 'the other chat\'s message is kept');

  await incoming(s, 'a', { from: CEM, body: 'geri geldim' });
  assert.is((await chat(s, 'a', jid(CEM)))!.unreadCount, 1);

  const viaDelete = await s.json('DELETE', '/api/instance/a/chats/delete', { chatId: jid(CEM) });
  assert.equal([viaDelete.status, viaDelete.body], [200, { success: true }]);
  const viaQuery = await s.json('DELETE', '/api/instance/a/chats/delete?chatId=905551112244');
  assert.is(viaQuery.status, 200);
  assert.equal(await chats(s, 'a'), []);
  await s.close();
});

manage('chat actions answer 400 naming chatId when it is missing or malformed', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  for (const action of ['read', 'archive', 'unarchive', 'delete']) {
    for (const body of [{}, { chatId: 'abc' }, { chatId: 42 }]) {
      const res = await s.json('POST', `/api/instance/a/chats/${action}`, body);
      assert.is(res.status, 400, `${action} ${JSON.stringify(body)}`);
      assert.match(res.body.error, /^chatId: /);
    }
  }
  assert.is((await s.json('DELETE', '/api/instance/a/chats/delete')).status, 400);
  await s.close();
});

manage('every chats route answers 404 for an unknown instance, and those that need WhatsApp 409 when it is not connected', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'idle', engine: 'sandbox' });
  const calls: [string, string, unknown?][] = [
    ['GET', 'chats'],
    ['GET', 'chats/ids'],
    ['POST', 'chats/read', { chatId: CEM }],
    ['POST', 'chats/archive', { chatId: CEM }],
    ['POST', 'chats/unarchive', { chatId: CEM }],
    ['POST', 'chats/delete', { chatId: CEM }],
    ['DELETE', 'chats/delete', { chatId: CEM }],
  ];
  for (const [method, route, body] of calls) {
    const unknown = await s.json(method, `/api/instance/nope/${route}`, body);
    assert.is(unknown.status, 404, `${method} ${route} unknown`);
    const idle = await s.json(method, `/api/instance/idle/${route}`, body);
    assert.is(idle.status, 409, `${method} ${route} not connected`);
    assert.match(idle.body.error, /not connected/);
  }
  await s.close();
});

manage.run();

const docs = suite('OpenAPI document');
closesServers(docs);

docs('lists every chats, contacts, groups and media library route', async () => {
  const s = await testServer();
  const doc = (await s.json('GET', '/openapi.json')).body;
  const base = '/api/instance/{instanceId}';
  const expected: [string, string][] = [
    ['get', '/chats'], ['get', '/chats/ids'], ['get', '/chats/messages'], ['post', '/chats/read'], ['post', '/chats/archive'],
    ['post', '/chats/unarchive'], ['post', '/chats/delete'], ['delete', '/chats/delete'],
    ['get', '/contacts'], ['get', '/contacts/ids'], ['get', '/contacts/contact'], ['get', '/contacts/check'], ['get', '/contacts/image'],
    ['post', '/contacts/block'], ['post', '/contacts/unblock'],
    ['get', '/groups'], ['get', '/groups/ids'], ['get', '/groups/group'],
    ['post', '/media/upload'], ['get', '/media/list'], ['post', '/media/delete'], ['delete', '/media/delete'],
  ];
  for (const [method, route] of expected) assert.ok(doc.paths[`${base}${route}`]?.[method], `${method} ${route}`);
  const upload = doc.paths[`${base}/media/upload`].post.requestBody.content['multipart/form-data'];
  assert.equal(upload.schema.required, ['file']);
  await s.close();
});

docs.run();
