/**
 * The real whatsapp-web.js 1.34.7 Client, in real Chromium, against the imitation of WhatsApp Web
 * (test/support/wa-imitation): the breakages the review found in the 2026 builds (wwebjs-2026.md,
 * D1-D7) with the pristine library, and the same operations working with the patched one
 * (scripts/patch-wwebjs.mjs). Hatline's engine is not involved yet.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type WAWebJS from 'whatsapp-web.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SHAPES, type ImitationShape, type LibraryKind } from './support/wa-imitation/harness.js';
import { closeClient, launchClient, linkedClient, withClient } from './support/wa-imitation/live-client.js';
import { opaqueFile, pngImage } from './support/wa-imitation/media-fixtures.js';

const ALICE = '905551110001@c.us'; // phone-addressed chat
const BOB = '905551110002@c.us'; // LID-migrated, LID known when linking: chat 200000000000002@lid
const BOB_LID = '200000000000002@lid';
const CAROL = '905551110003@c.us'; // LID-migrated, never seen
const CAROL_LID = '200000000000003@lid';
const DAN = '905551110004@c.us'; // on WhatsApp, never seen, not migrated
const NOBODY = '905559999999@c.us'; // not on WhatsApp
const TEAM = '120363000000000001@g.us'; // LID-addressed group; Bob is an admin, we are its owner

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Modules the library hooks only if they exist (WWebJS.injectToFunction ignores them otherwise). */
const OPTIONAL_MODULES = ['WAWebBackendJobsCommon', 'WAWebE2EProtoUtils'];

const linked = (shape: ImitationShape, library: LibraryKind) => () => linkedClient(shape, library);
const quiet = { sendSeen: false };

