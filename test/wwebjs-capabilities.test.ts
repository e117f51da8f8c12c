/**
 * The engine logic of the issue-14 operations of the wwebjs engine, on the fake client
 * (test/support/fake-wwebjs): what each answers when WhatsApp refuses or cannot (rejected,
 * not_found, unsupported, with the reason), the library options and ids it passes, and that looking
 * at something never creates it. The real library and page are in wa-imitation-capabilities.test.ts.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MessageRef } from '../src/engines/engine.js';
import { cus, FakeContact, idOf } from './support/fake-wwebjs/model.js';
import { FakeGroupChat } from './support/fake-wwebjs-client.js';
import { disposeRigs, failureOf, linkedRig } from './support/wwebjs-rig.js';

const test = suite('wwebjs engine capabilities over the fake client');
test.after.each(disposeRigs);

const ME = '905550001111@s.whatsapp.net';
const TO = '905321112233@s.whatsapp.net';
const ref = (id: string, fromMe = true, chatId = TO): MessageRef => ({ chatId, id, fromMe, author: null, nativeKey: null });

test('send options become the library options: the quoted key, mentions by phone id, view once for images and videos, a preview only when asked', async () => {
  const { engine, fake: f } = await linkedRig().then((r) => ({ ...r, fake: r.fake() }));
  const first = await engine.messages!.send(TO, { kind: 'chat', body: 'first' });
  await engine.messages!.send(TO, { kind: 'chat', body: 'see https://x.example @905551112222' }, { quoted: ref(first.id), mentions: ['905551112222@s.whatsapp.net'], linkPreview: true });
  await engine.messages!.send(TO, { kind: 'image', media: { mimetype: 'image/png', data: Buffer.from('png') } }, { viewOnce: true, linkPreview: true });
  const [, reply, image] = f.sent.map((s) => s.options);
  assert.equal([reply?.quotedMessageId, reply?.ignoreQuoteErrors, reply?.mentions, reply?.linkPreview], [f.sent[0]!.message.key, false, ['905551112222@c.us'], true]);
  assert.equal([image?.isViewOnce, image?.linkPreview], [true, false], 'no preview on media');
  const once = await failureOf(() => engine.messages!.send(TO, { kind: 'document', media: { mimetype: 'application/pdf', data: Buffer.from('%PDF') } }, { viewOnce: true }));
  assert.equal([once.reason, /only images and videos/.test(once.message)], ['rejected', true]);
  assert.is((await failureOf(() => engine.messages!.send(TO, { kind: 'chat', body: 'x' }, { quoted: ref('3EB0MISSING') }))).reason, 'not_found');
  assert.is(f.sent.length, 3, 'nothing was sent for the refused ones');
});

test('edit: ours within 15 minutes; rejected later or for someone else\'s message; not_found for an unknown one; the API\'s own edit is not reported back', async () => {
  const { engine, events, fake: f } = await linkedRig().then((r) => ({ ...r, fake: r.fake() }));
  const sent = await engine.messages!.send(TO, { kind: 'chat', body: 'typo' });
  await engine.messages!.edit!(ref(sent.id), 'fixed');
  assert.is(f.sent[0]!.message.body, 'fixed');
  const late = f.sent[0]!.message;
  late.timestamp -= 20 * 60;
  const tooLate = await failureOf(() => engine.messages!.edit!(ref(sent.id), 'again'));
  assert.equal([tooLate.reason, /15 minutes/.test(tooLate.message)], ['rejected', true]);
  const theirs = f.receive('905321112233', 'hello');
  assert.is((await failureOf(() => engine.messages!.edit!(ref(theirs.id.id, false), 'mine now'))).reason, 'rejected');
  assert.is((await failureOf(() => engine.messages!.edit!(ref('3EB0NOSUCHMESSAGE'), 'x'))).reason, 'not_found');
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(events.of('message_edit'), [], 'the edit the API made is known already');
});

test('forward answers the id of the copy (Message.forward answers nothing), to the LID of a migrated person; the copy is not reported as sent from the phone', async () => {
  const { engine, events, fake: f } = await linkedRig().then((r) => ({ ...r, fake: r.fake() }));
  f.migrate('905329990001', '123450000001@lid');
  const original = f.receive('905321112233', 'pass it on');
  await events.until('the message', () => events.messages.length === 1);
  const copy = await engine.messages!.forward!(ref(original.id.id, false), '905329990001@s.whatsapp.net');
  assert.equal(original.forwardedTo, ['123450000001@lid']);
  const made = [...f.messages.values()].find((m) => m.id.id === copy.id)!;
  assert.equal([made.body, made.to], ['pass it on', '123450000001@lid']);
  assert.is(copy.nativeKey, made.key);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.is(events.messages.length, 1);
});

test('star is checked: a message WhatsApp Web will not star (revoked) answers rejected; markRead is for incoming messages and reads its chat', async () => {
  const { engine, fake: f } = await linkedRig().then((r) => ({ ...r, fake: r.fake() }));
  const theirs = f.receive('905321112233', 'star me');
  await engine.messages!.star!(ref(theirs.id.id, false), true);
  assert.ok(theirs.isStarred);
  theirs.isStarred = false;
  theirs.revoked = true;
  assert.is((await failureOf(() => engine.messages!.star!(ref(theirs.id.id, false), true))).reason, 'rejected');
  const sent = await engine.messages!.send(TO, { kind: 'chat', body: 'mine' });
  assert.is((await failureOf(() => engine.messages!.markRead!(ref(sent.id)))).reason, 'rejected');
  await engine.messages!.markRead!(ref(theirs.id.id, false));
  assert.is(f.chats.get('905321112233@c.us')!.seen, 1);
  await engine.messages!.deleteForMe!(ref(sent.id));
  assert.ok(f.sent[0]!.message.deletedForMe);
});

test('chats: three pinned at most; a mute in the past is refused and one decades away is for good; an unknown chat is not_found and not created', async () => {
  const { engine, fake: f } = await linkedRig().then((r) => ({ ...r, fake: r.fake() }));
  for (const n of ['1', '2', '3', '4']) f.receive(`90532111000${n}`, 'hi');
  for (const n of ['1', '2', '3']) await engine.chats!.setPinned!(`90532111000${n}@s.whatsapp.net`, true);
  const limit = await failureOf(() => engine.chats!.setPinned!('905321110004@s.whatsapp.net', true));
  assert.equal([limit.reason, /at most 3/.test(limit.message)], ['rejected', true]);
  await engine.chats!.setPinned!('905321110001@s.whatsapp.net', true);
  assert.ok(f.chats.get('905321110001@c.us')!.pin, 'pinning a pinned chat is a no-op, not a limit');
  const chat = f.chats.get('905321110002@c.us')!;
  assert.is((await failureOf(() => engine.chats!.setMuted!('905321110002@s.whatsapp.net', Math.floor(Date.now() / 1000) - 10))).reason, 'rejected');
  await engine.chats!.setMuted!('905321110002@s.whatsapp.net', Math.floor(Date.now() / 1000) + 50 * 365 * 86400);
  assert.is(chat.mute.expiration, -1);
  await engine.chats!.setMuted!('905321110002@s.whatsapp.net', null);
  assert.is(chat.mute.expiration, 0);
  await engine.chats!.markUnread!('905321110002@s.whatsapp.net');
  assert.ok(chat.markedUnread);
  const before = f.chats.size;
  for (const op of [() => engine.chats!.markUnread!('905329998877@s.whatsapp.net'), () => engine.chats!.setMuted!('905329998877@s.whatsapp.net', null)]) {
    assert.is((await failureOf(op)).reason, 'not_found');
  }
  assert.is(f.chats.size, before);
  await engine.chats!.sendPresence!('905321110003@s.whatsapp.net', 'recording');
  assert.equal(f.pageLog.chatStates, [{ state: 'recording', chat: '905321110003@c.us' }]);
});

test('labels: unsupported on an account that is not a business one, saying why; on a business account exactly the labels asked are set', async () => {
  const { engine, fake: f } = await linkedRig().then((r) => ({ ...r, fake: r.fake() }));
  const personal = await failureOf(() => engine.labels!.list());
  assert.equal([personal.reason, /not a business account/.test(personal.message)], ['unsupported', true]);
  f.info!.platform = 'smba';
  f.labels.push({ id: '1', name: 'New customer', colorIndex: 0 }, { id: '5', name: 'Paid', colorIndex: 4 });
  f.receive('905321112233', 'order');
  assert.equal(await engine.labels!.list(), [{ id: '1', name: 'New customer', color: 0 }, { id: '5', name: 'Paid', color: 4 }]);
  await engine.labels!.setOnChat(TO, '5', true);
  await engine.labels!.setOnChat(TO, '1', true);
  await engine.labels!.setOnChat(TO, '5', false);
  assert.equal(f.chats.get('905321112233@c.us')!.labels, ['1']);
  assert.is((await failureOf(() => engine.labels!.setOnChat(TO, '9', true))).reason, 'not_found');
  assert.is((await failureOf(() => engine.labels!.ofChat('905329998877@s.whatsapp.net'))).reason, 'not_found');
});

test('profile: privacy cannot be read (unsupported); a name WhatsApp will not change, or no picture to remove, is rejected', async () => {
  const { engine, fake: f } = await linkedRig().then((r) => ({ ...r, fake: r.fake() }));
  assert.is((await failureOf(() => engine.profile!.getPrivacy!())).reason, 'unsupported');
  f.canSetName = false;
  assert.is((await failureOf(() => engine.profile!.setName!('x'))).reason, 'rejected');
  assert.is((await failureOf(() => engine.profile!.setPicture!(null))).reason, 'rejected');
  assert.is((await failureOf(() => engine.profile!.setPicture!({ mimetype: 'application/pdf', data: Buffer.from('%PDF') }))).reason, 'rejected');
  f.contacts.set('905550001111@c.us', Object.assign(new FakeContact(cus('905550001111')), { about: 'Busy' }));
  f.pictures.add('905550001111@c.us');
  const me = await engine.profile!.getProfile();
  assert.equal([me.id, me.name, me.about], [ME, 'Fake Phone', 'Busy']);
  assert.match(me.picture ?? '', /^https:/);
  await engine.profile!.setPresence!('unavailable');
  assert.equal(f.presence, ['unavailable']);
});

test('contact info: null when not on WhatsApp, an about kept private is null (not an error), a business is a business', async () => {
  const { engine, fake: f } = await linkedRig().then((r) => ({ ...r, fake: r.fake() }));
  assert.is(await engine.contacts!.getInfo!('905320000000@s.whatsapp.net'), null);
  const info = await engine.contacts!.getInfo!(TO);
  assert.equal(info, { id: TO, name: null, notify: null, about: null, isBusiness: false, picture: null });
  const shop = await f.getContactById('905321112233@c.us');
  Object.assign(shop, { isBusiness: true, about: 'Open' });
  assert.equal(await engine.contacts!.getInfo!(TO), { id: TO, name: null, notify: null, about: 'Open', isBusiness: true, picture: null });
});

test('channels: follow by link answers the channel; an owner cannot unfollow (rejected); an unknown channel is not_found', async () => {
  const { engine, fake: f } = await linkedRig().then((r) => ({ ...r, fake: r.fake() }));
  f.channels.set('1203@newsletter', { id: '1203@newsletter', name: 'News', description: 'd', subscribers: 9, inviteCode: 'CODE1', role: 'guest' });
  f.channels.set('1204@newsletter', { id: '1204@newsletter', name: 'Mine', description: '', subscribers: 1, inviteCode: 'CODE2', role: 'owner' });
  assert.equal(await engine.newsletters!.follow('https://whatsapp.com/channel/CODE1'), { id: '1203@newsletter', name: 'News', description: 'd', subscribers: 9, role: 'subscriber' });
  assert.equal((await engine.newsletters!.list()).map((c) => [c.id, c.role]), [['1203@newsletter', 'subscriber'], ['1204@newsletter', 'owner']]);
  assert.is((await failureOf(() => engine.newsletters!.unfollow('1204@newsletter'))).reason, 'rejected');
  assert.is((await failureOf(() => engine.newsletters!.follow('1299@newsletter'))).reason, 'not_found');
  assert.is((await failureOf(() => engine.newsletters!.follow('NOPE'))).reason, 'not_found');
});

test('groups: a member who is not an admin is refused before WhatsApp is asked; answers are per participant; LID members are named by phone', async () => {
  const { engine, fake: f } = await linkedRig().then((r) => ({ ...r, fake: r.fake() }));
  const me = cus('905550001111');
  const theirs = new FakeGroupChat(idOf('120363111@g.us'), 'Theirs', cus('905329990001'), [me], me);
  f.chats.set('120363111@g.us', theirs);
  for (const op of [() => engine.groups!.updateParticipants!('120363111@g.us', 'add', [TO]), () => engine.groups!.setAnnounce!('120363111@g.us', true), () => engine.groups!.joinRequests!('120363111@g.us')]) {
    const refused = await failureOf(op);
    assert.equal([refused.reason, /only group admins/.test(refused.message)], ['rejected', true]);
  }
  assert.is(theirs.participants.length, 2, 'nobody was added');
  assert.is((await failureOf(() => engine.groups!.getInviteCode!('120363111@g.us'))).reason, 'rejected');
  assert.is((await failureOf(() => engine.groups!.leave!('120363999@g.us'))).reason, 'not_found');

  // Members WhatsApp Web files by LID are named by phone; the answers are what the group shows afterwards.
  f.lids.set('123450000002@lid', '905329990002@c.us');
  const owner = cus('905329990001');
  const mine = new FakeGroupChat(idOf('120363222@g.us'), 'Mine', owner, [idOf('123450000002@lid'), me, cus('905329990005')], me);
  mine.participants.find((p) => p.id === me)!.isAdmin = true;
  f.chats.set('120363222@g.us', mine);
  assert.equal((await engine.groups!.getGroup('120363222@g.us'))!.participants.map((p) => [p.id, p.admin]), [
    ['905329990001@s.whatsapp.net', 'superadmin'],
    ['905329990002@s.whatsapp.net', null],
    [ME, 'admin'],
    ['905329990005@s.whatsapp.net', null],
  ]);
  assert.equal(await engine.groups!.updateParticipants!('120363222@g.us', 'demote', ['905329990001@s.whatsapp.net', '905329990005@s.whatsapp.net', TO]), [
    { participant: '905329990001@s.whatsapp.net', status: 'error', message: 'WhatsApp did not demote this member' },
    { participant: '905329990005@s.whatsapp.net', status: 'success', message: 'Action success' },
    { participant: TO, status: 'error', message: 'not a member of this group' },
  ]);
  assert.equal((await engine.groups!.updateParticipants!('120363222@g.us', 'add', [TO, '905320000000@s.whatsapp.net'])).map((r) => r.status), ['success', 'error']);
  assert.equal((await engine.groups!.updateParticipants!('120363222@g.us', 'remove', [TO])).map((r) => r.status), ['success']);

  mine.approval = true;
  mine.requests.push({ id: '905329990003@c.us', t: 1767225600 });
  assert.equal(await engine.groups!.joinRequests!('120363222@g.us'), [{ id: '905329990003@s.whatsapp.net', requestedAt: 1767225600 }]);
  assert.equal((await engine.groups!.answerJoinRequests!('120363222@g.us', ['905329990003@s.whatsapp.net', '905329990004@s.whatsapp.net'], true)).map((r) => r.status), ['success', 'error']);

  const code = await engine.groups!.getInviteCode!('120363222@g.us');
  const guest = await failureOf(() => engine.groups!.join!(`https://chat.whatsapp.com/${code}`));
  assert.equal([guest.reason, /pending/.test(guest.message)], ['rejected', true]);
  assert.is((await failureOf(() => engine.groups!.join!('NOSUCHCODE'))).reason, 'not_found');
  assert.is((await failureOf(() => engine.groups!.create!('  ', [TO]))).reason, 'failed');
});

test('a call is declined to the caller as WhatsApp Web named them (a LID), else by their phone id', async () => {
  const { engine, events, fake: f } = await linkedRig().then((r) => ({ ...r, fake: r.fake() }));
  f.lids.set('123450000009@lid', '905329990009@c.us');
  f.emit('call', { id: 'CALL1', from: '123450000009@lid', isVideo: false, isGroup: false, fromMe: false });
  await events.until('the call', () => events.of('call').length === 1);
  assert.is(events.of('call')[0]!.call.from, '905329990009@s.whatsapp.net');
  await engine.calls!.reject('CALL1', '905329990009@s.whatsapp.net');
  await engine.calls!.reject('CALL2', TO);
  assert.equal(f.pageLog.rejectedCalls, [{ peer: '123450000009@lid', id: 'CALL1' }, { peer: '905321112233@c.us', id: 'CALL2' }]);
});

test.run();
