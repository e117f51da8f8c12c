import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import wwebjs from 'whatsapp-web.js';
import { EngineError, type Engine } from '../src/engines/engine.js';
import { createWwebjsEngine } from '../src/engines/wwebjs/index.js';
import { engineContract } from './support/engine-contract.js';
import { FakeChat, FakeContact, fakeClientFactory, type FakeWorld, type FakeWwebjsClient } from './support/fake-wwebjs-client.js';
import { RecordingListener } from './support/recorder.js';

const { Location, MessageMedia, Poll } = wwebjs;

// The contract in the WhatsApp Web of June 2026 and of today with the library Hatline installs,
// and in July 2026's `$1` keys with the library as published: the engine's own defences carry it.
const WORLDS: FakeWorld[] = [
  { shape: '2026-06', library: 'patched' },
  { shape: '2026-09', library: 'patched' },
  { shape: '2026-07', library: 'pristine' },
];
for (const world of WORLDS) {
  engineContract(`wwebjs over a fake whatsapp-web.js Client (WhatsApp Web ${world.shape}, ${world.library} library)`, async (sessionDir, instanceId) => {
    const events = new RecordingListener();
    const fakes = fakeClientFactory(() => ({ ...world }));
    const engine = createWwebjsEngine({ instanceId, sessionDir, emit: events.emit }, { chromiumPath: null, clientFactory: fakes.factory });
    return {
      engine,
      events,
      link: async () => fakes.current().scan('905550001111', 'Fake Phone'),
      receive: async (fromPhone, body) => {
        fakes.current().receive(fromPhone, body);
      },
      receipt: async (messageId, _to, status) => fakes.current().ack(messageId, status === 'read' ? 3 : 2),
      makeGroup: async (name, members) => fakes.current().addGroup(name, members),
      close: () => engine.dispose(),
    };
  });
}

// --- what the contract does not cover: the library's shapes ----------------------------------

const test = suite('wwebjs engine over the fake client');

interface Linked {
  engine: Engine;
  events: RecordingListener;
  fake: FakeWwebjsClient;
  dir: string;
}

const open: Linked[] = [];

async function linked(): Promise<Linked> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-wwebjs-'));
  const events = new RecordingListener();
  const fakes = fakeClientFactory();
  const engine = createWwebjsEngine({ instanceId: 'w1', sessionDir: dir, emit: events.emit }, { chromiumPath: null, clientFactory: fakes.factory });
  await engine.start();
  await events.until('a QR code', () => events.qrs.some((q) => typeof q === 'string'));
  fakes.current().scan('905550001111', 'Fake Phone');
  await events.until('open', () => events.lastStatus()?.status === 'open');
  const l = { engine, events, fake: fakes.current(), dir };
  open.push(l);
  return l;
}

test.after.each(async () => {
  for (const l of open.splice(0)) {
    await l.engine.dispose();
    rmSync(l.dir, { recursive: true, force: true });
  }
});

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const TO = '905321112233@s.whatsapp.net';

test('sends go to @c.us ids with sendSeen false and the library classes for each kind', async () => {
  const { engine, fake } = await linked();
  await engine.messages!.send(TO, { kind: 'chat', body: 'hi' });
  await engine.messages!.send(TO, { kind: 'ptt', media: { mimetype: 'audio/ogg', data: Buffer.from('OggS') } });
  await engine.messages!.send(TO, { kind: 'document', media: { mimetype: 'application/pdf', data: Buffer.from('%PDF'), filename: 'r.pdf' }, caption: 'report' });
  await engine.messages!.send(TO, { kind: 'sticker', media: { mimetype: 'image/webp', data: Buffer.from('RIFF') } });
  await engine.messages!.send(TO, { kind: 'image', media: { mimetype: 'image/png', data: PNG }, caption: 'pic' });
  await engine.messages!.send(TO, { kind: 'location', location: { lat: 41.0082, lng: 28.9784, name: 'İstanbul', address: 'Fatih' } });
  await engine.messages!.send(TO, { kind: 'vcard', vcard: 'BEGIN:VCARD\nVERSION:3.0\nFN:Ahmet\nEND:VCARD', displayName: 'Ahmet' });
  await engine.messages!.send(TO, { kind: 'poll_creation', poll: { name: 'When?', values: ['Mon', 'Wed'], selectableCount: 1 } });
  await engine.messages!.send(TO, { kind: 'poll_creation', poll: { name: 'Which?', values: ['A', 'B'], selectableCount: 0 } });

  const s = fake.sent;
  assert.is(s.length, 9);
  for (const r of s) {
    assert.is(r.chatId, '905321112233@c.us');
    assert.is(r.options?.sendSeen, false);
  }
  assert.is(s[0]!.content, 'hi');
  assert.instance(s[1]!.content, MessageMedia);
  assert.is(s[1]!.options?.sendAudioAsVoice, true);
  assert.is(s[2]!.options?.sendMediaAsDocument, true);
  assert.is(s[2]!.options?.caption, 'report');
  assert.is((s[2]!.content as InstanceType<typeof MessageMedia>).filename, 'r.pdf');
  assert.is(s[3]!.options?.sendMediaAsSticker, true);
  assert.is((s[4]!.content as InstanceType<typeof MessageMedia>).data, PNG.toString('base64'));
  assert.instance(s[5]!.content, Location);
  assert.is((s[5]!.content as InstanceType<typeof Location>).name, 'İstanbul');
  assert.is(s[6]!.options?.parseVCards, true);
  assert.instance(s[7]!.content, Poll);
  assert.is((s[7]!.content as InstanceType<typeof Poll>).options.allowMultipleAnswers, false);
  assert.is((s[8]!.content as InstanceType<typeof Poll>).options.allowMultipleAnswers, true);
});

