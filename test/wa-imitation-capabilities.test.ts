/**
 * Every operation and event of issue 14 on Hatline's wwebjs engine, driven directly, over the real
 * (patched) whatsapp-web.js in real Chromium against the imitation of WhatsApp Web: each operation
 * is checked against what reached "WhatsApp" (the imitation's controls), each event is played from
 * the other side. Message actions run on the July and September 2026 builds; the rest on September.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type WAWebJS from 'whatsapp-web.js';
import type { Engine, MessageRef } from '../src/engines/engine.js';
import { createWwebjsEngine } from '../src/engines/wwebjs/index.js';
import { RecordingListener } from './support/recorder.js';
import { imitationClientFactory, phone, type ImitationShape, type Phone } from './support/wa-imitation/harness.js';
import { linkedClient, withClient, withTimeout } from './support/wa-imitation/live-client.js';
import { failureOf } from './support/wwebjs-rig.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const api = (phoneNumber: string) => `${phoneNumber}@s.whatsapp.net`;
const ME = api('905550000001');
const ALICE = api('905551110001');
const BOB = api('905551110002');
const CAROL = api('905551110003');
const DAN = api('905551110004');
const ERIN_LID = '200000000000005@lid';
const BOB_LID = '200000000000002@lid';
const TEAM = '120363000000000001@g.us';
const CLUB = '120363000000000002@g.us';

interface Linked {
  engine: Engine;
  events: RecordingListener;
  wa: Phone;
}

/** One engine, linked through the imitation's QR; closed (with its Chromium) after `work`. */
async function withEngine(shape: ImitationShape, options: { business?: boolean }, work: (linked: Linked) => Promise<void>): Promise<void> {
  const clients: WAWebJS.Client[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-caps-'));
  const events = new RecordingListener();
  const factory = imitationClientFactory({ shape, library: 'patched', onClient: (c) => clients.push(c) });
  const engine = createWwebjsEngine({ instanceId: 'w', sessionDir: dir, emit: events.emit }, { chromiumPath: null, ffmpegPath: null, clientFactory: factory });
  try {
    await engine.start();
    await events.until('a QR code', () => events.qrs.some((q) => typeof q === 'string'), 20_000);
    const wa = phone(clients[clients.length - 1]!);
    await wa.scan('905550000001', 'Imitation Phone', { business: options.business ?? false });
    await events.until('open', () => events.lastStatus()?.status === 'open', 20_000);
    await withTimeout(work({ engine, events, wa }), 90_000, 'the test body');
  } finally {
    await engine.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

const incoming = (chatId: string, id: string, author: string | null = null): MessageRef => ({ chatId, id, fromMe: false, author, nativeKey: null });
const mine = (chatId: string, sent: { id: string; nativeKey?: string }): MessageRef => ({ chatId, id: sent.id, fromMe: true, author: null, nativeKey: sent.nativeKey ?? null });
const until = (events: RecordingListener, what: string, check: () => boolean) => events.until(what, check, 10_000);

const test = suite('wwebjs engine capabilities on whatsapp-web.js and the imitation of WhatsApp Web');

for (const shape of ['2026-07', '2026-09'] as const) {
  test(`${shape}: reply, mentions, link preview, view once, edit, forward, star, delete for me, read, reactions; others' edits, revokes, reactions and votes arrive as events`, () =>
    withEngine(shape, {}, async ({ engine, events, wa }) => {
      const m = engine.messages!;
      const hi = await wa.receive({ from: 'alice', body: 'Merhaba' });
      await until(events, 'the message', () => events.messages.some((x) => x.id === hi.id));

      // A reply with a mention and a link preview; a link without one; a view-once image.
      const reply = await m.send(ALICE, { kind: 'chat', body: 'Bak https://hatline.example/docs @905551110002' }, { quoted: incoming(ALICE, hi.id), mentions: [BOB], linkPreview: true });
      const plain = await m.send(ALICE, { kind: 'chat', body: 'no preview: https://hatline.example/x' });
      const once = await m.send(ALICE, { kind: 'image', media: { mimetype: 'image/png', data: PNG } }, { viewOnce: true });
      const outbox = await wa.outbox();
      const sent = (id: string) => outbox.find((o) => o.id === id)!;
      assert.is(sent(reply.id).quotedStanzaID, hi.id, 'the reply quotes the message');
      assert.equal(sent(reply.id).mentionedJidList, ['905551110002@c.us']);
      assert.is(sent(reply.id).title, 'Imitation page at hatline.example', 'a preview asked for is attached');
      assert.is(sent(plain.id).title, undefined, 'no preview unless asked');
      assert.is(sent(once.id).isViewOnce, true);
      assert.is((await failureOf(() => m.send(ALICE, { kind: 'chat', body: 'x' }, { viewOnce: true }))).reason, 'rejected');
      assert.is((await failureOf(() => m.send(ALICE, { kind: 'chat', body: 'x' }, { quoted: incoming(ALICE, '3ANOSUCHMESSAGE') }))).reason, 'not_found');

      // Edit: ours within 15 minutes; not later, not someone else's. The API's own edit is no event.
      await m.edit!(mine(ALICE, reply), 'Düzeltildi');
      assert.is((await wa.message(reply.id))!.body, 'Düzeltildi');
      assert.equal((await wa.log('edits')).map((e) => [e.id, e.body, e.by]), [[reply.id, 'Düzeltildi', 'me']]);
      await wa.age(plain.id, 20 * 60);
      assert.match((await failureOf(() => m.edit!(mine(ALICE, plain), 'late'))).message, /15 minutes/);
      assert.is((await failureOf(() => m.edit!(incoming(ALICE, hi.id), 'theirs'))).reason, 'rejected');

      // Forward to a migrated person: it goes to their LID, marked forwarded, and answers its id.
      const forwarded = await m.forward!(incoming(ALICE, hi.id), BOB);
      const copy = (await wa.outbox()).find((o) => o.id === forwarded.id)!;
      assert.equal([copy.to, copy.body, copy.isForwarded], [BOB_LID, 'Merhaba', true]);

      // Star and unstar; delete for me; a read receipt; a reaction and its removal.
      await m.star!(incoming(ALICE, hi.id), true);
      assert.is((await wa.message(hi.id))!.star, true);
      await m.star!(incoming(ALICE, hi.id), false);
      assert.equal((await wa.log('stars')).map((s) => s.star), [true, false]);
      await m.deleteForMe!(mine(ALICE, plain));
      assert.equal((await wa.deletedForMe()).map((d) => d.id), [plain.id]);
      const unread = await wa.receive({ from: 'alice', body: 'okundu mu?' });
      await until(events, 'the second message', () => events.messages.some((x) => x.id === unread.id));
      await m.markRead!(incoming(ALICE, unread.id));
      assert.ok((await wa.seen()).some((s) => s.chat === '905551110001@c.us' && s.unread > 0), 'the chat was read, with its receipts');
      assert.is((await failureOf(() => m.markRead!(mine(ALICE, reply)))).reason, 'rejected');
      await m.react(incoming(ALICE, hi.id), '🎉');
      await m.react(incoming(ALICE, hi.id), '');
      assert.equal((await wa.reactions()).map((r) => r.reaction), ['🎉', '']);

      // Others: an edit, a revoke (ours through the API is no event), a reaction and its removal, poll votes.
      await wa.edit(hi.id, 'Merhaba!!');
      await until(events, 'the edit', () => events.of('message_edit').length === 1);
      assert.equal(events.of('message_edit')[0]!.edit, { ...events.of('message_edit')[0]!.edit, id: hi.id, chatId: ALICE, from: ALICE, body: 'Merhaba!!' });
      const gone = await wa.receive({ from: 'alice', body: 'silinecek' });
      await wa.revoke(gone.id);
      await m.revoke(mine(ALICE, once));
      await until(events, 'the revoke', () => events.of('message_revoke').length >= 1);
      assert.equal(events.of('message_revoke').map((e) => [e.revoke.id, e.revoke.chatId, e.revoke.from]), [[gone.id, ALICE, ALICE]]);
      await wa.react({ from: 'bob', ref: forwarded.id, emoji: '❤️' });
      await wa.react({ from: 'bob', ref: forwarded.id, emoji: '' });
      await until(events, 'two reactions', () => events.of('reaction').length === 2);
      assert.equal(events.of('reaction').map((e) => [e.reaction.id, e.reaction.chatId, e.reaction.from, e.reaction.fromMe, e.reaction.emoji]), [
        [forwarded.id, BOB, BOB, false, '❤️'],
        [forwarded.id, BOB, BOB, false, ''],
      ]);
      const poll = await m.send(TEAM, { kind: 'poll_creation', poll: { name: 'Ne zaman?', values: ['Pzt', 'Çar'], selectableCount: 1 } });
      assert.equal(await wa.vote({ from: 'bob', poll: poll.id, options: ['Çar'] }), { stored: true }, 'the vote is stored (the page shim gives the library the key it looks for)');
      await wa.vote({ from: 'erin', poll: poll.id, options: [] });
      await until(events, 'two votes', () => events.of('poll_vote').length === 2);
      assert.equal(events.of('poll_vote').map((e) => [e.vote.pollId, e.vote.chatId, e.vote.voter, e.vote.selected]), [
        [poll.id, TEAM, BOB, ['Çar']],
        [poll.id, TEAM, ERIN_LID, []],
      ]);
      assert.not.ok(events.messages.some((x) => [reply.id, forwarded.id, poll.id].includes(x.id)), "the API's own sends are not reported back");
      // Only the optional hooks the library skips when absent (injectToFunction) are missing.
      assert.equal(await wa.missingModules(), ['WAWebBackendJobsCommon', 'WAWebE2EProtoUtils']);
    }),
  );
}

test('2026-09: chat settings and presence, contact info, the profile, channels, business labels, and a call declined', () =>
  withEngine('2026-09', { business: true }, async ({ engine, events, wa }) => {
    const chats = engine.chats!;
    // Unread, pin (three at most), mute, typing: on the id WhatsApp Web files the chat under, never creating one.
    await chats.markUnread!(ALICE);
    assert.equal(await wa.log('unread'), [{ chat: '905551110001@c.us', unread: true }]);
    assert.is((await wa.chatSettings('905551110001@c.us'))!.unreadCount, -1);
    for (const chat of [ALICE, BOB, TEAM]) await chats.setPinned!(chat, true);
    await wa.receive({ from: 'dan', body: 'selam' });
    assert.match((await failureOf(() => chats.setPinned!(DAN, true))).message, /at most 3/);
    await chats.setPinned!(BOB, false);
    assert.equal((await wa.log('pins')).map((p) => [p.chat, p.pin]), [['905551110001@c.us', true], [BOB_LID, true], [TEAM, true], [BOB_LID, false]]);
    assert.is((await failureOf(() => chats.setPinned!(api('905559990000'), true))).reason, 'not_found');
    assert.is(await wa.chat('905559990000@c.us'), null, 'no chat was created for it');
    const hour = Math.floor(Date.now() / 1000) + 3600;
    await chats.setMuted!(ALICE, hour);
    await chats.setMuted!(TEAM, Math.floor(Date.now() / 1000) + 100 * 365 * 86400);
    await chats.setMuted!(ALICE, null);
    assert.equal((await wa.log('mutes')).map((x) => [x.chat, x.expiration]), [['905551110001@c.us', hour], [TEAM, -1], ['905551110001@c.us', 0]]);
    for (const state of ['composing', 'recording', 'paused'] as const) await chats.sendPresence!(BOB, state);
    assert.equal(await wa.log('chatStates'), ['composing', 'recording', 'paused'].map((state) => ({ chat: BOB_LID, state })));

    // Contact info: name, about, business or not, picture; null for a number not on WhatsApp.
    const contacts = engine.contacts!;
    const alice = await contacts.getInfo!(ALICE);
    assert.equal({ ...alice!, picture: Boolean(alice!.picture) }, { id: ALICE, name: 'Alice Ak', notify: 'Alice', about: 'Available', isBusiness: false, picture: true });
    const dan = await contacts.getInfo!(DAN);
    assert.equal([dan!.isBusiness, dan!.about, dan!.picture], [true, 'Open 9 to 5', null]);
    assert.is((await contacts.getInfo!(CAROL))!.about, null, 'an about kept private');
    assert.is(await contacts.getInfo!(api('905559990000')), null);

    // The profile: name, about, picture (set and removed), presence; privacy cannot be read.
    const profile = engine.profile!;
    assert.equal(await profile.getProfile(), { id: ME, name: 'Imitation Phone', about: 'Hey there! I am using WhatsApp.', picture: null });
    await profile.setName!('Yeni İsim');
    await profile.setAbout!('Meşgul');
    await profile.setPicture!({ mimetype: 'image/png', data: PNG });
    const now = await wa.profile();
    assert.equal([now.name, now.about], ['Yeni İsim', 'Meşgul']);
    assert.match(now.picture ?? '', /^https:\/\/pps\.whatsapp\.net\//);
    assert.equal(await profile.getProfile(), { id: ME, name: 'Yeni İsim', about: 'Meşgul', picture: now.picture });
    assert.equal((await wa.log('profile')).find((p) => p.action === 'picture')?.mimetype, 'image/jpeg', 'cropped and re-encoded in the page');
    await profile.setPicture!(null);
    assert.is((await wa.profile()).picture, null);
    assert.is((await failureOf(() => profile.setPicture!(null))).reason, 'rejected');
    await profile.setPresence!('available');
    await profile.setPresence!('unavailable');
    assert.equal(await wa.log('presence'), ['available', 'unavailable']);
    assert.is((await failureOf(() => profile.getPrivacy!())).reason, 'unsupported');

    // Channels: list, follow by link, unfollow; an owner cannot unfollow, an unknown channel is not_found.
    const channels = engine.newsletters!;
    assert.equal((await channels.list()).map((c) => [c.name, c.role, c.subscribers]), [['Imitation News', 'subscriber', 1200], ['My Channel', 'owner', 3]]);
    const sports = await channels.follow('https://whatsapp.com/channel/SportsChannelCode2');
    assert.equal([sports.id, sports.name, sports.role], ['120363100000000002@newsletter', 'Imitation Sports', 'subscriber']);
    await channels.unfollow(sports.id);
    assert.equal((await wa.channels()).find((c) => c.id === sports.id)!.role, 'guest');
    assert.equal(await wa.log('channels'), [{ channel: sports.id, action: 'follow' }, { channel: sports.id, action: 'unfollow' }]);
    assert.is((await failureOf(() => channels.unfollow('120363100000000003@newsletter'))).reason, 'rejected');
    assert.is((await failureOf(() => channels.follow('120363100000000099@newsletter'))).reason, 'not_found');

    // Labels on a business account.
    const labels = engine.labels!;
    assert.equal(await labels.list(), [{ id: '1', name: 'New customer', color: 0 }, { id: '2', name: 'New order', color: 1 }, { id: '3', name: 'Pending payment', color: 2 }]);
    await labels.setOnChat(ALICE, '2', true);
    await labels.setOnChat(ALICE, '3', true);
    await labels.setOnChat(ALICE, '2', false);
    assert.equal((await labels.ofChat(ALICE)).map((l) => l.id), ['3']);
    assert.equal((await wa.chatSettings('905551110001@c.us'))!.labels, ['3']);
    assert.is((await failureOf(() => labels.setOnChat(ALICE, '99', true))).reason, 'not_found');

    // A call rings (the event) and is declined, to the caller as WhatsApp Web named them (a LID).
    const ringing = await wa.call({ from: 'bob', isVideo: true });
    await until(events, 'the call', () => events.of('call').length === 1);
    assert.equal({ ...events.of('call')[0]!.call, timestamp: 0 }, { id: ringing.id, from: BOB, isVideo: true, isGroup: false, timestamp: 0, status: 'offer' });
    await engine.calls!.reject(ringing.id, BOB);
    assert.equal((await wa.calls()).map((c) => c.state), ['rejected']);
    assert.equal((await wa.log('calls')).map((c) => [c.id, c.to]), [[ringing.id, BOB_LID]]);
  }),
);

test('2026-09: groups: create, members with per-participant answers, invite links, join and leave, requests to join, info and settings; changes arrive as events', () =>
  withEngine('2026-09', {}, async ({ engine, events, wa }) => {
    const groups = engine.groups!;
    const made = await groups.create!('Yeni Grup', [ALICE, DAN, api('905559990000')]);
    assert.equal(made.participants.map((p) => [p.id, p.admin]), [[ME, 'superadmin'], [ALICE, null], [DAN, null]]);
    const id = made.id;
    assert.equal((await wa.group(id))!.participants.map((p) => p.key), ['me', 'alice', 'dan'], 'created on the server with those who are on WhatsApp');

    // Members: one answer per participant, as GoWA gives them.
    assert.equal(await groups.updateParticipants!(id, 'add', [BOB, ALICE, api('905559990000')]), [
      { participant: BOB, status: 'success', message: 'Action success' },
      { participant: ALICE, status: 'error', message: 'The participant is already a group member' },
      { participant: api('905559990000'), status: 'error', message: 'The phone number is not registered on WhatsApp' },
    ]);
    assert.equal((await groups.updateParticipants!(id, 'promote', [BOB, CAROL])).map((r) => r.status), ['success', 'error']);
    assert.ok((await wa.group(id))!.participants.find((p) => p.key === 'bob')!.admin);
    assert.equal((await groups.updateParticipants!(id, 'demote', [BOB])).map((r) => r.status), ['success']);
    assert.equal((await groups.updateParticipants!(id, 'remove', [DAN])).map((r) => r.status), ['success']);
    assert.equal((await wa.group(id))!.participants.map((p) => [p.key, p.admin]), [['me', true], ['alice', false], ['bob', false]]);
    await until(events, 'the member changes', () => events.of('group_change').filter((e) => e.change.groupId === id).length === 4);
    assert.equal(events.of('group_change').map((e) => [e.change.action, e.change.participants, e.change.actor]), [
      ['join', [BOB], ME],
      ['promote', [BOB], ME],
      ['demote', [BOB], ME],
      ['leave', [DAN], ME],
    ]);

    // Invite link: read and reset; info and settings.
    const code = await groups.getInviteCode!(id);
    assert.is(code, (await wa.group(id))!.inviteCode);
    const fresh = await groups.revokeInviteCode!(id);
    assert.ok(fresh !== code && fresh === (await wa.group(id))!.inviteCode);
    await groups.setSubject!(id, 'Adı Değişti');
    await groups.setDescription!(id, 'Yeni açıklama');
    await groups.setAnnounce!(id, true);
    await groups.setLocked!(id, true);
    await groups.setPicture!(id, { mimetype: 'image/png', data: PNG });
    let server = (await wa.group(id))!;
    assert.equal([server.subject, server.desc, server.announce, server.restrict], ['Adı Değişti', 'Yeni açıklama', true, true]);
    assert.match(server.picture ?? '', /^https:\/\/pps\.whatsapp\.net\//);
    await groups.setPicture!(id, null);
    assert.is((await wa.group(id))!.picture, null);
    assert.equal((await groups.getGroup(id))!.name, 'Adı Değişti');

    // Join by link (a link or a code), leave; a group whose admins approve leaves the request pending.
    assert.is(await groups.join!('https://chat.whatsapp.com/ClubInviteCode0000000002'), CLUB);
    assert.ok((await groups.getGroup(CLUB))!.participants.some((p) => p.id === ME));
    const pending = await failureOf(() => groups.join!('GuildInviteCode000000003'));
    assert.equal([pending.reason, /pending/.test(pending.message)], ['rejected', true]);
    assert.equal((await wa.group('guild'))!.requests.map((r) => r.key), ['me']);
    assert.is((await failureOf(() => groups.join!('NoSuchInviteCode0000000'))).reason, 'not_found');
    await groups.leave!(CLUB);
    assert.is((await wa.group(CLUB))!.me, null);
    assert.is((await failureOf(() => groups.updateParticipants!(CLUB, 'add', [BOB]))).reason, 'not_found');

    // Requests to join Team: listed (LIDs named by phone), approved or rejected one by one.
    await wa.requestJoin({ group: 'team', from: 'carol' });
    await wa.requestJoin({ group: 'team', from: 'dan' });
    assert.equal((await groups.joinRequests!(TEAM)).map((r) => r.id), [CAROL, DAN]);
    assert.equal((await groups.answerJoinRequests!(TEAM, [CAROL], true)).map((r) => [r.participant, r.status]), [[CAROL, 'success']]);
    assert.equal((await groups.answerJoinRequests!(TEAM, [DAN, ALICE], false)).map((r) => [r.participant, r.status]), [[DAN, 'success'], [ALICE, 'error']]);
    server = (await wa.group(TEAM))!;
    assert.equal([server.requests, server.participants.some((p) => p.key === 'carol')], [[], true]);

    // What other members do arrives as group changes: members, subject, settings.
    const before = events.of('group_change').length;
    await wa.groupEvent({ group: 'team', by: 'bob', action: 'add', members: ['dan'] });
    await wa.groupEvent({ group: 'team', by: 'bob', action: 'subject', value: 'Takım' });
    await wa.groupEvent({ group: 'team', by: 'bob', action: 'announce', value: true });
    await wa.groupEvent({ group: 'team', by: 'bob', action: 'promote', members: ['alice'] });
    await wa.groupEvent({ group: 'team', by: 'erin', action: 'leave' });
    await until(events, "the others' changes", () => events.of('group_change').length >= before + 5);
    assert.equal(events.of('group_change').slice(before).map(({ change: c }) => [c.groupId, c.action, c.participants, c.actor, c.value]), [
      [TEAM, 'join', [DAN], BOB, undefined],
      [TEAM, 'subject', [], BOB, 'Takım'],
      [TEAM, 'announce', [], BOB, true],
      [TEAM, 'promote', [ALICE], BOB, undefined],
      [TEAM, 'leave', [ERIN_LID], ERIN_LID, undefined],
    ]);
    assert.is(events.groups.filter((g) => g.id === TEAM).at(-1)!.name, 'Takım', 'and the group as it is now');
  }),
);

test('2026-07: without the engine, the patched library loses poll votes (its hook looks the poll up by `_serialized`)', () =>
  withClient(() => linkedClient('2026-07', 'patched'), async ({ client, library, phone: wa }) => {
    const poll = await client.sendMessage('905551110001@c.us', new library.Poll('Ne zaman?', ['Pzt', 'Çar']), { linkPreview: false, sendSeen: false });
    const answer = await wa.vote({ from: 'alice', poll: poll!.id.id, options: ['Pzt'] });
    assert.is(answer.stored, false);
    assert.match(answer.error ?? '', /^r: r/);
  }),
);

test.run();
