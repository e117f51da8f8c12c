import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closesServers, eventually, linkedSandbox, testServer, type TestServer } from './support/app.js';
import { evo, isEvolutionError } from './support/evolution.js';
import { fileServer } from './support/http-fixture.js';

// Evolution API v2's message routes (seed 000's proxy paths), against two linked sandbox instances.

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const A = '905551110001';
const B = '905551110002';
const B_JID = `${B}@s.whatsapp.net`;

async function pair(s: TestServer) {
  await linkedSandbox(s, 'a', A, 'Ayşe');
  await linkedSandbox(s, 'b', B, 'Bora');
  return evo(s);
}

/** What b received, newest first. */
const inboxOfB = async (s: TestServer) => {
  await s.hatline.services.messages.settled('b');
  return (await s.json('GET', '/api/instance/b/messages?limit=50')).body.items.filter((m: any) => !m.fromMe) as any[];
};

/** The message object of Evolution (`M`), with the fields every answer has. */
function assertM(m: any, messageType: string) {
  assert.equal(Object.keys(m.key).sort(), ['fromMe', 'id', 'remoteJid']);
  assert.is(m.key.remoteJid, B_JID);
  assert.is(m.key.fromMe, true);
  assert.type(m.key.id, 'string');
  assert.is(m.messageType, messageType);
  assert.type(m.messageTimestamp, 'number');
  assert.is(m.instanceId, 'a');
  assert.ok(['PENDING', 'SERVER_ACK', 'DELIVERY_ACK', 'READ'].includes(m.status), m.status);
  assert.ok('message' in m && 'pushName' in m && 'contextInfo' in m && 'source' in m);
}

const t = suite('Evolution dialect: message routes');
closesServers(t);

t('sendText answers 201 with the message object; the text arrives; a reply quotes and mentions go with it', async () => {
  const s = await testServer();
  const e = await pair(s);
  const sent = await e('POST', 'message/sendText/a', { number: B, text: 'Merhaba', linkPreview: false });
  assert.is(sent.status, 201, JSON.stringify(sent.body));
  assertM(sent.body, 'conversation');
  assert.equal(sent.body.message, { conversation: 'Merhaba' });
  await eventually('b receives it', async () => (await inboxOfB(s)).some((m) => m.body === 'Merhaba' && m.id === sent.body.key.id));
  // A reply to it, by its key.id, and a mention of b.
  const reply = await e('POST', 'message/sendText/a', { number: `${B}@s.whatsapp.net`, text: 'devamı', quoted: { key: { id: sent.body.key.id } }, mentioned: [B] });
  assert.is(reply.status, 201, JSON.stringify(reply.body));
  assert.equal(reply.body.contextInfo, { stanzaId: sent.body.key.id, mentionedJid: [B_JID] });
  const stored = (await s.json('GET', '/api/instance/a/messages?limit=5')).body.items.find((m: any) => m.id === reply.body.key.id);
  assert.is(stored.quotedMessageId, sent.body.key.id);
});

t('sendText: bad input answers 400 in the nested body; a number not on WhatsApp answers its check; unknown instance 404', async () => {
  const s = await testServer();
  const e = await pair(s);
  const missing = await e('POST', 'message/sendText/a', { number: B });
  assert.is(missing.status, 400);
  assert.ok(isEvolutionError(missing.body, 400));
  assert.equal(missing.body, { status: 400, error: 'Bad Request', response: { message: [['instance requires property "text"']] } });
  const blank = await e('POST', 'message/sendText/a', { number: B, text: '   ' });
  assert.equal(blank.body.response.message, [['text: Text is required']]);
  const nowhere = await e('POST', 'message/sendText/a', { number: '905550000000', text: 'x' });
  assert.is(nowhere.status, 400);
  assert.equal(nowhere.body.response.message, [{ jid: '905550000000@s.whatsapp.net', exists: false, number: '905550000000' }]);
  const malformed = await s.hatline.app.request('/api/wafixer/message/sendText/a', { method: 'POST', headers: { apikey: 'test-token-0123456789', 'content-type': 'application/json' }, body: '{"number":' });
  assert.is(malformed.status, 400);
  assert.ok(isEvolutionError(await malformed.json(), 400), 'malformed JSON in the same shape');
  const unknown = await e('POST', 'message/sendText/zzz', { number: B, text: 'x' });
  assert.is(unknown.status, 404);
  // Nothing was sent by any of them.
  assert.is((await s.json('GET', '/api/instance/a/messages')).body.total, 0);
});