test('messages the engine sent are not reported back as messages, those sent on the phone are, with fromMe true', async () => {
  const { engine, events, fake } = await linked();
  const sent = await engine.messages!.send(TO, { kind: 'chat', body: 'from the API' });
  fake.sendFromPhone('905321112233', 'from the phone');
  await events.until('the phone message', () => events.messages.some((m) => m.body === 'from the phone'));
  assert.not.ok(events.messages.some((m) => m.id === sent.id), 'the API send is not echoed');
  const m = events.messages.find((x) => x.body === 'from the phone')!;
  assert.is(m.fromMe, true);
  assert.is(m.from, '905550001111@s.whatsapp.net');
  assert.is(m.chatId, TO);
  assert.is(m.to, TO);
});

test('acks -1 to 4 are reported as failed, pending, sent, delivered, read and played', async () => {
  const { engine, events, fake } = await linked();
  const sent = await engine.messages!.send(TO, { kind: 'chat', body: 'ack me' });
  await events.until('the sent ack from the fake', () => events.acks.some((a) => a.id === sent.id && a.status === 'sent'));
  for (const ack of [-1, 0, 2, 3, 4]) fake.ack(sent.id, ack);
  await events.until('six acks', () => events.acks.filter((a) => a.id === sent.id).length === 6);
  assert.equal(
    events.acks.filter((a) => a.id === sent.id).map((a) => a.status),
    ['sent', 'failed', 'pending', 'delivered', 'read', 'played'],
  );
  assert.ok(events.acks.every((a) => a.chatId === TO));
});

test('incoming media is downloaded into a MediaPayload with a Buffer', async () => {
  const { events, fake } = await linked();
  fake.receive('905551112233', 'a caption', { media: new MessageMedia('image/png', PNG.toString('base64'), 'p.png'), notifyName: 'Ayşe' });
  await events.until('the media message', () => events.messages.length > 0);
  const m = events.messages[0]!;
  assert.is(m.kind, 'image');
  assert.is(m.body, 'a caption');
  assert.is(m.senderName, 'Ayşe');
  assert.ok(Buffer.isBuffer(m.media?.data));
  assert.ok(m.media!.data.equals(PNG));
  assert.is(m.media!.mimetype, 'image/png');
  assert.is(m.media!.filename, 'p.png');
});

test('group messages name the group as chat and the member as sender', async () => {
  const { events, fake } = await linked();
  const group = fake.addGroup('Ekip', ['905551112233']);
  fake.receive('905551112233', 'selam', { groupId: group });
  await events.until('the group message', () => events.messages.length > 0);
  const m = events.messages[0]!;
  assert.is(m.chatId, group);
  assert.is(m.to, group);
  assert.is(m.from, '905551112233@s.whatsapp.net');
});

test('LID senders are reported with their phone id, resolved with one lookup and then cached', async () => {
  const { events, fake } = await linked();
  fake.lids.set('123456789012345@lid', '905557778899@c.us');
  fake.receive('123456789012345@lid', 'one');
  fake.receive('123456789012345@lid', 'two');
  await events.until('two messages', () => events.messages.length === 2);
  assert.ok(events.messages.every((m) => m.from === '905557778899@s.whatsapp.net' && m.chatId === '905557778899@s.whatsapp.net'));
  const lidLookups = fake.lidLookups.filter((batch) => batch.includes('123456789012345@lid'));
  assert.is(lidLookups.length, 1, 'the LID was looked up once');
});

