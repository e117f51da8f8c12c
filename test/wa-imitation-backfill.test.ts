/**
 * Nothing received is lost (issue 19 item 3) on the real (patched) whatsapp-web.js in real Chromium,
 * against the imitation of WhatsApp Web: messages that reached WhatsApp Web's store but never
 * reached Hatline (held back by the page, or arriving while the library had stopped listening) are
 * stored once, in order, with their `message_received` events, after an open that is not a first
 * link: a restart asked through the API, and liveness recovering a deaf session. The new client
 * finds them in the account's store, which the imitation keeps in the LocalAuth profile (as WhatsApp
 * Web keeps it in IndexedDB), with no event of their own; a message told live before is read again
 * by the backfill and must not be doubled.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type WAWebJS from 'whatsapp-web.js';
import { createWwebjsEngine } from '../src/engines/wwebjs/index.js';
import { ADMIN } from '../src/services/access/principal.js';
import { closesServers, eventually, testServer, type TestServer } from './support/app.js';
import { imitationClientFactory, phone, type Phone } from './support/wa-imitation/harness.js';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const api = (phoneNumber: string) => `${phoneNumber}@s.whatsapp.net`;
const ALICE = api('905551110001');
const BOB = api('905551110002');
const DAN = api('905551110004');
const TEAM = '120363000000000001@g.us';

interface Rig {
  s: TestServer;
  /** The imitation behind the engine's current client. */
  wa(): Phone;
  clients: WAWebJS.Client[];
  /** Moves Hatline's clock on (liveness' grace); WhatsApp Web's clock is left alone. */
  advance(ms: number): void;
}

/** Hatline with instance `w` on the wwebjs engine, linked through the imitation's QR (2026-09). */
async function linked(env: Record<string, string>): Promise<Rig> {
  const clients: WAWebJS.Client[] = [];
  let skew = 0;
  const factory = imitationClientFactory({ shape: '2026-09', library: 'patched', onClient: (c) => clients.push(c) });
  const s = await testServer({
    env,
    now: () => Date.now() + skew,
    wwebjs: (ctx) => createWwebjsEngine(ctx, { chromiumPath: null, ffmpegPath: null, clientFactory: factory, timings: { healthIntervalMs: 400 } }),
  });
  assert.is((await s.json('POST', '/api/instance', { id: 'w', engine: 'wwebjs' })).status, 200);
  assert.is((await s.json('POST', '/api/instance/w/connect')).status, 200);
  const wa = () => {
    const current = clients[clients.length - 1];
    if (!current) throw new Error('the engine has not built a client yet');
    return phone(current);
  };
  await eventually('a QR code', async () => typeof (await s.json('GET', '/api/instance/w/qr')).body.qrCode === 'string', 20_000);
  await wa().scan('905550000001', 'Imitation Phone');
  await eventually('open', async () => (await status(s)).status === 'open', 20_000);
  return { s, wa, clients, advance: (ms) => void (skew += ms) };
}

const status = async (s: TestServer) => (await s.json('GET', '/api/instance/w/status')).body.accountStatus as { status: string; lastDeafness?: { reason: string; recoveredAt: number | null } };

/** The instance's stored messages, oldest first, once what was told is stored. */
async function stored(s: TestServer): Promise<{ id: string; body: string; chatId: string; type: string; media?: { url: string; mimetype: string } }[]> {
  await s.hatline.services.messages.settled('w');
  return ((await s.json('GET', '/api/instance/w/messages?limit=100')).body.items as any[]).reverse();
}

/** The `message_received` events of the event log, in order. */
async function received(s: TestServer): Promise<{ id: string; body: string; chatId: string; backfilled?: boolean }[]> {
  return (await s.hatline.services.events.read(ADMIN, 0, 500, 'w')).filter((e) => e.event === 'message_received').map((e) => e.data as any);
}

async function until<T>(what: string, check: () => Promise<T | false>): Promise<T> {
  return eventually(what, check, 20_000);
}

const test = suite('backfill on whatsapp-web.js and the imitation of WhatsApp Web');
closesServers(test);