t('sendText on an instance that is not connected answers 409 in the Evolution shape', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'a', engine: 'sandbox' });
  const res = await evo(s)('POST', 'message/sendText/a', { number: B, text: 'x' });
  assert.is(res.status, 409);
  assert.ok(isEvolutionError(res.body, 409));
  assert.is(res.body.error, 'Conflict');
});

t('sendMedia: by URL, by bare base64 and by multipart file; a document keeps its file name; not URL nor base64 is 400', async () => {
  const s = await testServer();
  const e = await pair(s);
  const files = await fileServer({ '/a.png': ['image/png', PNG], '/r.pdf': ['application/pdf', Buffer.from('%PDF-1.4 test')] });
  try {
    const image = await e('POST', 'message/sendMedia/a', { number: B, mediatype: 'image', media: `${files.url}/a.png`, caption: 'resim' });
    assert.is(image.status, 201, JSON.stringify(image.body));
    assertM(image.body, 'imageMessage');
    assert.is(image.body.message.imageMessage.caption, 'resim');
    assert.is(image.body.message.imageMessage.mimetype, 'image/png');
    assert.match(image.body.message.mediaUrl, /^http:\/\/hatline\.test\/media\/a\//);
    const doc = await e('POST', 'message/sendMedia/a', { number: B, mediatype: 'document', media: Buffer.from('%PDF-1.4 test').toString('base64'), fileName: 'rapor.pdf' });
    assert.is(doc.status, 201, JSON.stringify(doc.body));
    assert.is(doc.body.message.documentMessage.fileName, 'rapor.pdf');
    assert.is(doc.body.message.documentMessage.mimetype, 'application/pdf', 'the type of bare base64 is read from its bytes');
    const form = new FormData();
    form.set('number', B);
    form.set('mediatype', 'image');
    form.set('file', new Blob([PNG], { type: 'image/png' }), 'photo.png');
    const multipart = await s.hatline.app.request('/api/wafixer/message/sendMedia/a', { method: 'POST', headers: { apikey: 'test-token-0123456789' }, body: form });
    assert.is(multipart.status, 201, await multipart.clone().text());
    assert.is((await multipart.json()).messageType, 'imageMessage');
    const bad = await e('POST', 'message/sendMedia/a', { number: B, mediatype: 'image', media: 'not a url nor base64!' });
    assert.is(bad.status, 400);
    assert.equal(bad.body.response.message, ['Owned media must be a url or base64']);
    const nameless = await e('POST', 'message/sendMedia/a', { number: B, mediatype: 'document', media: Buffer.from('%PDF-1.4 x').toString('base64') });
    assert.is(nameless.status, 400);
    assert.match(nameless.body.response.message[0], /fileName/);
    const badType = await e('POST', 'message/sendMedia/a', { number: B, mediatype: 'gif', media: `${files.url}/a.png` });
    assert.is(badType.status, 400);
    assert.match(badType.body.response.message[0][0], /^mediatype/);
    await eventually('b receives the three files', async () => (await inboxOfB(s)).filter((m) => m.media).length === 3);
  } finally {
    await files.close();
  }
});

t('sendWhatsAppAudio sends a voice note; sendSticker a sticker', async () => {
  const s = await testServer();
  const e = await pair(s);
  const ogg = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(64, 1)]).toString('base64');
  const audio = await e('POST', 'message/sendWhatsAppAudio/a', { number: B, audio: ogg });
  assert.is(audio.status, 201, JSON.stringify(audio.body));
  assertM(audio.body, 'audioMessage');
  assert.is(audio.body.message.audioMessage.ptt, true);
  const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBP'), Buffer.alloc(32, 2)]).toString('base64');
  const sticker = await e('POST', 'message/sendSticker/a', { number: B, sticker: webp });
  assert.is(sticker.status, 201, JSON.stringify(sticker.body));
  assertM(sticker.body, 'stickerMessage');
  const missing = await e('POST', 'message/sendSticker/a', { number: B });
  assert.equal(missing.body.response.message, ['instance requires property "sticker"']);
});