test('react and delete for everyone find the message by its WhatsApp id', async () => {
  const { engine, events, fake } = await linked();
  const incoming = fake.receive('905551112233', 'react to me');
  await events.until('the message', () => events.messages.length === 1);
  await engine.messages!.react({ chatId: '905551112233@s.whatsapp.net', id: incoming.id.id, fromMe: false, author: null, nativeKey: null }, '👍');
  assert.equal(incoming.reactions, ['👍']);
  const sent = await engine.messages!.send(TO, { kind: 'chat', body: 'oops' });
  await engine.messages!.revoke({ chatId: TO, id: sent.id, fromMe: true, author: null, nativeKey: null });
  assert.ok(fake.sent[0]!.message.revoked);
  try {
    await engine.messages!.react({ chatId: TO, id: '3EB0DOESNOTEXIST', fromMe: true, author: null, nativeKey: null }, '👍');
    assert.unreachable('should fail');
  } catch (err) {
    assert.instance(err, EngineError);
    assert.is((err as EngineError).reason, 'not_found');
  }
});

test('once open, the chats and contacts WhatsApp Web holds are reported with API ids; a chat can be read, archived and deleted', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-wwebjs-'));
  const events = new RecordingListener();
  const fakes = fakeClientFactory();
  const engine = createWwebjsEngine({ instanceId: 'w1', sessionDir: dir, emit: events.emit }, { chromiumPath: null, clientFactory: fakes.factory });
  open.push({ engine, events, fake: fakes.current.bind(fakes) as never, dir });
  await engine.start();
  await events.until('a QR code', () => events.qrs.some((q) => typeof q === 'string'));
  const fake = fakes.current();
  const chat = new FakeChat({ user: '905551112233', server: 'c.us', _serialized: '905551112233@c.us' }, 'Cem');
  chat.unreadCount = 1;
  chat.timestamp = 1_700_000_000;
  fake.chats.set(chat.id._serialized, chat);
  fake.contacts.set(chat.id._serialized, new FakeContact(chat.id, 'Cem Yılmaz', 'Cem'));
  fake.scan('905550001111', 'Fake Phone');
  const id = '905551112233@s.whatsapp.net';
  await events.until('the chat reported', () => events.chats.some((c) => c.id === id));
  assert.equal(events.chats.find((c) => c.id === id), { id, isGroup: false, name: 'Cem', unreadCount: 1, lastMessage: 1_700_000_000, archived: false });
  await events.until('the contact reported', () => events.contacts.some((c) => c.id === id));
  assert.equal(events.contacts.find((c) => c.id === id), { id, name: 'Cem Yılmaz', notify: 'Cem' });
  await engine.chats!.markRead(id, []);
  await engine.chats!.setArchived(id, true);
  assert.is(chat.unreadCount, 0);
  assert.is(chat.archived, true);
  await engine.chats!.deleteChat(id);
  assert.is(chat.deleted, true);
});

test('a number that is not on WhatsApp checks as not existing', async () => {
  const { engine } = await linked();
  assert.equal(await engine.contacts!.checkNumber('905550000000'), { exists: false, jid: null });
});

test('a library failure becomes an EngineError saying what was being done', async () => {
  const { engine, fake } = await linked();
  fake.getNumberId = async () => {
    throw new Error('Evaluation failed: TypeError: window.WWebJS.getNumberId is not a function');
  };
  try {
    await engine.contacts!.checkNumber('905321112233');
    assert.unreachable('should fail');
  } catch (err) {
    assert.instance(err, EngineError);
    assert.is((err as EngineError).reason, 'failed');
    assert.match((err as EngineError).message, /^checking the number failed: Evaluation failed/);
  }
});

test('operations after stop fail with not_connected', async () => {
  const { engine } = await linked();
  await engine.stop();
  for (const op of [
    () => engine.chats!.markRead(TO, []),
    () => engine.contacts!.checkNumber('905321112233'),
    () => engine.messages!.send(TO, { kind: 'chat', body: 'x' }),
  ]) {
    try {
      await op();
      assert.unreachable('should fail');
    } catch (err) {
      assert.instance(err, EngineError);
      assert.is((err as EngineError).reason, 'not_connected');
    }
  }
});

test.run();
