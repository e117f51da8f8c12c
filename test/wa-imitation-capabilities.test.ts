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

test('2026-07: without the engine, the patched library loses poll votes (its hook looks the poll up by `_serialized`)', () =>
  withClient(() => linkedClient('2026-07', 'patched'), async ({ client, library, phone: wa }) => {
    const poll = await client.sendMessage('905551110001@c.us', new library.Poll('Ne zaman?', ['Pzt', 'Çar']), { linkPreview: false, sendSeen: false });
    const answer = await wa.vote({ from: 'alice', poll: poll!.id.id, options: ['Pzt'] });
    assert.is(answer.stored, false);
    assert.match(answer.error ?? '', /^r: r/);
  }),
);

test.run();
