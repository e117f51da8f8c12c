import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closesServers, linkedSandbox, testServer, type TestServer } from './support/app.js';
import { evo, isEvolutionError } from './support/evolution.js';

// Evolution API v2's chat routes (seed 000's proxy paths) against sandbox instances.

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const A = '905551110001';
const CEM = '905551110003';
const DENIZ = '905551110004';
const jid = (phone: string) => `${phone}@s.whatsapp.net`;

async function incoming(s: TestServer, body: Record<string, unknown>): Promise<string> {
  const res = await s.json('POST', '/api/sandbox/a/incoming', body);
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  await s.hatline.services.messages.settled('a');
  return res.body.id;
}

/** a, with messages from Cem (three) and Deniz (one, an image), and one sent to Cem. */
async function withHistory(s: TestServer) {
  await linkedSandbox(s, 'a', A, 'Ayşe');
  const ids = [
    await incoming(s, { from: CEM, name: 'Cem', body: 'bir' }),
    await incoming(s, { from: CEM, name: 'Cem', body: 'iki' }),
    await incoming(s, { from: CEM, name: 'Cem', body: 'üç' }),
    await incoming(s, { from: DENIZ, name: 'Deniz', type: 'image', media: `data:image/png;base64,${PNG.toString('base64')}`, caption: 'foto' }),
  ];
  const e = evo(s);
  const sent = await e('POST', 'message/sendText/a', { number: CEM, text: 'dört' });
  return { e, ids, sentId: sent.body.key.id as string };
}

const t = suite('Evolution dialect: chat routes');
closesServers(t);

t('findChats: one per chat, newest first, with its last message; take/skip and limit/page page it; where.remoteJid picks one', async () => {
  const s = await testServer();
  const { e } = await withHistory(s);
  const all = await e('POST', 'chat/findChats/a', {});
  assert.is(all.status, 200);
  assert.equal(all.body.map((c: any) => c.remoteJid), [jid(CEM), jid(DENIZ)]);
  const cem = all.body[0];
  assert.equal(Object.keys(cem).sort(), ['id', 'isSaved', 'lastMessage', 'profilePicUrl', 'pushName', 'remoteJid', 'unreadCount', 'updatedAt', 'windowActive', 'windowExpires', 'windowStart'].sort());
  assert.is(cem.pushName, 'Cem');
  assert.is(cem.unreadCount, 3);
  assert.equal(cem.lastMessage.message, { conversation: 'dört' });
  assert.is(cem.lastMessage.key.fromMe, true);
  assert.equal((await e('POST', 'chat/findChats/a', { take: 1, skip: 1 })).body.map((c: any) => c.remoteJid), [jid(DENIZ)]);
  assert.equal((await e('POST', 'chat/findChats/a', { limit: 1, page: 2 })).body.map((c: any) => c.remoteJid), [jid(DENIZ)], "seed 000's limit and page");
  assert.equal((await e('POST', 'chat/findChats/a', { where: { remoteJid: DENIZ } })).body.map((c: any) => c.remoteJid), [jid(DENIZ)]);
  const bad = await e('POST', 'chat/findChats/a', { take: -1 });
  assert.is(bad.status, 400);
  assert.ok(isEvolutionError(bad.body, 400));
});

