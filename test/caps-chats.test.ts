import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closesServers, testServer, type TestServer } from './support/app.js';
import { delivered, deliveredAll, jid, linkedWithHook, sendAndDeliver } from './support/caps.js';

const A = '905321000061';
const B = '905321000062';
const CEM = '905559990061';

const chatOf = async (s: TestServer, instance: string, id: string) => ((await s.json('GET', `/api/instance/${instance}/chats`)).body as any[]).find((c) => c.id === id);

const settings = suite('chat settings: pin, mute, mark unread');
closesServers(settings);

settings('pin and unpin show on the chat list; a fourth pin is refused with 409 naming the pinned chats', async () => {
  const s = await testServer();
  await linkedWithHook(s, 'a', A);
  const phones = ['905559990071', '905559990072', '905559990073', '905559990074'];
  for (const from of phones) await s.json('POST', '/api/sandbox/a/incoming', { from, body: 'selam' });
  for (const phone of phones.slice(0, 3)) {
    const pin = await s.json('POST', '/api/instance/a/chats/pin', { chatId: phone });
    assert.equal([pin.status, pin.body], [200, { success: true }]);
  }
  assert.is((await chatOf(s, 'a', jid(phones[0]!))).pinned, true);
  const fourth = await s.json('POST', '/api/instance/a/chats/pin', { chatId: phones[3] });
  assert.equal([fourth.status, fourth.body.code], [409, 'rejected']);
  assert.match(fourth.body.error, /at most 3 chats/);
  assert.is((await chatOf(s, 'a', jid(phones[3]!))).pinned, false);
  assert.is((await s.json('POST', '/api/instance/a/chats/unpin', { chatId: phones[0] })).status, 200);
  assert.is((await chatOf(s, 'a', jid(phones[0]!))).pinned, false);
  assert.is((await s.json('POST', '/api/instance/a/chats/pin', { chatId: phones[3] })).status, 200, 'room for one again');
});

settings('mute until a time (Unix seconds or ISO 8601) or for good, and unmute; a time in the past is a 400', async () => {
  let clock = Date.now();
  const s = await testServer({ now: () => clock });
  await linkedWithHook(s, 'a', A);
  await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, body: 'selam' });
  const now = Math.floor(clock / 1000);
  assert.is((await s.json('POST', '/api/instance/a/chats/mute', { chatId: CEM, until: now + 3600 })).status, 200);
  assert.is((await chatOf(s, 'a', jid(CEM))).mutedUntil, now + 3600);
  const iso = new Date((now + 7200) * 1000).toISOString();
  assert.is((await s.json('POST', '/api/instance/a/chats/mute', { chatId: CEM, until: iso })).status, 200);
  assert.is((await chatOf(s, 'a', jid(CEM))).mutedUntil, now + 7200);
  clock += 7201 * 1000;
  assert.is((await chatOf(s, 'a', jid(CEM))).mutedUntil, null, 'a mute that ended shows as not muted');
  assert.is((await s.json('POST', '/api/instance/a/chats/mute', { chatId: CEM })).status, 200);
  assert.ok((await chatOf(s, 'a', jid(CEM))).mutedUntil > Math.floor(clock / 1000) + 9 * 365 * 86400, 'for good: years ahead');
  assert.is((await s.json('POST', '/api/instance/a/chats/unmute', { chatId: CEM })).status, 200);
  assert.is((await chatOf(s, 'a', jid(CEM))).mutedUntil, null);
  const past = await s.json('POST', '/api/instance/a/chats/mute', { chatId: CEM, until: 1000 });
  assert.equal([past.status, past.body.code], [400, 'bad_request']);
  assert.match(past.body.error, /^until: 1000 is not in the future/);
  const garbage = await s.json('POST', '/api/instance/a/chats/mute', { chatId: CEM, until: 'tomorrow' });
  assert.equal([garbage.status, garbage.body.code], [400, 'bad_request']);
  assert.match(garbage.body.error, /^until: /);
});

