/**
 * The wwebjs engine's own defences against WhatsApp Web's 2026 changes, on the fake client that
 * fails as whatsapp-web.js 1.34.7 does (test/support/fake-wwebjs): each holds without the
 * install-time patches, or where the patches do not reach.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import wwebjs from 'whatsapp-web.js';
import { LidResolver } from '../src/engines/wwebjs/ids.js';
import { serializedKeyOf } from '../src/engines/wwebjs/keys.js';
import { silentLogger } from '../src/logger.js';
import { FakeChat, MEDIA_ID } from './support/fake-wwebjs-client.js';
import { disposeRigs, failureOf, linkedRig } from './support/wwebjs-rig.js';

const { MessageMedia } = wwebjs;
const test = suite('wwebjs engine defences: messages and chats');
test.after.each(disposeRigs);

const TO = '905321112233@s.whatsapp.net';
const PRISTINE_JULY = () => ({ shape: '2026-07' as const, library: 'pristine' as const });

test('a message key is read from _serialized, else $1, else built from its parts', () => {
  assert.is(serializedKeyOf({ fromMe: true, remote: 'x@c.us', id: 'A', _serialized: 'true_x@c.us_A' }), 'true_x@c.us_A');
  assert.is(serializedKeyOf({ fromMe: true, remote: 'x@c.us', id: 'A', $1: 'true_x@c.us_A' }), 'true_x@c.us_A');
  assert.is(serializedKeyOf({ fromMe: false, remote: { user: '1203', server: 'g.us' }, id: 'B', participant: { $1: '9055@c.us' } }), 'false_1203@g.us_B_9055@c.us');
  assert.is(serializedKeyOf({ id: 'C' }), null);
});

test('July 2026 keys ($1 only): incoming messages keep their key, and react and revoke find them', async () => {
  const { engine, events, fake } = await linkedRig(PRISTINE_JULY).then((r) => ({ ...r, fake: r.fake() }));
  const incoming = fake.receive('905551112233', 'react to me');
  assert.is(incoming.id._serialized, undefined, 'the fake hands out $1-only keys');
  await events.until('the message', () => events.messages.length === 1);
  assert.is(events.messages[0]!.nativeKey, incoming.key);
  await engine.messages!.react({ chatId: '905551112233@s.whatsapp.net', id: incoming.id.id, fromMe: false, author: null, nativeKey: null }, '👍');
  assert.equal(incoming.reactions, ['👍'], 'Message.react() would have done nothing (#201840)');
});

test('a send whose library result is undefined (unpatched, July 2026) answers the id of its echo, which is not reported as a phone message', async () => {
  const { engine, events, fake } = await linkedRig(PRISTINE_JULY).then((r) => ({ ...r, fake: r.fake() }));
  const sent = await engine.messages!.send(TO, { kind: 'chat', body: 'delivered, not 404' });
  assert.is(fake.sent.length, 1, 'sent once');
  assert.is(sent.id, fake.sent[0]!.message.id.id);
  assert.is(sent.nativeKey, fake.sent[0]!.message.key);
  fake.sendFromPhone('905321112233', 'typed on the phone');
  await events.until('the phone message', () => events.messages.some((m) => m.body === 'typed on the phone'));
  assert.not.ok(events.messages.some((m) => m.id === sent.id), 'the API send was not reported back');
  await events.until('its ack', () => events.acks.some((a) => a.id === sent.id && a.status === 'sent'));
});

test('a send to a person WhatsApp moved to a LID goes to the LID; the lookup is made once and remembered', async () => {
  const rig = await linkedRig();
  const fake = rig.fake();
  fake.migrate('905321112233', '123450000099@lid');
  const first = await rig.engine.messages!.send(TO, { kind: 'chat', body: 'one' });
  await rig.engine.messages!.send(TO, { kind: 'chat', body: 'two' });
  assert.equal(fake.sent.map((s) => s.chatId), ['123450000099@lid', '123450000099@lid']);
  assert.equal(fake.numberLookups, ['905321112233'], 'one number lookup for two sends');
  assert.ok(first.id);
  // The chat WhatsApp Web files under the LID answers to the phone id the API uses.
  await rig.engine.chats!.markRead(TO, []);
  assert.is(fake.chats.get('123450000099@lid')!.seen, 1);
});

test('No LID for user: retried once with a fresh lookup, then a clear not_found; a number not on WhatsApp is not_found', async () => {
  const rig = await linkedRig();
  const fake = rig.fake();
  const missing = await failureOf(() => rig.engine.messages!.send('905320000000@s.whatsapp.net', { kind: 'chat', body: 'x' }));
  assert.is(missing.reason, 'not_found');
  assert.match(missing.message, /905320000000 is not on WhatsApp/);
  fake.migrate('905321112233', '123450000099@lid');
  // A WhatsApp that answers the phone id although the send needs the pairing (#145434).
  fake.getNumberId = async (n: string) => {
    fake.numberLookups.push(n);
    return { user: n, server: 'c.us', _serialized: `${n}@c.us` };
  };
  const err = await failureOf(() => rig.engine.messages!.send(TO, { kind: 'chat', body: 'x' }));
  assert.is(err.reason, 'not_found');
  assert.match(err.message, /cannot be reached on WhatsApp.*No LID for user/);
  assert.is(fake.numberLookups.length, 3, 'asked again once (after the number not on WhatsApp)');
  assert.is(fake.sent.length, 0);
});

test('chat operations do not create chats: an unknown chat is not_found and WhatsApp Web holds no new chat', async () => {
  const rig = await linkedRig();
  const fake = rig.fake();
  const before = fake.chats.size;
  for (const op of [
    () => rig.engine.chats!.deleteChat('905329998877@s.whatsapp.net'),
    () => rig.engine.chats!.markRead('905329998877@s.whatsapp.net', []),
    () => rig.engine.chats!.setArchived('905329998877@s.whatsapp.net', true),
  ]) {
    const err = await failureOf(op);
    assert.is(err.reason, 'not_found');
  }
  assert.is(fake.chats.size, before, 'getChatById would have created one (review D11)');
  // ... and a chat that exists is archived and deleted through the page.
  const chat = new FakeChat({ user: '905329998877', server: 'c.us', _serialized: '905329998877@c.us' });
  fake.chats.set(chat.id._serialized, chat);
  await rig.engine.chats!.setArchived('905329998877@s.whatsapp.net', true);
  await rig.engine.chats!.deleteChat('905329998877@s.whatsapp.net');
  assert.ok(chat.archived && chat.deleted);
  assert.ok(fake.pupPage!.evaluations >= 5, 'through pupPage.evaluate');
});

test('revoke outside WhatsApp\'s window is refused, not turned into a silent delete-for-me; inside it deletes for everyone', async () => {
  const rig = await linkedRig();
  const fake = rig.fake();
  const old = await rig.engine.messages!.send(TO, { kind: 'chat', body: 'long ago' });
  const stored = fake.sent[0]!.message;
  stored.timestamp -= 3 * 24 * 60 * 60;
  const err = await failureOf(() => rig.engine.messages!.revoke({ chatId: TO, id: old.id, fromMe: true, author: null, nativeKey: old.nativeKey ?? null }));
  assert.is(err.reason, 'rejected');
  assert.match(err.message, /can no longer be deleted for everyone/);
  assert.is(stored.deletedForMe, false, 'Message.delete(true) would have deleted it for me only (review D6)');
  assert.is(stored.revoked, false);
  const fresh = await rig.engine.messages!.send(TO, { kind: 'chat', body: 'oops' });
  await rig.engine.messages!.revoke({ chatId: TO, id: fresh.id, fromMe: true, author: null, nativeKey: null });
  assert.ok(fake.sent[1]!.message.revoked);
});

test('sends ask for no link preview and no read receipt; a sticker from video needs ffmpeg', async () => {
  const rig = await linkedRig();
  await rig.engine.messages!.send(TO, { kind: 'chat', body: 'see https://example.com' });
  assert.is(rig.fake().sent[0]!.options?.linkPreview, false);
  assert.is(rig.fake().sent[0]!.options?.sendSeen, false);
  const err = await failureOf(() => rig.engine.messages!.send(TO, { kind: 'sticker', media: { mimetype: 'video/mp4', data: Buffer.from('mp4') } }));
  assert.is(err.reason, 'unsupported');
  assert.match(err.message, /video needs ffmpeg/);
  await rig.engine.messages!.send(TO, { kind: 'sticker', media: { mimetype: 'image/png', data: Buffer.from('png') } });
  const withFfmpeg = await linkedRig(() => ({}), { ffmpegPath: '/usr/bin/ffmpeg' });
  await withFfmpeg.engine.messages!.send(TO, { kind: 'sticker', media: { mimetype: 'video/mp4', data: Buffer.from('mp4') } });
  assert.is(withFfmpeg.fake().sent[0]!.options?.sendMediaAsSticker, true);
});

test('without the patches, a media send on WhatsApp Web since September 2026 fails with the library\'s words (the patch is what fixes it)', async () => {
  const rig = await linkedRig(() => ({ shape: '2026-09', library: 'pristine' }));
  const err = await failureOf(() => rig.engine.messages!.send(TO, { kind: 'image', media: { mimetype: 'image/png', data: Buffer.from('png') } }));
  assert.is(err.reason, 'failed');
  assert.ok(err.message.includes(MEDIA_ID.replace('Evaluation failed: ', '')), err.message);
  const patched = await linkedRig(() => ({ shape: '2026-09', library: 'patched' }));
  await patched.engine.messages!.send(TO, { kind: 'image', media: { mimetype: 'image/png', data: Buffer.from('png') } });
  assert.is(patched.fake().sent.length, 1);
});

test('block goes to the id WhatsApp files the person under (their LID), and a block WhatsApp refuses is rejected with why', async () => {
  const rig = await linkedRig();
  const fake = rig.fake();
  fake.migrate('905321112233', '123450000099@lid');
  await rig.engine.contacts!.setBlocked(TO, true);
  assert.is(fake.contacts.get('123450000099@lid')!.isBlocked, true);
  const other = await fake.getContactById('905329998877@c.us');
  other.block = async () => {
    throw new Error('Evaluation failed: Error: cannot block 905329998877@c.us: WhatsApp did not tell its LID, and it refuses phone-keyed blocks');
  };
  const err = await failureOf(() => rig.engine.contacts!.setBlocked('905329998877@s.whatsapp.net', true));
  assert.is(err.reason, 'rejected');
  assert.match(err.message, /refuses blocks by phone number/);
});

test('incoming media over the size cap is not downloaded; the message is still reported', async () => {
  const rig = await linkedRig(() => ({}), { media: { maxBytes: 1000 } });
  const big = rig.fake().receive('905551112233', 'big', { media: new MessageMedia('video/mp4', Buffer.alloc(10).toString('base64')), declaredSize: 5_000_000 });
  await rig.events.until('the message', () => rig.events.messages.length === 1);
  assert.is(big.downloads, 0);
  assert.is(rig.events.messages[0]!.kind, 'image');
  assert.is(rig.events.messages[0]!.media, undefined);
});

test('a stalled download is given up after its timeout, and never holds up acks of our own messages', async () => {
  const rig = await linkedRig(() => ({}), { media: { timeoutMs: 400 } });
  const fake = rig.fake();
  fake.receive('905551112233', 'stalled', { media: new MessageMedia('image/png', 'iVBORw0KGgo='), downloadStalls: true });
  const sent = await rig.engine.messages!.send(TO, { kind: 'chat', body: 'mine' });
  fake.ack(sent.id, 3);
  await rig.events.until('the read ack', () => rig.events.acks.some((a) => a.id === sent.id && a.status === 'read'));
  assert.is(rig.events.messages.length, 0, 'the ack came while the download was still stalled');
  await rig.events.until('the stalled message, without its file', () => rig.events.messages.length === 1, 3000);
  assert.is(rig.events.messages[0]!.body, 'stalled');
  assert.is(rig.events.messages[0]!.media, undefined);
});

test('LID look-ups are batched (50 at most), shared between concurrent callers, and an unresolvable LID is not asked about again', async () => {
  const asked: string[][] = [];
  const resolver = new LidResolver(
    () => async (ids) => {
      asked.push([...ids]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      return ids.map((lid) => ({ lid, pn: lid.startsWith('1') ? `90555${lid.slice(0, 7)}@c.us` : '' }));
    },
    silentLogger,
  );
  const many = Array.from({ length: 120 }, (_, i) => `${1000000000 + i}@lid`);
  await Promise.all([resolver.resolve(many.slice(0, 10)), resolver.resolve(many.slice(0, 10))]);
  assert.is(asked.length, 1, 'two concurrent callers, one look-up');
  await resolver.resolve(many);
  assert.equal(asked.map((b) => b.length), [10, 50], 'the rest waits for later batches');
  assert.is(resolver.toApi(many[0]!), '905551000000@s.whatsapp.net');
  await resolver.resolve(['999@lid']);
  await resolver.resolve(['999@lid']);
  assert.is(asked.filter((b) => b.includes('999@lid')).length, 1, 'a LID WhatsApp did not pair is remembered as such');
  assert.is(resolver.toApi('999@lid'), '999@lid');
});

test.run();
