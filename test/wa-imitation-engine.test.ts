/**
 * Hatline's wwebjs engine and API on the real whatsapp-web.js, in real Chromium, against the
 * imitation of WhatsApp Web (test/support/wa-imitation), in each of its 2026 shapes: linking,
 * every kind of incoming and outgoing message, receipts, react, revoke, the chat and contact
 * operations, lists, WhatsApp Web's own reload, and the ways a session ends. Requests go to the API
 * as a user's would; what reached "WhatsApp" is read back from the imitation.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type WAWebJS from 'whatsapp-web.js';
import { createWwebjsEngine, type WwebjsTimings } from '../src/engines/wwebjs/index.js';
import { closesServers, eventually, testServer, type TestServer } from './support/app.js';
import { imitationClientFactory, phone, SHAPES, type ImitationPageOptions, type ImitationShape, type LibraryKind, type Phone } from './support/wa-imitation/harness.js';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const uri = (mimetype: string, base64: string) => `data:${mimetype};base64,${base64}`;
const b64 = (text: string) => Buffer.from(text).toString('base64');

const ALICE = '905551110001';
const BOB = '905551110002';
const CAROL = '905551110003';
const DAN = '905551110004';
const TEAM = '120363000000000001@g.us';
const api = (phoneNumber: string) => `${phoneNumber}@s.whatsapp.net`;

interface Rig {
  s: TestServer;
  clients: WAWebJS.Client[];
  /** The imitation behind the engine's current client. */
  phone(): Phone;
}

async function hatlineOn(shape: ImitationShape, library: LibraryKind = 'patched', extra: { page?: ImitationPageOptions; timings?: Partial<WwebjsTimings> } = {}): Promise<Rig> {
  const clients: WAWebJS.Client[] = [];
  const factory = imitationClientFactory({ shape, library, ...(extra.page ? { page: extra.page } : {}), onClient: (c) => clients.push(c) });
  const s = await testServer({
    wwebjs: (ctx) => createWwebjsEngine(ctx, { chromiumPath: null, ffmpegPath: null, clientFactory: factory, timings: { healthIntervalMs: 400, ...extra.timings } }),
  });
  const created = await s.json('POST', '/api/instance', { id: 'w', engine: 'wwebjs' });
  assert.is(created.status, 200, JSON.stringify(created.body));
  assert.is((await s.json('POST', '/api/instance/w/connect')).status, 200);
  return {
    s,
    clients,
    phone: () => {
      const current = clients[clients.length - 1];
      if (!current) throw new Error('the engine has not built a client yet');
      return phone(current);
    },
  };
}

const status = async (s: TestServer) => (await s.json('GET', '/api/instance/w/status')).body.accountStatus as { status: string; error?: string; webVersion?: string };

async function qrShown(s: TestServer, previous: string | null = null): Promise<string> {
  return eventually('a QR code from the API', async () => {
    const { body } = await s.json('GET', '/api/instance/w/qr');
    return typeof body.qrCode === 'string' && body.qrCode.startsWith('data:image/png;base64,') && body.qrCode !== previous ? (body.qrCode as string) : false;
  }, 30_000); // a page refreshing an idle QR in a loaded machine's Chromium took over 20 s once
}

async function linked(shape: ImitationShape, library: LibraryKind = 'patched', extra: Parameters<typeof hatlineOn>[2] = {}): Promise<Rig> {
  const rig = await hatlineOn(shape, library, extra);
  await qrShown(rig.s);
  await rig.phone().scan('905550000001', 'Imitation Phone');
  await eventually('open', async () => (await status(rig.s)).status === 'open', 20_000);
  return rig;
}

async function history(s: TestServer, chat: string) {
  return (await s.json('GET', `/api/instance/w/messages?chatId=${encodeURIComponent(chat)}&limit=100`)).body.items as { id: string; type: string; body: string; from: string; chatId: string; status: string; media?: { url: string; mimetype: string } }[];
}