test('a restart: messages the page held back from the library are stored and announced once, in order, after the one told live (read again, not doubled)', async () => {
  const { s, wa, clients } = await linked({ LIVENESS_INTERVAL_MS: '0' });
  const live = await wa().receive({ from: 'alice', body: 'canlı' });
  await until('the live message stored', async () => (await stored(s)).some((m) => m.id === live.id));

  await wa().holdMessages();
  const t0 = live.t;
  const fromBob = await wa().receive({ from: 'bob', body: 'tutuldu', t: t0 + 2 });
  const image = await wa().receive({ from: 'dan', media: { mimetype: 'image/png', data: PNG, filename: 'p.png' }, caption: 'resim', t: t0 + 3 });
  const inTeam = await wa().receive({ from: 'bob', group: 'team', body: 'ekip', t: t0 + 4 });
  const heldIds = [fromBob.id, image.id, inTeam.id];
  // Held indeed: the page has them, Hatline does not.
  assert.equal((await stored(s)).map((m) => m.id), [live.id]);
  const history = s.hatline.registry.engine('w').history!;
  assert.equal((await history.messagesSince(ALICE, t0 - 60, 10)).map((m) => m.id), [live.id], 'the backfill window reads the live message again');

  const after = await s.hatline.services.events.newest();
  assert.is((await s.json('POST', '/api/instance/w/restart')).status, 200);
  await until('connected again', async () => (await s.hatline.services.events.read(ADMIN, after, 100, 'w')).some((e) => e.event === 'connection_status' && (e.data as any).status === 'connected'));
  assert.is(clients.length, 2, 'a new client (and page) on the same session');

  const all = await until('the held messages stored', async () => {
    const list = await stored(s);
    return list.length >= 4 ? list : false;
  });
  assert.equal(all.map((m) => m.id), [live.id, ...heldIds]);
  assert.equal(all.map((m) => m.chatId), [ALICE, BOB, DAN, TEAM]);
  assert.equal(all[2]!.media?.mimetype, 'image/png', 'the image\'s file was downloaded');
  const served = await s.call('GET', new URL(all[2]!.media!.url).pathname);
  assert.equal(Buffer.from(await served.arrayBuffer()), Buffer.from(PNG, 'base64'), 'and is served as it was sent');
  const events = await until('each announced', async () => {
    const list = await received(s);
    return list.length >= 4 ? list : false;
  });
  assert.equal(events.map((e) => e.id), [live.id, ...heldIds]);
  assert.equal(events.map((e) => Boolean(e.backfilled)), [false, true, true, true]);

  // The new client hears live messages; nothing is doubled afterwards.
  // Dated after the held ones: lists are ordered by WhatsApp's timestamp, and the page's clock may not be past t0 + 4 yet.
  const next = await wa().receive({ from: 'alice', body: 'sonra', t: t0 + 5 });
  await until('the next message stored', async () => (await stored(s)).some((m) => m.id === next.id));
  assert.equal((await stored(s)).map((m) => m.id), [live.id, ...heldIds, next.id]);
  assert.equal((await received(s)).map((e) => e.id), [live.id, ...heldIds, next.id]);
});

test('a deafened library: liveness finds the bridge down, reconnects, and what arrived meanwhile is stored and announced once, in order', async () => {
  const { s, wa, clients, advance } = await linked({ LIVENESS_INTERVAL_MS: '0', LIVENESS_GRACE_MS: '1000' });
  const live = await wa().receive({ from: 'alice', body: 'canlı' });
  await until('the live message stored', async () => (await stored(s)).some((m) => m.id === live.id));
  await s.hatline.liveness.tick();
  assert.is((await status(s)).lastDeafness, undefined, 'a hearing session is left alone');

  const deafened = await wa().deafen();
  assert.ok(deafened.dropped > 0, JSON.stringify(deafened));
  const first = await wa().receive({ from: 'alice', body: 'duyulmadı', t: live.t + 2 });
  const second = await wa().receive({ from: 'bob', group: 'team', body: 'ekip', t: live.t + 3 });
  await s.hatline.liveness.tick();
  assert.equal((await stored(s)).map((m) => m.id), [live.id], 'missed while deaf, and within the grace nothing is done');
  assert.is((await status(s)).lastDeafness, undefined);

  advance(1500);
  await s.hatline.liveness.tick();
  const note = await until('the recovery', async () => {
    const st = await status(s);
    return st.status === 'open' && st.lastDeafness?.recoveredAt ? st.lastDeafness : false;
  });
  assert.is(note.reason, 'bridge_down');
  assert.is(clients.length, 2, 'reconnected: a new client (and page) on the same session');

  const all = await until('the missed messages stored', async () => {
    const list = await stored(s);
    return list.length >= 3 ? list : false;
  });
  assert.equal(all.map((m) => m.id), [live.id, first.id, second.id]);
  assert.equal(all.map((m) => m.body), ['canlı', 'duyulmadı', 'ekip']);
  const events = await until('each announced', async () => {
    const list = await received(s);
    return list.length >= 3 ? list : false;
  });
  assert.equal(events.map((e) => [e.id, Boolean(e.backfilled)]), [[live.id, false], [first.id, true], [second.id, true]]);

  // Hearing again: a new message is told live, and a probe finds nothing amiss.
  const next = await wa().receive({ from: 'alice', body: 'sonra' });
  await until('the next message stored', async () => (await stored(s)).some((m) => m.id === next.id));
  advance(1500);
  await s.hatline.liveness.tick();
  assert.is((await status(s)).lastDeafness?.recoveredAt, note.recoveredAt, 'no second recovery');
  assert.equal((await received(s)).map((e) => e.id), [live.id, first.id, second.id, next.id]);
});

test.run();