t('sendLocation, sendContact (one card per contact) and sendPoll', async () => {
  const s = await testServer();
  const e = await pair(s);
  const loc = await e('POST', 'message/sendLocation/a', { number: B, latitude: 41.0082, longitude: 28.9784, name: 'Sultanahmet', address: 'İstanbul' });
  assert.is(loc.status, 201, JSON.stringify(loc.body));
  assertM(loc.body, 'locationMessage');
  assert.equal(loc.body.message.locationMessage, { degreesLatitude: 41.0082, degreesLongitude: 28.9784, name: 'Sultanahmet', address: 'İstanbul' });
  const noName = await e('POST', 'message/sendLocation/a', { number: B, latitude: 41, longitude: 28, address: 'x' });
  assert.equal(noName.body.response.message, [['instance requires property "name"']]);

  const contact = await e('POST', 'message/sendContact/a', {
    number: B,
    contact: [
      { fullName: 'Cem Yılmaz', phoneNumber: '+90 555 111 0003', organization: 'Hatline', email: 'cem@example.com' },
      { fullName: 'Deniz', phoneNumber: '905551110004' },
    ],
  });
  assert.is(contact.status, 201, JSON.stringify(contact.body));
  assertM(contact.body, 'contactMessage');
  assert.is(contact.body.message.contactMessage.displayName, 'Cem Yılmaz');
  assert.match(contact.body.message.contactMessage.vcard, /ORG:Hatline/);
  assert.match(contact.body.message.contactMessage.vcard, /waid=905551110003:\+905551110003/);

  const poll = await e('POST', 'message/sendPoll/a', { number: B, name: 'Toplantı?', selectableCount: 1, values: ['Pzt', 'Çar'] });
  assert.is(poll.status, 201, JSON.stringify(poll.body));
  assertM(poll.body, 'pollCreationMessageV3');
  assert.equal(poll.body.message.pollCreationMessageV3, { name: 'Toplantı?', options: [{ optionName: 'Pzt' }, { optionName: 'Çar' }], selectableOptionsCount: 1 });
  const dup = await e('POST', 'message/sendPoll/a', { number: B, name: 'x', selectableCount: 1, values: ['a', 'a'] });
  assert.is(dup.status, 400);
  await eventually('b receives the location, both cards and the poll', async () => {
    const kinds = (await inboxOfB(s)).map((m) => m.type).sort();
    return kinds.join() === ['location', 'poll_creation', 'vcard', 'vcard'].sort().join();
  });
});

t('sendReaction reacts to a stored message with one emoji ("" removes it); anything else is 400', async () => {
  const s = await testServer();
  const e = await pair(s);
  const sent = await e('POST', 'message/sendText/a', { number: B, text: 'tepki ver' });
  const key = { remoteJid: B_JID, fromMe: true, id: sent.body.key.id };
  const reacted = await e('POST', 'message/sendReaction/a', { key, reaction: '👍' });
  assert.is(reacted.status, 201, JSON.stringify(reacted.body));
  assert.is(reacted.body.messageType, 'reactionMessage');
  assert.equal(reacted.body.message.reactionMessage.key, key);
  assert.is(reacted.body.message.reactionMessage.text, '👍');
  const stored = (await s.json('GET', '/api/instance/a/messages?limit=5')).body.items.find((m: any) => m.id === key.id);
  assert.equal(stored.reactions.map((r: any) => r.emoji), ['👍']);
  assert.is((await e('POST', 'message/sendReaction/a', { key, reaction: '' })).status, 201);
  const words = await e('POST', 'message/sendReaction/a', { key, reaction: 'ok' });
  assert.is(words.status, 400);
  assert.match(words.body.response.message[0], /one emoji/);
  const unknown = await e('POST', 'message/sendReaction/a', { key: { ...key, id: 'NOPE' }, reaction: '👍' });
  assert.is(unknown.status, 404);
});