settings('mark unread shows on the chat until the chat is read', async () => {
  const s = await testServer();
  await linkedWithHook(s, 'a', A);
  await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, body: 'selam' });
  await s.json('POST', '/api/instance/a/chats/read', { chatId: CEM });
  assert.equal(await chatOf(s, 'a', jid(CEM)).then((c) => [c.unreadCount, c.markedUnread]), [0, false]);
  assert.is((await s.json('POST', '/api/instance/a/chats/unread', { chatId: CEM })).status, 200);
  assert.is((await chatOf(s, 'a', jid(CEM))).markedUnread, true);
  await s.json('POST', '/api/instance/a/chats/read', { chatId: CEM });
  assert.is((await chatOf(s, 'a', jid(CEM))).markedUnread, false);
});

settings('chat settings answer 409 while not connected, 400 naming chatId for a bad one, 404 for a group the account is not in', async () => {
  const s = await testServer();
  await linkedWithHook(s, 'a', A);
  const bad = await s.json('POST', '/api/instance/a/chats/pin', { chatId: 'hello' });
  assert.equal([bad.status, bad.body.error], [400, 'chatId: "hello" is neither a phone number with country code nor a chat id']);
  const group = await s.json('POST', '/api/instance/a/chats/pin', { chatId: '120363099999999999@g.us' });
  assert.equal([group.status, group.body.code], [404, 'not_found']);
  await s.json('POST', '/api/instance', { id: 'off', engine: 'sandbox' });
  const off = await s.json('POST', '/api/instance/off/chats/mute', { chatId: CEM });
  assert.equal([off.status, off.body.code], [409, 'not_connected']);
});

settings.run();

const presence = suite('presence');
closesServers(presence);

presence('typing, recording and paused reach the other side as presence_update; so does going online and offline', async () => {
  const s = await testServer();
  await linkedWithHook(s, 'a', A);
  const b = await linkedWithHook(s, 'b', B);
  await sendAndDeliver(s, 'a', 'b', B, 'selam');
  for (const state of ['typing', 'recording', 'paused']) {
    const res = await s.json('POST', '/api/instance/a/chats/presence', { chatId: B, state });
    assert.equal([res.status, res.body], [200, { success: true }]);
  }
  await delivered(b.receiver, 'presence_update', (d) => d.state === 'paused');
  assert.equal(
    deliveredAll(b.receiver, 'presence_update').map((d) => [d.chatId, d.from, d.state]),
    [
      [jid(A), jid(A), 'composing'],
      [jid(A), jid(A), 'recording'],
      [jid(A), jid(A), 'paused'],
    ],
  );
  assert.is((await s.json('POST', '/api/instance/a/profile/presence', { state: 'unavailable' })).status, 200);
  const offline = await delivered(b.receiver, 'presence_update', (d) => d.state === 'unavailable');
  assert.equal([offline.from, offline.chatId], [jid(A), jid(A)]);
  assert.type(offline.lastSeen, 'number');
  const bad = await s.json('POST', '/api/instance/a/chats/presence', { chatId: B, state: 'dancing' });
  assert.equal([bad.status, bad.body.code], [400, 'bad_request']);
  assert.match(bad.body.error, /^state: /);
});

presence("a contact's typing (sandbox control) reaches the webhook, only when presence_update is chosen", async () => {
  const s = await testServer();
  const a = await linkedWithHook(s, 'a', A);
  await s.json('POST', '/api/sandbox/a/presence', { from: CEM, state: 'composing' });
  const got = await delivered(a.receiver, 'presence_update');
  assert.equal(got, { chatId: jid(CEM), from: jid(CEM), state: 'composing' });
  // The seed's three events only (the default): presence is not sent, a message still is.
  await s.json('POST', '/api/instance/a/settings', { webhookEvents: ['message_received', 'message_ack', 'connection_status'] });
  await s.json('POST', '/api/sandbox/a/presence', { from: CEM, state: 'paused' });
  await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, body: 'geldim' });
  await delivered(a.receiver, 'message_received', (d) => d.body === 'geldim');
  assert.not.ok(deliveredAll(a.receiver, 'presence_update').some((d) => d.state === 'paused'));
});

presence.run();
