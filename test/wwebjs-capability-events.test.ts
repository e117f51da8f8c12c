/**
 * The library's issue-14 events as the wwebjs engine reports them, on the fake client: which
 * library events become engine events (and which are not: the API's own edits and revokes, a body
 * filled in late, unknown group notifications, calls we place), and how ids are named (LIDs by
 * phone when WhatsApp tells it, else as LIDs).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { EngineEvent } from '../src/engines/engine.js';
import { LidResolver } from '../src/engines/wwebjs/ids.js';
import { toGroupChange } from '../src/engines/wwebjs/mapper-events.js';
import { silentLogger } from '../src/logger.js';
import { disposeRigs, linkedRig } from './support/wwebjs-rig.js';

const test = suite('wwebjs engine events of issue 14 over the fake client');
test.after.each(disposeRigs);

const ME = '905550001111@s.whatsapp.net';
const ALICE_LID = '123450000001@lid';
const ALICE = '905329990001@s.whatsapp.net';
const HIDDEN_LID = '123450000009@lid';
const GROUP = '120363000000000777@g.us';

async function rig() {
  const r = await linkedRig();
  const fake = r.fake();
  fake.lids.set(ALICE_LID, '905329990001@c.us');
  return { ...r, fake };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
const key = (fromMe: boolean, remote: string, id: string, participant?: string) => ({ fromMe, remote, id, $1: `${fromMe}_${remote}_${id}${participant ? `_${participant}` : ''}`, ...(participant ? { participant } : {}) });

test('reactions: the message, its chat and who reacted, by phone; a removal is an empty emoji; our own are fromMe', async () => {
  const { events, fake } = await rig();
  fake.emit('message_reaction', { id: key(false, ALICE_LID, 'R1'), msgId: key(true, ALICE_LID, '3EB0A'), senderId: ALICE_LID, reaction: '👍', timestamp: 1767225600 });
  fake.emit('message_reaction', { id: key(false, GROUP, 'R2', HIDDEN_LID), msgId: key(true, GROUP, '3EB0B'), senderId: HIDDEN_LID, reaction: '', timestamp: 0 });
  fake.emit('message_reaction', { id: key(true, ALICE_LID, 'R3'), msgId: key(false, ALICE_LID, '3AC'), senderId: '905550001111@c.us', reaction: '🎉', timestamp: 1767225601 });
  await events.until('three reactions', () => events.of('reaction').length === 3);
  const [a, b, c] = events.of('reaction').map((e) => e.reaction);
  assert.equal(a, { id: '3EB0A', chatId: ALICE, from: ALICE, fromMe: false, emoji: '👍', timestamp: 1767225600 });
  assert.equal([b!.chatId, b!.from, b!.emoji], [GROUP, HIDDEN_LID, ''], 'a LID whose phone is hidden stays a LID');
  assert.ok(b!.timestamp > 1767225600, 'no timestamp: now');
  assert.equal([c!.fromMe, c!.from, c!.id], [true, ME, '3AC']);
});

test('poll votes: the options by name (their number when WhatsApp Web had no poll to name them), the voter by phone, [] when withdrawn', async () => {
  const { events, fake } = await rig();
  const parent = key(true, GROUP, '3EB0POLL');
  fake.emit('vote_update', { voter: ALICE_LID, selectedOptions: [{ name: 'Pzt', localId: 0 }], interractedAtTs: 1767225600123, parentMessage: { id: parent }, parentMsgKey: parent });
  fake.emit('vote_update', { voter: HIDDEN_LID, selectedOptions: [{ localId: 1 }], parentMessage: { id: parent }, parentMsgKey: parent });
  fake.emit('vote_update', { voter: ALICE_LID, selectedOptions: [], interractedAtTs: 1767225700000, parentMessage: { id: parent }, parentMsgKey: parent });
  await events.until('three votes', () => events.of('poll_vote').length === 3);
  assert.equal(events.of('poll_vote').map((e) => [e.vote.pollId, e.vote.chatId, e.vote.voter, e.vote.selected]), [
    ['3EB0POLL', GROUP, ALICE, ['Pzt']],
    ['3EB0POLL', GROUP, HIDDEN_LID, ['option 1']],
    ['3EB0POLL', GROUP, ALICE, []],
  ]);
  assert.is(events.of('poll_vote')[0]!.vote.timestamp, 1767225600);
});

test('edits: a text that replaced another is reported with its author and time; a body filled in late, a revoke\'s empty body and the API\'s own edit are not', async () => {
  const { engine, events, fake } = await rig();
  const msg = fake.receive('905321112233', 'first');
  Object.assign(msg.rawData, { latestEditSenderTimestampMs: 1767225600999 });
  fake.emit('message_edit', msg, 'second', 'first');
  fake.emit('message_edit', msg, 'decrypted late', '');
  fake.emit('message_edit', Object.assign(fake.receive('905321112233', 'x'), { type: 'revoked' }), '', 'x');
  const sent = await engine.messages!.send('905321112233@s.whatsapp.net', { kind: 'chat', body: 'typo' });
  await engine.messages!.edit!({ chatId: '905321112233@s.whatsapp.net', id: sent.id, fromMe: true, author: null, nativeKey: null }, 'fixed');
  const phone = fake.sendFromPhone('905321112233', 'from the phone');
  fake.emit('message_edit', phone, 'edited on the phone', 'from the phone');
  await events.until('two edits', () => events.of('message_edit').length === 2);
  await settle();
  assert.equal(events.of('message_edit').map((e) => e.edit), [
    { id: msg.id.id, chatId: '905321112233@s.whatsapp.net', from: '905321112233@s.whatsapp.net', body: 'second', timestamp: 1767225600 },
    { ...events.of('message_edit')[1]!.edit, id: phone.id.id, from: ME, body: 'edited on the phone' },
  ]);
});

test('revokes: others\' (and the phone\'s) are reported; a revoke the API made is not', async () => {
  const { engine, events, fake } = await rig();
  const theirs = fake.receive('905321112233', 'oops');
  fake.emit('message_revoke_everyone', Object.assign(theirs, { type: 'revoked' }), null);
  const sent = await engine.messages!.send('905321112233@s.whatsapp.net', { kind: 'chat', body: 'mine' });
  await engine.messages!.revoke({ chatId: '905321112233@s.whatsapp.net', id: sent.id, fromMe: true, author: null, nativeKey: null });
  fake.emit('message_revoke_everyone', fake.sent[0]!.message, null);
  await events.until('a revoke', () => events.of('message_revoke').length === 1);
  await settle();
  assert.equal(events.of('message_revoke').map((e) => [e.revoke.id, e.revoke.chatId, e.revoke.from]), [[theirs.id.id, '905321112233@s.whatsapp.net', '905321112233@s.whatsapp.net']]);
});

test('group notifications become group changes (members by phone, the actor, the new subject or setting) and a fresh group; unknown ones only the group', async () => {
  const { events, fake } = await rig();
  const group = fake.addGroup('Ekip', ['905321112233']);
  await events.until('the group', () => events.groups.some((g) => g.id === group));
  const changes = events.of('group_change').length;
  fake.emit('group_join', { chatId: group, type: 'invite', author: ALICE_LID, recipientIds: [ALICE_LID], timestamp: 1767225600 });
  fake.emit('group_admin_changed', { chatId: group, type: 'promote', author: '905550001111@c.us', recipientIds: ['905321112233@c.us'] });
  fake.emit('group_leave', { chatId: group, type: 'remove', author: '905550001111@c.us', recipientIds: [HIDDEN_LID] });
  fake.emit('group_update', { chatId: group, type: 'subject', author: ALICE_LID, body: 'Yeni' });
  fake.emit('group_update', { chatId: group, type: 'create', author: ALICE_LID });
  const upserts = events.groups.length;
  await events.until('four changes', () => events.of('group_change').length === changes + 4);
  await events.until('five upserts', () => events.groups.length === upserts + 5);
  assert.equal(events.of('group_change').slice(changes).map(({ change: c }) => [c.action, c.participants, c.actor, c.value]), [
    ['join', [ALICE], ALICE, undefined],
    ['promote', ['905321112233@s.whatsapp.net'], ME, undefined],
    ['leave', [HIDDEN_LID], ME, undefined],
    ['subject', [], ALICE, 'Ekip'],
  ], 'the subject is the group as read afterwards (the fake group kept its name)');
  assert.is(events.of('group_change')[changes]!.change.timestamp, 1767225600);
});

test('the group read afterwards gives settings their value; without it, the notification body', () => {
  const ids = new LidResolver(() => null, silentLogger);
  const record = { id: GROUP, subject: 'S', desc: 'D', creation: null, owner: null, participants: [], announce: true, locked: false };
  assert.is(toGroupChange({ chatId: GROUP, type: 'announce', body: 'off' }, record, ids)!.value, true);
  assert.is(toGroupChange({ chatId: GROUP, type: 'restrict' }, record, ids)!.value, false);
  assert.is(toGroupChange({ chatId: GROUP, type: 'description', body: 'from the body' }, null, ids)!.value, 'from the body');
  assert.is(toGroupChange({ chatId: GROUP, type: 'picture' }, record, ids)!.action, 'picture');
  assert.is(toGroupChange({ chatId: GROUP, type: 'membership_approval_request' }, record, ids), null);
  assert.is(toGroupChange({ type: 'add' }, record, ids), null);
});

test('calls: a ringing call is reported with the caller by phone; a call this account places is not', async () => {
  const { events, fake } = await rig();
  fake.emit('call', { id: 'C1', from: ALICE_LID, isVideo: true, isGroup: false, fromMe: false });
  fake.emit('call', { id: 'C2', from: ALICE_LID, isVideo: false, isGroup: false, fromMe: true });
  await events.until('a call', () => events.of('call').length === 1);
  await settle();
  const calls = events.all.filter((e): e is Extract<EngineEvent, { type: 'call' }> => e.type === 'call');
  assert.equal(calls.map((e) => ({ ...e.call, timestamp: 0 })), [{ id: 'C1', from: ALICE, isVideo: true, isGroup: false, timestamp: 0, status: 'offer' }]);
});

test.run();
