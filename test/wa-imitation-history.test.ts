/**
 * The wwebjs engine's history capability (issue 19: liveness and backfill) on the real (patched)
 * whatsapp-web.js in real Chromium, against the imitation of WhatsApp Web: messages the page holds
 * back from the library's events, and a library that stopped listening to the page. The probe must
 * see both, and what the page holds must come back mapped exactly as a live message is.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type WAWebJS from 'whatsapp-web.js';
import type { Engine, EngineMessage } from '../src/engines/engine.js';
import { createWwebjsEngine } from '../src/engines/wwebjs/index.js';
import { RecordingListener } from './support/recorder.js';
import { imitationClientFactory, phone, type ImitationShape, type Phone } from './support/wa-imitation/harness.js';
import { withTimeout } from './support/wa-imitation/live-client.js';
import { failureOf } from './support/wwebjs-rig.js';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const api = (phoneNumber: string) => `${phoneNumber}@s.whatsapp.net`;
const ALICE = api('905551110001');
const BOB = api('905551110002');
const DAN = api('905551110004');
const TEAM = '120363000000000001@g.us';
const DAY = 86_400;

interface Linked {
  engine: Engine;
  events: RecordingListener;
  wa: Phone;
  client: () => WAWebJS.Client;
}

/** One engine, linked through the imitation's QR; closed (with its Chromium) after `work`. */
async function withEngine(shape: ImitationShape, work: (linked: Linked) => Promise<void>): Promise<void> {
  const clients: WAWebJS.Client[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-history-'));
  const events = new RecordingListener();
  const factory = imitationClientFactory({ shape, library: 'patched', onClient: (c) => clients.push(c) });
  const engine = createWwebjsEngine({ instanceId: 'w', sessionDir: dir, emit: events.emit }, { chromiumPath: null, ffmpegPath: null, clientFactory: factory });
  try {
    await engine.start();
    await events.until('a QR code', () => events.qrs.some((q) => typeof q === 'string'), 20_000);
    const wa = phone(clients[clients.length - 1]!);
    await wa.scan('905550000001', 'Imitation Phone');
    await events.until('open', () => events.lastStatus()?.status === 'open', 20_000);
    await withTimeout(work({ engine, events, wa, client: () => clients[clients.length - 1]! }), 90_000, 'the test body');
  } finally {
    await engine.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

const heardLive = async (events: RecordingListener, id: string): Promise<EngineMessage> => {
  await events.until(`the event of ${id}`, () => events.messages.some((m) => m.id === id), 10_000);
  return events.messages.find((m) => m.id === id)!;
};

const test = suite('wwebjs history capability on whatsapp-web.js and the imitation of WhatsApp Web');

for (const shape of ['2026-07', '2026-09'] as const) {
  test(`${shape}: messages held back from the library: the probe sees them ahead of the last event; recentChats and messagesSince return them exactly as their events report them once released`, () =>
    withEngine(shape, async ({ engine, events, wa }) => {
      const history = engine.history!;
      const heard = await wa.receive({ from: 'alice', body: 'duyuldu' });
      const heardEvent = await heardLive(events, heard.id);
      assert.equal(await history.probe(), { bridge: true, newestAt: heard.t });

      await wa.holdMessages();
      const t0 = heard.t;
      const fromBob = await wa.receive({ from: 'bob', body: 'tutuldu', t: t0 + 2 });
      const image = await wa.receive({ from: 'dan', media: { mimetype: 'image/png', data: PNG, filename: 'p.png' }, caption: 'resim', t: t0 + 3 });
      const inTeam = await wa.receive({ from: 'bob', group: 'team', body: 'ekip', t: t0 + 4 });
      const probe = await history.probe();
      assert.equal(probe, { bridge: true, newestAt: t0 + 4 }, 'the hooks are there, the page holds newer messages');
      assert.ok(probe.newestAt! > Math.max(...events.messages.map((m) => m.timestamp)), 'ahead of the last event');

      assert.equal(await history.recentChats(t0 + 1, 10), [TEAM, DAN, BOB], 'newest first; Bob\'s LID chat under his phone id');
      assert.equal(await history.recentChats(t0 + 1, 1), [TEAM]);
      const held = [
        ...(await history.messagesSince(BOB, t0 + 1, 10)),
        ...(await history.messagesSince(DAN, t0 + 1, 10)),
        ...(await history.messagesSince(TEAM, t0 + 1, 10)),
      ];
      assert.equal(held.map((m) => m.id), [fromBob.id, image.id, inTeam.id]);
      assert.equal(held[1]!.media?.data, Buffer.from(PNG, 'base64'), 'the file was downloaded as for a live message');
      assert.equal(held.map((m) => m.nativeKey), [fromBob.key, image.key, inTeam.key]);
      assert.equal(events.messages.filter((m) => held.some((h) => h.id === m.id)), [], 'none was reported while held');

      await wa.release();
      for (const message of held) assert.equal(message, await heardLive(events, message.id), `${message.body || message.kind}: as its event`);
      const sinceHeard = await history.messagesSince(ALICE, t0, 10);
      assert.equal(sinceHeard, [heardEvent], 'a message reported live comes back the same');
    }));
}

test('2026-09: messagesSince pages in what the page had not loaded (WhatsApp Web\'s earlier messages), back to `since`', () =>
  withEngine('2026-09', async ({ engine, events, wa }) => {
    const heard = await wa.receive({ from: 'alice', body: 'yeni' });
    const heardEvent = await heardLive(events, heard.id);
    const got = await engine.history!.messagesSince(ALICE, heard.t - Math.floor(2.5 * DAY), 20);
    assert.equal(got.map((m) => [m.body, m.from]), [
      ['Older message 2', ALICE],
      ['Older message 1', ALICE],
      ['Hello from the history', ALICE],
      ['An old reply', api('905550000001')],
      ['yeni', ALICE],
    ]);
    assert.equal(got[4], heardEvent);
    assert.ok(got.every((m) => m.chatId === ALICE));
  }));

for (const binding of [false, true]) {
  test(`2026-09: a library that stopped listening (${binding ? 'the function its listener calls is gone' : 'its listeners are gone'}): the probe reports the bridge gone; what arrived since comes back; a page gone is an EngineError`, () =>
    withEngine('2026-09', async ({ engine, events, wa, client }) => {
      const history = engine.history!;
      const heard = await wa.receive({ from: 'alice', body: 'duyuldu' });
      const heardEvent = await heardLive(events, heard.id);
      assert.equal(await history.probe(), { bridge: true, newestAt: heard.t });

      const deafened = await wa.deafen({ binding });
      assert.ok(binding ? deafened.binding === 'undefined' : deafened.dropped > 0, JSON.stringify(deafened));
      const unheard = await wa.receive({ from: 'alice', body: 'duyulmadı', t: heard.t + 2 });
      assert.equal(await history.probe(), { bridge: false, newestAt: heard.t + 2 });
      assert.equal(await history.recentChats(heard.t + 1, 10), [ALICE]);
      const [missed, ...rest] = await history.messagesSince(ALICE, heard.t + 1, 10);
      assert.equal(rest, []);
      // As the live one was mapped, but for what differs between the two messages.
      assert.equal(missed, { ...heardEvent, id: unheard.id, nativeKey: unheard.key, body: 'duyulmadı', timestamp: heard.t + 2 });
      assert.is(events.messages.some((m) => m.id === unheard.id), false, 'it was never reported');

      await client().pupPage!.close();
      const gone = await failureOf(() => history.probe());
      assert.equal([gone.name, gone.reason], ['EngineError', 'not_connected'], gone.message);
    }));
}

test.run();