t('sendList and sendButtons go out as numbered text, and the answer says so', async () => {
  const s = await testServer();
  const e = await pair(s);
  const list = await e('POST', 'message/sendList/a', {
    number: B,
    title: 'Menü',
    description: 'Birini seçin',
    footerText: 'Hatline',
    buttonText: 'Seç',
    sections: [{ title: 'Yemek', rows: [{ title: 'Pizza', rowId: 'p1', description: 'Margarita' }, { title: 'Salata', rowId: 's1' }] }],
  });
  assert.is(list.status, 201, JSON.stringify(list.body));
  assertM(list.body, 'conversation');
  assert.is(list.body.renderedAs, 'text');
  assert.match(list.body.note, /linked device/);
  assert.match(list.body.message.conversation, /\*Menü\*[\s\S]*1\. Pizza — Margarita\n2\. Salata[\s\S]*_Hatline_/);
  const buttons = await e('POST', 'message/sendButtons/a', {
    number: B,
    title: 'Sipariş',
    description: 'Ne yapalım?',
    footer: 'Hatline',
    buttons: [
      { type: 'reply', displayText: 'Onayla', id: 'ok' },
      { type: 'url', displayText: 'Site', url: 'https://hatline.dev' },
      { type: 'call', displayText: 'Ara', phoneNumber: '+905551110009' },
    ],
  });
  assert.is(buttons.status, 201, JSON.stringify(buttons.body));
  assert.match(buttons.body.message.conversation, /1\. Onayla\n2\. Site — https:\/\/hatline\.dev\n3\. Ara — \+905551110009/);
  const incomplete = await e('POST', 'message/sendButtons/a', { number: B, buttons: [{ type: 'url', displayText: 'Site' }] });
  assert.is(incomplete.status, 400);
  assert.match(incomplete.body.response.message[0], /buttons\.0\.url/);
  await eventually('b receives both as text', async () => (await inboxOfB(s)).filter((m) => m.type === 'chat').length === 2);
});

t('sendTemplate answers as Evolution does for a WhatsApp Web instance: 500 "Method not available in the Baileys service", after its own checks', async () => {
  const s = await testServer();
  const e = await pair(s);
  const res = await e('POST', 'message/sendTemplate/a', { number: B, name: 'hello_world', language: 'en_US', components: [] });
  assert.is(res.status, 500);
  assert.ok(isEvolutionError(res.body, 500));
  assert.match(res.body.response.message[0], /^Method not available in the Baileys service: .*Cloud API/);
  assert.is((await e('POST', 'message/sendTemplate/a', { number: B, language: 'en_US' })).status, 400, 'a body without name is 400 first');
  assert.is((await e('POST', 'message/sendTemplate/zzz', { number: B, name: 'x', language: 'en' })).status, 404);
});

t('delay shows typing first; the same Idempotency-Key answers the first send again and sends nothing', async () => {
  const s = await testServer();
  const e = await pair(s);
  const first = await e('POST', 'message/sendText/a', { number: B, text: 'bir kez', delay: 50 }, { 'idempotency-key': 'k1' });
  assert.is(first.status, 201);
  const again = await e('POST', 'message/sendText/a', { number: B, text: 'bir kez' }, { 'idempotency-key': 'k1' });
  assert.is(again.status, 201);
  assert.is(again.body.key.id, first.body.key.id);
  assert.is(again.res.headers.get('idempotent-replayed'), 'true');
  assert.is((await s.json('GET', '/api/instance/a/messages')).body.total, 1);
});

t.run();