/** The error a promise rejects with (fails when it resolves). */
async function rejection(work: Promise<unknown>): Promise<Error> {
  try {
    await work;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection, but it resolved');
}

/**
 * `name: first line of the message`. Puppeteer 24 names a page error by its class and may leave
 * the top stack frame in the message, so only the first line is WhatsApp Web's text.
 */
const said = (err: Error) => `${err.name}: ${err.message.split('\n')[0]}`;

const flush = (ms = 150) => new Promise((resolve) => setTimeout(resolve, ms));

// --- linking, an incoming message and a text send, in every shape ------------------------------

const basics = suite('whatsapp-web.js on the imitation: linking and the first messages');

for (const shape of SHAPES) {
  basics(`${shape}, patched: a QR, a scan, authenticated and ready; an incoming text and a sent text with its acks`, () =>
    withClient(
      () => launchClient(shape, 'patched'),
      async ({ client, phone, events }) => {
        const [qr] = await events.waitFor('qr');
        assert.match(String(qr), new RegExp(`^${(await phone.qrRef())!.replace(/[+/]/g, '\\$&')},[^,]+,[^,]+,[^,]+,Chrome$`));
        assert.is(await phone.shape(), shape);

        await phone.scan('905550000001', 'Imitation Phone');
        await events.waitFor('authenticated');
        await events.waitFor('ready');
        assert.is(client.info.wid._serialized, '905550000001@c.us');
        assert.is(client.info.pushname, 'Imitation Phone');
        assert.ok(events.count('loading_screen') > 0, 'the first sync reports progress');
        assert.is(await client.getState(), 'CONNECTED');

        const incoming = await phone.receive({ from: 'alice', body: 'hello from the phone' });
        const [received] = (await events.waitFor('message', (m: WAWebJS.Message) => m.id.id === incoming.id)) as [WAWebJS.Message];
        assert.is(received.body, 'hello from the phone');
        assert.is(received.from, ALICE);
        assert.is(received.id._serialized, incoming.key);

        const sent = await client.sendMessage(ALICE, 'hello back', quiet);
        assert.ok(sent, 'sendMessage answers the message it sent');
        assert.is(sent.body, 'hello back');
        assert.is(sent.id._serialized, `true_${ALICE}_${sent.id.id}`);
        await events.waitFor('message_ack', (m: WAWebJS.Message, ack: number) => m.id.id === sent.id.id && ack === 1);
        await phone.ack(sent.id.id, 2);
        await phone.ack(sent.id.id, 3);
        await events.waitFor('message_ack', (m: WAWebJS.Message, ack: number) => m.id.id === sent.id.id && ack === 3);
        const outbox = await phone.outbox();
        assert.equal(outbox.map((o) => [o.id, o.to, o.type, o.body]), [[sent.id.id, ALICE, 'chat', 'hello back']]);
      },
    ),
  );
}

basics.run();

// --- the pristine library against the 2026 builds: the review's breakages ------------------------

const pristine = suite('whatsapp-web.js 1.34.7 without its patches against WhatsApp Web 2026 (the breakages)');

pristine('2026-06, pristine: sendMessage answers the sent text and image, and react() reaches WhatsApp (keys still have _serialized)', () =>
  withClient(linked('2026-06', 'pristine'), async ({ client, library, phone }) => {
    const sent = await client.sendMessage(ALICE, 'before July', quiet);
    assert.ok(sent);
    assert.is(sent.id._serialized, `true_${ALICE}_${sent.id.id}`);
    await sent.react('👍');
    assert.equal((await phone.reactions()).map((r) => [r.id, r.reaction]), [[sent.id.id, '👍']]);
    const image = await client.sendMessage(ALICE, new library.MessageMedia('image/png', pngImage().toString('base64'), 'p.png', 0), quiet);
    assert.is(image?.type, 'image', 'media sends work before September');
  }),
);

pristine('2026-07, pristine: sendMessage resolves undefined although the message was added, echoed by message_create and acked ("404 but delivered", D1a)', () =>
  withClient(linked('2026-07', 'pristine'), async ({ client, phone, events }) => {
    const sent = await client.sendMessage(ALICE, 'after July', quiet);
    assert.is(sent, undefined);
    const [outgoing] = await phone.outbox();
    assert.ok(outgoing, 'the message reached WhatsApp');
    assert.is(outgoing.body, 'after July');
    const [echo] = (await events.waitFor('message_create', (m: WAWebJS.Message) => m.fromMe && m.body === 'after July')) as [WAWebJS.Message];
    assert.is(echo.id.id, outgoing.id);
    assert.is(echo.id._serialized, undefined, 'the key has no _serialized');
    assert.is((echo.id as unknown as { $1: string }).$1, outgoing.key, 'it is called $1');
    await events.waitFor('message_ack', (m: WAWebJS.Message, ack: number) => m.id.id === outgoing.id && ack === 1);
    await phone.ack(outgoing.id, 3);
    await events.waitFor('message_ack', (m: WAWebJS.Message, ack: number) => m.id.id === outgoing.id && ack === 3);
  }),
);

pristine('2026-07, pristine: react() resolves but nothing reaches WhatsApp (a silent no-op, D1c)', () =>
  withClient(linked('2026-07', 'pristine'), async ({ client, phone, events }) => {
    const incoming = await phone.receive({ from: 'alice', body: 'react to me' });
    const [msg] = (await events.waitFor('message', (m: WAWebJS.Message) => m.id.id === incoming.id)) as [WAWebJS.Message];
    await msg.react('🎉');
    assert.equal(await phone.reactions(), []);
    // The same message by its key works: the key is fine, only the library's reading of it is not.
    await client.sendReaction(incoming.key, '🎉');
    assert.equal((await phone.reactions()).map((r) => r.id), [incoming.id]);
  }),
);

pristine('2026-07, pristine: getChats() and getChatById() of a chat with received messages fail with the opaque r: r (D1b)', () =>
  withClient(linked('2026-07', 'pristine'), async ({ client }) => {
    const listing = await rejection(client.getChats());
    assert.is(said(listing), 'r: r');
    const byId = await rejection(client.getChatById(ALICE));
    assert.is(said(byId), 'r: r');
    // A chat with nothing received is still fine.
    assert.ok(await client.getChatById(DAN));
  }),
);

pristine('2026-07, pristine: downloadMedia() and delete(true) of an incoming message fail with r: r (D1d)', () =>
  withClient(linked('2026-07', 'pristine'), async ({ phone, events }) => {
    const image = pngImage();
    const incoming = await phone.receive({ from: 'alice', media: { mimetype: 'image/png', data: image.toString('base64') }, caption: 'a picture' });
    const [msg] = (await events.waitFor('message', (m: WAWebJS.Message) => m.id.id === incoming.id)) as [WAWebJS.Message];
    assert.ok(msg.hasMedia);
    const download = await rejection(msg.downloadMedia());
    assert.is(said(download), 'r: r');
    const removal = await rejection(msg.delete(true));
    assert.is(said(removal), 'r: r');
  }),
);

pristine("2026-09, pristine: every media send rejects with the __x_id error while text still goes (D2)", () =>
  withClient(linked('2026-09', 'pristine'), async ({ client, library, phone }) => {
    const image = new library.MessageMedia('image/png', pngImage().toString('base64'), 'p.png', 0);
    const err = await rejection(client.sendMessage(ALICE, image, { ...quiet, caption: 'x' }));
    assert.is(said(err), "Error: Data passed to getter must include an id property (it's how we memoize) but got undefined");
    const doc = new library.MessageMedia('application/pdf', opaqueFile('%PDF').toString('base64'), 'a.pdf', 0);
    assert.match((await rejection(client.sendMessage(ALICE, doc, { ...quiet, sendMediaAsDocument: true }))).message, /must include an id property/);
    const sticker = await rejection(client.sendMessage(ALICE, image, { ...quiet, sendMediaAsSticker: true }));
    assert.match(sticker.message, /must include an id property/);
    assert.is(await client.sendMessage(ALICE, 'text goes', quiet), undefined, 'text is sent (and answered undefined, as in July)');
    assert.equal((await phone.outbox()).map((o) => o.type), ['chat']);
  }),
);

pristine('2026-09, patched but for media-mimetype: an incoming image\'s download throws InvalidMediaFileType, as WhatsApp Web now checks the declared mimetype (#201908)', () =>
  withClient(linked('2026-09', { without: ['media-mimetype'] }), async ({ phone, events }) => {
    const incoming = await phone.receive({ from: 'alice', media: { mimetype: 'image/jpeg', data: pngImage().toString('base64') } });
    const [msg] = (await events.waitFor('message', (m: WAWebJS.Message) => m.id.id === incoming.id)) as [WAWebJS.Message];
    const err = await rejection(msg.downloadMedia());
    assert.is(said(err), 'InvalidMediaFileType: Unexpected mimetype application/octet-stream for media type image');
  }),
);

pristine('2026-06, pristine: block() and unblock() reject because WhatsApp Web removed getContactToBlockOnlyUseIfNoAssociatedChat (D4)', () =>
  withClient(linked('2026-06', 'pristine'), async ({ client, phone }) => {
    const contact = await client.getContactById(ALICE);
    const err = await rejection(contact.block());
    assert.is(err.name, 'TypeError');
    assert.match(err.message, /getContactToBlockOnlyUseIfNoAssociatedChat is not a function/);
    assert.match((await rejection(contact.unblock())).message, /is not a function/);
    assert.equal(await phone.blocklist(), []);
  }),
);

pristine('pristine: at UNPAIRED_IDLE the library\'s refresh runs in Node ("window is not defined") and no new QR comes (D7)', () =>
  withClient(
    () => launchClient('2026-07', 'pristine'),
    async ({ client, phone, events }) => {
      await events.waitFor('qr');
      await phone.idle();
      await flush(500);
      assert.is(events.count('qr'), 1);
      assert.is((await phone.stats()).qrRefreshes, 0);
      const direct = await client.pupPage!.evaluate(() =>
        (window as unknown as { onAuthAppStateChangedEvent(s: string): Promise<unknown> }).onAuthAppStateChangedEvent('UNPAIRED_IDLE').then(
          () => 'resolved',
          (e: Error) => e.message,
        ),
      );
      assert.is(direct, 'window is not defined');
    },
  ),
);

pristine.run();

// --- the patched library: every operation Hatline uses, in every shape ---------------------------

const patched = suite('patched whatsapp-web.js 1.34.7 in every shape (what Hatline uses)');

for (const shape of SHAPES) {
  patched(`${shape}, patched: sendMessage answers every send kind Hatline uses, each reaches WhatsApp as its type, and acks progress to played`, () =>
    withClient(linked(shape, 'patched'), async ({ client, library, phone, events }) => {
      const png = pngImage();
      const media = (mimetype: string, data: Buffer, filename: string | null) => new library.MessageMedia(mimetype, data.toString('base64'), filename, data.length);
      const sends: [string, () => Promise<WAWebJS.Message | undefined>][] = [
        ['chat', () => client.sendMessage(ALICE, 'plain text', quiet)],
        ['image', () => client.sendMessage(ALICE, media('image/png', png, 'p.png'), { ...quiet, caption: 'an image' })],
        ['video', () => client.sendMessage(ALICE, media('video/mp4', opaqueFile('mp4'), 'v.mp4'), { ...quiet, caption: 'a video' })],
        ['document', () => client.sendMessage(ALICE, media('application/pdf', opaqueFile('%PDF'), 'report.pdf'), { ...quiet, sendMediaAsDocument: true, caption: 'a document' })],
        ['audio', () => client.sendMessage(ALICE, media('audio/mpeg', opaqueFile('mp3'), 'a.mp3'), quiet)],
        ['ptt', () => client.sendMessage(ALICE, media('audio/ogg; codecs=opus', opaqueFile('ogg'), null), { ...quiet, sendAudioAsVoice: true })],
        ['sticker', () => client.sendMessage(ALICE, media('image/png', png, null), { ...quiet, sendMediaAsSticker: true })],
        ['location', () => client.sendMessage(ALICE, new library.Location(41.0082, 28.9784, { name: 'Sultanahmet', address: 'Istanbul' }), quiet)],
        ['vcard', () => client.sendMessage(ALICE, 'BEGIN:VCARD\nVERSION:3.0\nFN:Deniz Kaya\nTEL;type=CELL;waid=905551234567:+905551234567\nEND:VCARD', { ...quiet, parseVCards: true })],
        ['poll_creation', () => client.sendMessage(ALICE, new library.Poll('Lunch?', ['Yes', 'No'], { allowMultipleAnswers: false, messageSecret: undefined }), quiet)],
      ];
      const answered: WAWebJS.Message[] = [];
      for (const [type, send] of sends) {
        const sent = await send();
        assert.ok(sent, `${type}: sendMessage answered the message`);
        assert.is(sent.type, type);
        assert.is(sent.id._serialized, `true_${ALICE}_${sent.id.id}`);
        answered.push(sent);
      }
      const outbox = await phone.outbox();
      assert.equal(outbox.map((o) => o.type), sends.map(([type]) => type));
      const byType = Object.fromEntries(outbox.map((o) => [o.type, o]));
      assert.is(byType.image!.caption, 'an image');
      assert.equal(await phone.cdn(byType.image!.directPath!), { mimetype: 'image/png', data: png.toString('base64') }, 'the image bytes reached the CDN as sent');
      assert.is(byType.document!.filename, 'report.pdf');
      assert.is(byType.ptt!.mimetype, 'audio/ogg; codecs=opus');
      const sticker = await phone.cdn(byType.sticker!.directPath!);
      assert.is(Buffer.from(sticker!.data, 'base64').subarray(8, 12).toString('ascii'), 'WEBP', 'the sticker was drawn as WebP');
      assert.equal([byType.location!.lat, byType.location!.lng, byType.location!.loc], [41.0082, 28.9784, 'Sultanahmet\nIstanbul']);
      assert.is(byType.vcard!.vcardFormattedName, 'Deniz Kaya');
      assert.equal([byType.poll_creation!.pollName, byType.poll_creation!.pollOptions?.map((o) => o.name), byType.poll_creation!.pollSelectableOptionsCount], ['Lunch?', ['Yes', 'No'], 1]);

      // The voice note is delivered, listened to: message_ack follows each step.
      const voice = answered.find((m) => m.type === 'ptt')!;
      await events.waitFor('message_ack', (m: WAWebJS.Message, ack: number) => m.id.id === voice.id.id && ack === 1);
      for (const level of [2, 3, 4] as const) {
        await phone.ack(voice.id.id, level);
        await events.waitFor('message_ack', (m: WAWebJS.Message, ack: number) => m.id.id === voice.id.id && ack === level);
      }
      assert.equal(events.all('message_ack', (m: WAWebJS.Message) => m.id.id === voice.id.id).map(([, ack]) => ack), [1, 2, 3, 4]);

      // Only optional hooks (injectToFunction skips them when absent) are asked for and missing:
      // a library upgrade that needs a new module shows up here first.
      assert.equal(await phone.missingModules(), OPTIONAL_MODULES);
    }),
  );

  patched(`${shape}, patched: react() reaches WhatsApp; delete(true) revokes within the window and only deletes for me outside it`, () =>
    withClient(linked(shape, 'patched'), async ({ client, phone, events }) => {
      const incoming = await phone.receive({ from: 'alice', body: 'react to me' });
      const [msg] = (await events.waitFor('message', (m: WAWebJS.Message) => m.id.id === incoming.id)) as [WAWebJS.Message];
      await msg.react('🎉');
      assert.equal((await phone.reactions()).map((r) => [r.key, r.reaction]), [[incoming.key, '🎉']]);

      const fresh = await client.sendMessage(ALICE, 'take this back', quiet);
      await fresh!.delete(true);
      await events.waitFor('message_revoke_everyone', (m: WAWebJS.Message) => m.id.id === fresh!.id.id);
      assert.equal((await phone.revoked()).map((r) => r.id), [fresh!.id.id]);

      const old = await client.sendMessage(ALICE, 'too late to take back', quiet);
      await phone.age(old!.id.id, 3 * 24 * 3600);
      await old!.delete(true);
      assert.equal((await phone.revoked()).map((r) => r.id), [fresh!.id.id], 'no revoke outside the window');
      assert.equal((await phone.deletedForMe()).map((r) => r.id), [old!.id.id], 'the library deleted it for me instead, and said nothing');
      assert.is(await phone.message(old!.id._serialized), null);
    }),
  );

  patched(`${shape}, patched: chats are listed, a phone id finds its LID chat, and sendSeen, archive, unarchive and delete reach WhatsApp`, () =>
    withClient(linked(shape, 'patched'), async ({ client, phone, events }) => {
      const chats = await client.getChats();
      assert.equal(chats.map((c) => c.id._serialized).sort(), [TEAM, ALICE, BOB_LID].sort());
      const team = chats.find((c) => c.isGroup) as WAWebJS.GroupChat;
      assert.is(team.name, 'Imitation Team');
      assert.is(chats.find((c) => c.id._serialized === ALICE)!.lastMessage?.body, 'Hello from the history');

      const bob = await client.getChatById(BOB);
      assert.is(bob.id._serialized, BOB_LID, 'a LID-migrated number is reached through its LID chat');

      const incoming = await phone.receive({ from: 'bob', body: 'unread' });
      await events.waitFor('message', (m: WAWebJS.Message) => m.id.id === incoming.id);
      assert.is((await phone.chat(BOB_LID))!.unreadCount, 1);
      assert.is(await client.sendSeen(BOB), true);
      assert.is((await phone.chat(BOB_LID))!.unreadCount, 0);
      assert.equal(await phone.seen(), [{ chat: BOB_LID, unread: 1 }]);

      await (await client.getChatById(ALICE)).archive();
      assert.is((await phone.chat(ALICE))!.archive, true);
      assert.is((await client.getChatById(ALICE)).archived, true);
      await (await client.getChatById(ALICE)).unarchive();
      assert.is((await phone.chat(ALICE))!.archive, false);

      await client.sendMessage(DAN, 'a chat to delete', quiet);
      assert.is((await phone.chat(DAN))!.messages, 1);
      assert.is(await (await client.getChatById(DAN)).delete(), true);
      assert.equal(await phone.deletedChats(), [DAN]);
      await events.waitFor('chat_removed');
      // The library's own chat_removed handler looks the chat up again with getChatById, whose
      // findOrCreateLatestChat makes an empty one (review D11): the chat is back, with nothing in it.
      const after = (await client.getChats()).find((c) => c.id._serialized === DAN);
      assert.ok(!after || (after.timestamp === 0 && !after.lastMessage));
      assert.is((await phone.chat(DAN))?.messages ?? 0, 0);
    }),
  );

  patched(`${shape}, patched: contacts, the group's participants, getNumberId, profile pictures, LID-to-phone answers, and blocking by LID`, () =>
    withClient(linked(shape, 'patched'), async ({ client, phone }) => {
      const contacts = await client.getContacts();
      const ids = contacts.map((c) => c.id._serialized);
      assert.ok(ids.includes(ALICE) && ids.includes(BOB), 'people by phone (a LID contact with a known phone is listed by phone)');
      assert.ok(ids.includes('200000000000005@lid'), 'a LID whose phone WhatsApp never told stays a LID');
      assert.ok(contacts.find((c) => c.id._serialized === '905550000001@c.us')!.isMe);
      assert.is(contacts.find((c) => c.id._serialized === ALICE)!.name, 'Alice Ak');

      const team = (await client.getChatById(TEAM)) as WAWebJS.GroupChat;
      assert.ok(team.isGroup);
      assert.is(team.description, 'Where the imitation talks');
      assert.is(team.owner._serialized, '100905550000001@lid');
      const participants = Object.fromEntries(team.participants.map((p) => [p.id._serialized, [p.isAdmin, p.isSuperAdmin]]));
      assert.equal(participants, {
        '905550000001@c.us': [true, true],
        [ALICE]: [false, false],
        [BOB]: [true, false],
        '200000000000005@lid': [false, false],
      });

      const before = (await phone.stats()).queries.exists;
      assert.is((await client.getNumberId(DAN))?._serialized, DAN);
      assert.is((await client.getNumberId(CAROL))?._serialized, CAROL_LID, 'a migrated number answers its LID');
      assert.is(await client.getNumberId(NOBODY), null);
      assert.is((await phone.stats()).queries.exists - before, 3, 'one server query per number');

      assert.match((await client.getProfilePicUrl(ALICE))!, /^https:\/\/pps\.whatsapp\.net\//);
      assert.is(await client.getProfilePicUrl(BOB), undefined, 'no picture (privacy) answers undefined');

      assert.equal(await client.getContactLidAndPhone([BOB_LID, '200000000000005@lid', ALICE]), [
        { lid: BOB_LID, pn: BOB },
        { lid: '200000000000005@lid' }, // no phone: `pn: undefined` does not survive CDP
        { lid: '200000000000001@lid', pn: ALICE },
      ]);

      // Blocking: by LID, and the blocklist shows it (D4).
      const bob = await client.getContactById(BOB);
      assert.is(await bob.block(), true);
      assert.equal(await phone.blocklist(), [BOB_LID]);
      assert.is((await client.getContactById(BOB)).isBlocked, true);
      assert.is(await bob.unblock(), true);
      assert.equal(await phone.blocklist(), []);
      assert.is(await (await client.getContactById(DAN)).block(), true, 'a number outside the contacts, by the LID the server told');
      assert.equal(await phone.blocklist(), ['200000000000004@lid']);
      assert.equal((await phone.blocks()).map((b) => [b.action, b.id]), [['block', BOB_LID], ['unblock', BOB_LID], ['block', '200000000000004@lid']]);
    }),
  );

  patched(`${shape}, patched: incoming media, LID and group messages arrive with their ids, and the image downloads`, () =>
    withClient(linked(shape, 'patched'), async ({ phone, events }) => {
      const png = pngImage(32);
      const image = await phone.receive({ from: 'bob', group: TEAM, media: { mimetype: 'image/png', data: png.toString('base64') }, caption: 'team photo' });
      const [msg] = (await events.waitFor('message', (m: WAWebJS.Message) => m.id.id === image.id)) as [WAWebJS.Message];
      assert.is(msg.from, TEAM);
      assert.is(msg.author, BOB_LID, 'a LID-addressed group names its members by LID');
      assert.is(msg.id._serialized, `false_${TEAM}_${image.id}_${BOB_LID}`);
      assert.ok(msg.hasMedia);
      assert.is(msg.body, 'team photo');
      const file = await msg.downloadMedia();
      assert.is(file.mimetype, 'image/png');
      assert.is(file.data, png.toString('base64'));

      const lid = await phone.receive({ from: 'carol', body: 'from a LID' });
      const [fromLid] = (await events.waitFor('message', (m: WAWebJS.Message) => m.id.id === lid.id)) as [WAWebJS.Message];
      assert.is(fromLid.from, CAROL_LID);
      assert.is(fromLid.to, '100905550000001@lid');
      assert.is(fromLid.id._serialized, `false_${CAROL_LID}_${lid.id}`);
      assert.is((fromLid.rawData as { notifyName?: string }).notifyName, 'Carol');
    }),
  );

}

patched.run();

// --- the connection's life: QR, reloads, restores, logout, terminal states, LIDs, backfill --------

const lifecycle = suite('the connection of whatsapp-web.js on the imitation');

lifecycle('patched: at UNPAIRED_IDLE the library refreshes the QR in the page, and a new qr event follows (D7)', () =>
  withClient(
    () => launchClient('2026-07', 'patched'),
    async ({ phone, events }) => {
      const [first] = await events.waitFor('qr');
      await phone.idle();
      const [second] = await events.waitFor('qr', () => true, 5000, 1);
      assert.is.not(second, first);
      assert.is((await phone.stats()).qrRefreshes, 1);
      assert.is(await phone.state(), 'UNPAIRED');
    },
  ),
);

lifecycle('pristine: the QR rotates with every Conn ref change, then stops at UNPAIRED_IDLE with no further event', () =>
  withClient(
    // A rotation every second: on a loaded machine a faster one can change the ref again before
    // the library has read the previous one, and the test would count the machine, not the library.
    () => launchClient('2026-06', 'pristine', { page: { qrRotateMs: 1000, qrRotations: 3 } }),
    async ({ phone, events }) => {
      const deadline = Date.now() + 15_000;
      while ((await phone.state()) !== 'UNPAIRED_IDLE' && Date.now() < deadline) await flush(50);
      assert.is(await phone.state(), 'UNPAIRED_IDLE');
      // The last rotation's event may still be on its way from the page on a loaded machine.
      await events.waitFor('qr', () => true, 5000, 2);
      await flush(300);
      const qrs = events.all('qr').map(([qr]) => String(qr).split(',')[0]);
      assert.is(qrs.length, 3, 'the first QR and two rotations');
      assert.is(new Set(qrs).size, 3);
    },
  ),
);

lifecycle('patched: WhatsApp Web reloads itself after linking; getState() fails while it boots, then the library re-injects and emits ready again', () =>
  withClient(linked('2026-07', 'patched'), async ({ client, phone, events }) => {
    await client.sendMessage(ALICE, 'before the reload', quiet);
    await phone.reload({ bootDelayMs: 2000 });
    let during: Error | null = null;
    for (const deadline = Date.now() + 1500; !during && Date.now() < deadline; await flush(50)) {
      during = await client.getState().then(() => null, (err: Error) => err);
    }
    assert.ok(during, 'getState() failed while WhatsApp Web was booting');
    // Which one depends on timing: the old document going away, or the new one still booting.
    assert.match(during.message, /window\.require is not a function|Execution context was destroyed|Cannot find context|detached/);
    await events.waitFor('ready', () => true, 15_000, 1);
    assert.is(events.count('authenticated'), 2);
    assert.is(await client.getState(), 'CONNECTED');
    const alice = await client.getChatById(ALICE);
    assert.is(alice.lastMessage?.body, 'Hello from the history', 'the store came back from the page\'s storage');
    const after = await client.sendMessage(ALICE, 'after the reload', quiet);
    assert.ok(after);
    assert.equal((await phone.outbox()).map((o) => o.body), ['after the reload'], 'the server log is per page load');
  }),
);

lifecycle('patched: a new client on the same session folder comes back linked, without a QR', async () => {
  const first = await linkedClient('2026-06', 'patched');
  const { sessionDir, instanceId } = first.params;
  try {
    await first.client.sendMessage(DAN, 'remember me', quiet);
    await flush(200);
  } finally {
    await closeClient(first, { keepSession: true });
  }
  await withClient(
    () => launchClient('2026-06', 'patched', { sessionDir, instanceId }),
    async ({ client, events }) => {
      await events.waitFor('ready');
      assert.is(events.count('qr'), 0);
      assert.is(client.info.wid._serialized, '905550000001@c.us');
      const dan = await client.getChatById(DAN);
      assert.is(dan.lastMessage, undefined, 'no message received from Dan');
      assert.is((await dan.fetchMessages({ limit: 5 })).map((m) => m.body).join(), 'remember me');
    },
  );
});

lifecycle('patched: LOGOUT from the phone ends in disconnected LOGOUT, then a new QR in the same browser that links again', () =>
  withClient(linked('2026-07', 'patched'), async ({ client, phone, events }) => {
    await phone.logout();
    await events.waitFor('disconnected', (reason: string) => reason === 'LOGOUT');
    await events.waitFor('qr', () => true, 10_000, 1);
    assert.is(await phone.me(), null);
    assert.is(await client.getState(), 'UNPAIRED');
    await phone.scan('905550000002', 'Second Phone');
    await events.waitFor('ready', () => true, 10_000, 1);
    assert.is(client.info.wid._serialized, '905550000002@c.us');
  }),
);

lifecycle('patched: client.logout() unlinks the account in the page and deletes the session folder', () =>
  withClient(linked('2026-06', 'patched'), async ({ client, params }) => {
    const profile = path.join(params.sessionDir, `session-${params.instanceId}`);
    assert.ok(existsSync(profile));
    await client.logout();
    assert.not.ok(client.pupBrowser?.isConnected(), 'the library closed the browser');
    assert.not.ok(existsSync(profile), 'LocalAuth removed the profile');
  }),
);

lifecycle('patched: CONFLICT, TOS_BLOCK, SMB_TOS_BLOCK, PROXYBLOCK and DEPRECATED_VERSION each end in disconnected with that state, and the library closes the browser', async () => {
  for (const state of ['CONFLICT', 'TOS_BLOCK', 'SMB_TOS_BLOCK', 'PROXYBLOCK', 'DEPRECATED_VERSION'] as const) {
    await withClient(linked('2026-06', 'patched'), async ({ client, phone, events }) => {
      await phone.disconnect(state);
      await events.waitFor('change_state', (s: string) => s === state);
      await events.waitFor('disconnected', (reason: string) => reason === state);
      const deadline = Date.now() + 5000;
      while (client.pupBrowser?.isConnected() && Date.now() < deadline) await flush(50);
      assert.not.ok(client.pupBrowser?.isConnected(), `${state}: the browser is closed`);
    });
  }
});

lifecycle('2026-07, patched: a send to a never-seen LID-migrated number throws No LID for user until getNumberId taught its LID (D3)', () =>
  withClient(linked('2026-07', 'patched'), async ({ client, phone }) => {
    const err = await rejection(client.sendMessage(CAROL, 'hello Carol', quiet));
    assert.is(said(err), 'Error: No LID for user');
    assert.equal(await phone.outbox(), []);
    assert.is((await client.getNumberId(CAROL))?._serialized, CAROL_LID);
    const sent = await client.sendMessage(CAROL, 'hello Carol', quiet);
    assert.ok(sent);
    assert.is(sent.to, CAROL_LID, 'the message goes to the LID chat');
    assert.is(sent.from, '100905550000001@lid', 'from our own LID');
    // A number that is not on WhatsApp has no LID either.
    assert.is(said(await rejection(client.sendMessage(NOBODY, 'anyone?', quiet))), 'Error: No LID for user');
  }),
);

lifecycle('patched: held messages reach the store without events; fetchMessages finds them and release() delivers them in order', () =>
  withClient(linked('2026-07', 'patched'), async ({ client, phone, events }) => {
    await phone.holdMessages();
    const one = await phone.receive({ from: 'alice', body: 'held one' });
    const two = await phone.receive({ from: 'alice', body: 'held two' });
    await flush(300);
    assert.is(events.count('message', (m: WAWebJS.Message) => m.id.id === one.id || m.id.id === two.id), 0);
    const history = await (await client.getChatById(ALICE)).fetchMessages({ limit: 10 });
    const bodies = history.map((m) => m.body);
    assert.equal(bodies.slice(-2), ['held one', 'held two']);
    assert.ok(bodies.includes('Older message 1'), 'older messages were paged in from storage');
    await phone.release();
    await events.waitFor('message', (m: WAWebJS.Message) => m.id.id === two.id);
    assert.equal(events.all('message').map(([m]) => (m as WAWebJS.Message).body), ['held one', 'held two']);
  }),
);

lifecycle('pristine: WhatsApp Web updating under a running session (2026-06 to 2026-07) turns the answered sends into undefined', () =>
  withClient(linked('2026-06', 'pristine'), async ({ client, phone, events }) => {
    assert.ok(await client.sendMessage(ALICE, 'on the June build', quiet));
    await phone.reload({ shape: '2026-07' });
    await events.waitFor('ready', () => true, 15_000, 1);
    assert.is(await phone.shape(), '2026-07');
    assert.is(await client.sendMessage(ALICE, 'on the July build', quiet), undefined);
    assert.equal((await phone.outbox()).map((o) => o.body), ['on the July build']);
  }),
);

lifecycle('the pristine copy is whatsapp-web.js 1.34.7 without a patch, and the installed one carries every patch of the manifest', async () => {
  const manifest = JSON.parse(readFileSync(new URL('../scripts/wwebjs-patches.json', import.meta.url), 'utf8')) as { version: string; pristineCopy: string; patches: { id: string; files: string[] }[] };
  for (const kind of ['patched', 'pristine'] as const) {
    const dir = kind === 'patched' ? 'node_modules/whatsapp-web.js' : manifest.pristineCopy;
    assert.is(JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8')).version, manifest.version);
    for (const patch of manifest.patches) {
      for (const file of patch.files) {
        const marked = readFileSync(path.join(root, dir, file), 'utf8').includes(`/* hatline-patch:${patch.id} */`);
        assert.is(marked, kind === 'patched', `${kind}: ${patch.id} in ${file}`);
      }
    }
  }
});

lifecycle.run();