t('findMessages: { messages: { total, pages, currentPage, records } } newest first; page with offset or limit; where filters', async () => {
  const s = await testServer();
  const { e, ids, sentId } = await withHistory(s);
  const all = await e('POST', 'chat/findMessages/a', {});
  assert.is(all.status, 200);
  assert.equal(Object.keys(all.body.messages).sort(), ['currentPage', 'pages', 'records', 'total']);
  assert.equal([all.body.messages.total, all.body.messages.pages, all.body.messages.currentPage], [5, 1, 1]);
  const rec = all.body.messages.records[0];
  assert.is(rec.id, sentId);
  assert.equal(rec.MessageUpdate, [{ status: rec.status }]);
  const pageTwo = await e('POST', 'chat/findMessages/a', { page: 2, offset: 2 });
  assert.equal([pageTwo.body.messages.total, pageTwo.body.messages.pages, pageTwo.body.messages.currentPage], [5, 3, 2]);
  assert.is(pageTwo.body.messages.records.length, 2);
  const byLimit = await e('POST', 'chat/findMessages/a', { page: 3, limit: 2 });
  assert.is(byLimit.body.messages.records.length, 1, "seed 000's limit as the page size");

  const fromCem = await e('POST', 'chat/findMessages/a', { where: { key: { remoteJid: jid(CEM), fromMe: false } } });
  assert.equal(fromCem.body.messages.records.map((m: any) => m.message.conversation), ['üç', 'iki', 'bir']);
  assert.ok(fromCem.body.messages.records.every((m: any) => m.pushName === 'Cem' && m.key.fromMe === false));
  const images = await e('POST', 'chat/findMessages/a', { where: { messageType: 'imageMessage' } });
  assert.equal(images.body.messages.records.map((m: any) => m.key.id), [ids[3]]);
  assert.is(images.body.messages.records[0].message.imageMessage.caption, 'foto');
  const one = await e('POST', 'chat/findMessages/a', { where: { key: { id: ids[1] } } });
  assert.equal([one.body.messages.total, one.body.messages.records[0].message.conversation], [1, 'iki']);
  assert.is((await e('POST', 'chat/findMessages/a', { where: { id: 'NOPE' } })).body.messages.total, 0);
  const future = await e('POST', 'chat/findMessages/a', { where: { messageTimestamp: { gte: new Date(Date.now() + 3_600_000).toISOString() } } });
  assert.is(future.body.messages.total, 0);
  const past = await e('POST', 'chat/findMessages/a', { where: { messageTimestamp: { gte: 0, lte: Math.floor(Date.now() / 1000) + 60 } } });
  assert.is(past.body.messages.total, 5);
  const unknownType = await e('POST', 'chat/findMessages/a', { where: { messageType: 'hologramMessage' } });
  assert.is(unknownType.status, 400);
  const unknownField = await e('POST', 'chat/findMessages/a', { where: { source: 'ios' } });
  assert.is(unknownField.status, 400, 'a filter Hatline cannot apply is refused, not ignored');
  assert.ok(isEvolutionError(unknownField.body, 400));
});

t('markMessageAsRead sends receipts for incoming messages (201); an unknown message is 404', async () => {
  const s = await testServer();
  const { e, ids, sentId } = await withHistory(s);
  const read = await e('POST', 'chat/markMessageAsRead/a', {
    readMessages: [
      { id: ids[0], fromMe: false, remoteJid: jid(CEM) },
      { id: ids[1], fromMe: false, remoteJid: jid(CEM) },
      { id: sentId, fromMe: true, remoteJid: jid(CEM) },
    ],
  });
  assert.equal([read.status, read.body], [201, { message: 'Read messages', read: 'success' }]);
  const chat = (await e('POST', 'chat/findChats/a', { where: { remoteJid: CEM } })).body[0];
  assert.is(chat.unreadCount, 1);
  const unknown = await e('POST', 'chat/markMessageAsRead/a', { readMessages: [{ id: 'NOPE', fromMe: false, remoteJid: jid(CEM) }] });
  assert.is(unknown.status, 404);
  const empty = await e('POST', 'chat/markMessageAsRead/a', { readMessages: [] });
  assert.is(empty.status, 400);
});