async function send(s: TestServer, kind: string, body: object): Promise<string> {
  const res = await s.json('POST', `/api/instance/w/messages/${kind}`, body);
  assert.is(res.status, 200, `${kind}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

const test = suite('Hatline on whatsapp-web.js on the imitation of WhatsApp Web');
closesServers(test);

for (const shape of SHAPES) {
  test(`${shape}: link, receive and send every kind, receipts, react, revoke, chats, contacts, groups, block, reload, logout`, async () => {
    const { s, phone: wa } = await linked(shape);
    const st = await status(s);
    assert.is(st.webVersion, await wa().version(), 'the status names the WhatsApp Web build');
    assert.equal((await s.json('GET', '/api/instance/w/me')).body, { id: api('905550000001'), name: 'Imitation Phone', phone: '905550000001' });

    // Incoming: text, media, a group message, and a person whose number is hidden (a LID only).
    const text = await wa().receive({ from: 'alice', body: 'Merhaba Hatline' });
    await wa().receive({ from: 'dan', type: 'image', media: { mimetype: 'image/png', data: PNG, filename: 'p.png' }, caption: 'resim' });
    await wa().receive({ from: 'bob', group: 'team', body: 'ekip selam' });
    await wa().receive({ from: 'erin', body: 'gizli numara' });
    const fromAlice = await eventually('the text in the history', async () => (await history(s, ALICE)).find((m) => m.id === text.id));
    assert.is(fromAlice.body, 'Merhaba Hatline');
    assert.is(fromAlice.from, api(ALICE));
    const image = await eventually('the image in the history', async () => (await history(s, DAN)).find((m) => m.type === 'image'));
    assert.is(image.body, 'resim');
    assert.ok(image.media, 'its file was downloaded');
    assert.is(image.media!.mimetype, 'image/png');
    const served = await s.call('GET', new URL(image.media!.url).pathname);
    assert.is(served.status, 200, 'the file is served');
    assert.equal(Buffer.from(await served.arrayBuffer()), Buffer.from(PNG, 'base64'));
    const inGroup = await eventually('the group message', async () => (await history(s, TEAM))[0]);
    assert.is(inGroup.chatId, TEAM);
    assert.is(inGroup.from, api(BOB), 'a LID-addressed member is named by phone');
    await eventually('the LID-only message', async () => (await history(s, '200000000000005@lid')).length === 1);

    // Outgoing: every kind of seed 001, to a plain contact; and a text to a migrated person never seen.
    const sent: Record<string, string> = {};
    sent.chat = await send(s, 'chat', { to: ALICE, body: 'Selam Alice' });
    sent.image = await send(s, 'image', { to: ALICE, image: uri('image/png', PNG), caption: 'bir resim' });
    sent.video = await send(s, 'video', { to: ALICE, video: uri('video/mp4', b64('not really a video')), caption: 'video' });
    sent.document = await send(s, 'document', { to: ALICE, document: uri('application/pdf', b64('%PDF-1.4')), filename: 'rapor.pdf' });
    sent.audio = await send(s, 'audio', { to: ALICE, audio: uri('audio/mpeg', b64('ID3 audio')) });
    sent.voice = await send(s, 'voice', { to: ALICE, audio: uri('audio/ogg', b64('OggS voice')) });
    sent.sticker = await send(s, 'sticker', { to: ALICE, sticker: uri('image/png', PNG) });
    sent.location = await send(s, 'location', { to: ALICE, lat: 41.0082, lng: 28.9784, name: 'İstanbul' });
    sent.contact = await send(s, 'contact', { to: ALICE, contact_name: 'Ahmet', contact_phone: '905321234567' });
    sent.poll = await send(s, 'poll', { to: ALICE, name: 'Ne zaman?', values: ['Pzt', 'Çar'], selectableCount: 1 });
    const toCarol = await send(s, 'chat', { to: CAROL, body: 'Selam Carol' });
    const outbox = await wa().outbox();
    const typeOf = (id: string) => outbox.find((o) => o.id === id)?.type;
    assert.equal(
      Object.fromEntries(Object.entries(sent).map(([k, id]) => [k, typeOf(id)])),
      { chat: 'chat', image: 'image', video: 'video', document: 'document', audio: 'audio', voice: 'ptt', sticker: 'sticker', location: 'location', contact: 'vcard', poll: 'poll_creation' },
      'every send reached WhatsApp once, as its kind, under the id the API answered',
    );
    assert.is(outbox.length, 11);
    assert.is(outbox.find((o) => o.id === toCarol)?.to, '200000000000003@lid', 'a migrated number is sent to by its LID');

    // Receipts.
    await wa().ack(sent.chat, 3);
    await eventually('read', async () => (await history(s, ALICE)).find((m) => m.id === sent.chat)?.status === 'read');

    // React, revoke; a revoke outside WhatsApp's window is refused, not a delete-for-me.
    assert.is((await s.json('POST', '/api/instance/w/messages/reaction', { to: ALICE, msgId: text.id, emoji: '👍' })).status, 200);
    assert.equal((await wa().reactions()).map((r) => [r.id, r.reaction]), [[text.id, '👍']]);
    assert.is((await s.json('POST', '/api/instance/w/messages/delete', { to: ALICE, msgId: sent.poll })).status, 200);
    assert.ok((await wa().revoked()).some((r) => r.id === sent.poll));
    await wa().age(sent.location, 3 * 24 * 60 * 60);
    const late = await s.json('POST', '/api/instance/w/messages/delete', { to: ALICE, msgId: sent.location });
    assert.is(late.status, 409, JSON.stringify(late.body));
    assert.match(late.body.error, /can no longer be deleted for everyone/);
    assert.equal(await wa().deletedForMe(), []);

    // Chat operations.
    assert.is((await s.json('POST', '/api/instance/w/chats/read', { chatId: ALICE })).status, 200);
    assert.ok((await wa().seen()).some((x) => x.chat === `${ALICE}@c.us`));
    assert.is((await s.json('POST', '/api/instance/w/chats/archive', { chatId: ALICE })).status, 200);
    assert.ok((await wa().archived()).some((x) => x.chat === `${ALICE}@c.us` && x.archive));
    assert.is((await s.json('POST', '/api/instance/w/chats/delete', { chatId: DAN })).status, 200);
    assert.ok((await wa().deletedChats()).includes(`${DAN}@c.us`));
    const unknownChat = await s.json('POST', '/api/instance/w/chats/archive', { chatId: '905559990000' });
    assert.is(unknownChat.status, 404);
    assert.not.ok((await wa().chats()).some((c) => c.id.startsWith('905559990000')), 'no chat was created for it');

    // Lists, number check, picture.
    const chats = (await s.json('GET', '/api/instance/w/chats')).body as { id: string }[];
    for (const id of [api(ALICE), api(BOB), TEAM]) assert.ok(chats.some((c) => c.id === id), `chat ${id} listed`);
    const contacts = (await s.json('GET', '/api/instance/w/contacts')).body as { id: string }[];
    assert.ok(contacts.some((c) => c.id === api(ALICE)));
    const groups = (await s.json('GET', '/api/instance/w/groups')).body as { id: string; name: string; participants: number }[];
    assert.equal(groups.find((g) => g.id === TEAM) && { name: groups.find((g) => g.id === TEAM)!.name, participants: groups.find((g) => g.id === TEAM)!.participants }, { name: 'Imitation Team', participants: 4 });
    const team = (await s.json('GET', `/api/instance/w/groups/group?groupId=${TEAM}`)).body as { participants: { id: string; admin: string | null }[] };
    assert.equal(team.participants.find((p) => p.id === api(BOB))?.admin, 'admin', 'a LID-addressed admin, by phone');
    assert.equal((await s.json('GET', `/api/instance/w/contacts/check?chatId=${DAN}`)).body, { exists: true, jid: api(DAN) });
    assert.is((await s.json('GET', '/api/instance/w/contacts/check?chatId=905559990000')).body.exists, false);
    const picture = await s.json('GET', `/api/instance/w/contacts/image?chatId=${ALICE}`);
    assert.is(picture.status, 200);
    assert.match(String(picture.body.url), /^https?:\/\//);

    // Block and unblock a migrated person (WhatsApp blocks by LID).
    assert.is((await s.json('POST', '/api/instance/w/contacts/block', { chatId: BOB })).status, 200);
    assert.ok((await wa().blocklist()).includes('200000000000002@lid'));
    assert.is((await s.json('POST', '/api/instance/w/contacts/unblock', { chatId: BOB })).status, 200);
    assert.not.ok((await wa().blocklist()).includes('200000000000002@lid'));

    // WhatsApp Web reloads itself: the session waits it out and works after it.
    await wa().reload({ bootDelayMs: 1500 });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.is((await status(s)).status, 'open');
    await eventually('a send after the reload', async () => (await s.json('POST', '/api/instance/w/messages/chat', { to: ALICE, body: 'after the reload' })).status === 200, 15_000);

    // Unlinked on the phone: disconnected, saying why, with no session left.
    await wa().logout();
    await eventually('logged out', async () => /logged out/.test((await status(s)).error ?? ''), 15_000);
    assert.is((await status(s)).status, 'disconnected');
    // The library removes the session and makes an empty folder for the next one; the browser is
    // closed and nothing is left to restore.
    const profile = path.join(s.config.dataDir, 'sessions', 'w', 'session-w');
    // The folder may go between the two looks: a folder gone is no saved session either.
    const savedFiles = () => (existsSync(profile) ? readdirSync(profile).length : 0);
    await eventually('no saved session left', () => {
      try {
        return savedFiles() === 0;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
        throw err;
      }
    }, 15_000);
  });
}

test('a QR that rotates and goes idle: the patched library refreshes it in place, and it links', async () => {
  const { s, clients, phone: wa } = await hatlineOn('2026-09', 'patched', { page: { qrRotateMs: 1000, qrRotations: 2 }, timings: { qrFreshMs: 30_000 } });
  let qr = await qrShown(s);
  qr = await qrShown(s, qr); // the rotation
  qr = await qrShown(s, qr); // the refresh of the idle QR
  assert.ok((await wa().stats()).qrRefreshes >= 1, 'WhatsApp Web was asked for a fresh QR');
  assert.is(clients.length, 1, 'no renewal was needed');
  await wa().scan('905550000001', 'Imitation Phone');
  await eventually('open', async () => (await status(s)).status === 'open', 20_000);
});

test('a QR that went idle and stays idle (the published library cannot refresh it) is renewed with a fresh attempt', async () => {
  const { s, clients, phone: wa } = await hatlineOn('2026-06', 'pristine', { page: { qrRotateMs: 300, qrRotations: 2 }, timings: { qrFreshMs: 2000 } });
  const first = await qrShown(s);
  const second = await qrShown(s, first);
  await eventually('a renewed attempt', () => clients.length === 2, 20_000);
  await qrShown(s, second);
  await wa().scan('905550000001', 'Imitation Phone');
  await eventually('open', async () => (await status(s)).status === 'open', 20_000);
});

test('a ban (TOS_BLOCK) ends the session with its own words and no restarts', async () => {
  const { s, clients, phone: wa } = await linked('2026-07');
  await wa().disconnect('TOS_BLOCK');
  await eventually('disconnected', async () => (await status(s)).status === 'disconnected', 15_000);
  assert.match((await status(s)).error ?? '', /banned this number \(TOS_BLOCK\)/);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  assert.is(clients.length, 1, 'no restart');
  assert.is((await status(s)).status, 'disconnected');
});

test('without the patches, on July 2026: the library answers undefined for a delivered send, and the API still answers its id; react still reacts', async () => {
  const { s, phone: wa } = await linked('2026-07', 'pristine');
  const id = await send(s, 'chat', { to: ALICE, body: 'delivered' });
  const outbox = await wa().outbox();
  assert.equal(outbox.map((o) => [o.id, o.body]), [[id, 'delivered']], 'sent once, under the id answered');
  const text = await wa().receive({ from: 'alice', body: 'react to me' });
  await eventually('the message', async () => (await history(s, ALICE)).some((m) => m.id === text.id));
  assert.is((await s.json('POST', '/api/instance/w/messages/reaction', { to: ALICE, msgId: text.id, emoji: '🎉' })).status, 200);
  assert.equal((await wa().reactions()).map((r) => r.reaction), ['🎉']);
});

test('without the patches, on September 2026: a media send fails with the library\'s words (the patch is what fixes it)', async () => {
  const { s, phone: wa } = await linked('2026-09', 'pristine');
  const res = await s.json('POST', '/api/instance/w/messages/image', { to: ALICE, image: uri('image/png', PNG) });
  assert.is(res.status, 502, JSON.stringify(res.body));
  assert.match(JSON.stringify(res.body), /Data passed to getter must include an id property/);
  assert.equal(await wa().outbox(), []);
});

test.run();