t("getBase64FromMediaMessage answers a stored message's media as base64; a text message is 400, an unknown one 404", async () => {
  const s = await testServer();
  const { e, ids } = await withHistory(s);
  const media = await e('POST', 'chat/getBase64FromMediaMessage/a', { message: { key: { id: ids[3], remoteJid: jid(DENIZ), fromMe: false } }, convertToMp4: false });
  assert.is(media.status, 201, JSON.stringify(media.body));
  assert.is(media.body.mediaType, 'imageMessage');
  assert.is(media.body.mimetype, 'image/png');
  assert.is(media.body.caption, 'foto');
  assert.equal(Buffer.from(media.body.base64, 'base64'), PNG);
  assert.is(media.body.size.fileLength, PNG.length);
  assert.is((await e('POST', 'chat/getBase64FromMediaMessage/a', { message: { key: { id: ids[0] } } })).status, 400);
  assert.is((await e('POST', 'chat/getBase64FromMediaMessage/a', { message: { key: { id: 'NOPE' } } })).status, 404);
});

t('findContacts lists contacts and groups (where: remoteJid, pushName); fetchProfile, fetchProfilePictureUrl, whatsappNumbers', async () => {
  const s = await testServer();
  const { e } = await withHistory(s);
  const group = (await s.json('POST', '/api/sandbox/a/groups', { name: 'Takım', participants: [CEM] })).body.id as string;
  const contacts = await e('POST', 'chat/findContacts/a', {});
  assert.is(contacts.status, 200);
  const ids = contacts.body.map((c: any) => c.remoteJid);
  assert.ok(ids.includes(jid(CEM)) && ids.includes(jid(DENIZ)) && ids.includes(group), JSON.stringify(ids));
  assert.is(contacts.body.find((c: any) => c.remoteJid === group).type, 'group');
  assert.equal((await e('POST', 'chat/findContacts/a', { where: { pushName: 'cem' } })).body.map((c: any) => c.remoteJid), [jid(CEM)]);
  assert.equal((await e('POST', 'chat/findContacts/a', { where: { remoteJid: DENIZ } })).body.map((c: any) => c.pushName), ['Deniz']);

  const own = await e('POST', 'chat/fetchProfile/a', {});
  assert.equal([own.status, own.body.wuid, own.body.name, own.body.numberExists], [200, jid(A), 'Ayşe', true]);
  const cem = await e('POST', 'chat/fetchProfile/a', { number: CEM });
  assert.equal([cem.status, cem.body.wuid, cem.body.numberExists], [200, jid(CEM), true]);
  const nobody = await e('POST', 'chat/fetchProfile/a', { number: '905550000000' });
  assert.is(nobody.status, 400);
  assert.equal(nobody.body.response.message, [{ jid: '905550000000@s.whatsapp.net', exists: false, number: '905550000000' }]);
  const picture = await e('POST', 'chat/fetchProfilePictureUrl/a', { number: CEM });
  assert.equal([picture.status, picture.body], [200, { wuid: jid(CEM), profilePictureUrl: null }]);

  const numbers = await e('POST', 'chat/whatsappNumbers/a', { numbers: [CEM, '905550000000', group, 'nonsense'] });
  assert.is(numbers.status, 200);
  assert.equal(numbers.body, [
    { jid: jid(CEM), exists: true, number: CEM },
    { jid: '905550000000@s.whatsapp.net', exists: false, number: '905550000000' },
    { jid: group, exists: true, number: group, name: 'Takım' },
    { jid: 'nonsense', exists: false, number: 'nonsense' },
  ]);
});

t('sendPresence shows the presence for delay ms and answers 201 { presence }; a wrong one is 400', async () => {
  const s = await testServer();
  const { e } = await withHistory(s);
  const typing = await e('POST', 'chat/sendPresence/a', { number: CEM, presence: 'composing', delay: 20 });
  assert.equal([typing.status, typing.body], [201, { presence: 'composing' }]);
  assert.is((await e('POST', 'chat/sendPresence/a', { number: CEM, presence: 'available', delay: 0 })).status, 201);
  const bad = await e('POST', 'chat/sendPresence/a', { number: CEM, presence: 'dancing', delay: 0 });
  assert.is(bad.status, 400);
  assert.match(bad.body.response.message[0][0], /^presence/);
  assert.equal((await e('POST', 'chat/sendPresence/a', { number: CEM, presence: 'paused' })).body.response.message, [['instance requires property "delay"']]);
});

t.run();
