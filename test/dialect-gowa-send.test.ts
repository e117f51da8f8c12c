import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closesServers, linkedSandbox, testServer, TOKEN } from './support/app.js';
import { storedMessage } from './support/caps.js';
import { track } from './support/cleanup.js';
import { failure, gowa, PNG_BYTES, success } from './support/gowa-client.js';
import { fileServer } from './support/http-fixture.js';

// GoWA's /send/* (seed 002), each request built from the seed's example and checked against GoWA's
// document, between two linked sandbox instances: what is sent reaches the other side.

const A = '905321000061';
const B = '905321000062';
const JID_B = `${B}@s.whatsapp.net`;
const STATUS = (words: string, to = JID_B) => new RegExp(`^${words} ${to.replace('.', '\\.')} \\(server timestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\+0000 UTC\\)$`);

async function twoDevices() {
  const s = await testServer();
  await linkedSandbox(s, 'a', A, 'Ayşe');
  await linkedSandbox(s, 'b', B, 'Burak');
  return { s, g: gowa(s, undefined, 'a') };
}

/** `{ message_id, status }` with the status as the message too; answers the id. */
function sentId(answer: Awaited<ReturnType<ReturnType<typeof gowa>>>, words: string): string {
  const results = success(answer, STATUS(words));
  assert.equal(Object.keys(results).sort(), ['message_id', 'status']);
  assert.is(results.status, answer.body.message);
  return results.message_id;
}

const t = suite('GoWA dialect: /send');
closesServers(t);

t('/send/message: the seed example reaches the other side; a reply with mentions, as JSON or as a urlencoded form', async () => {
  const { s, g } = await twoDevices();
  const id = sentId(await g('POST', '/send/message', { phone: JID_B, message: 'Merhaba, bu bir test mesajıdır.' }), 'Message sent to');
  const got = await storedMessage(s, 'b', id);
  assert.equal([got.type, got.body, got.from], ['chat', 'Merhaba, bu bir test mesajıdır.', `${A}@s.whatsapp.net`]);

  const reply = await g('POST', '/send/message', { phone: B, message: `@${B} evet`, reply_message_id: id, mentions: [B], is_forwarded: false, duration: 0 });
  const replied = await storedMessage(s, 'b', sentId(reply, 'Message sent to'));
  assert.equal([replied.quotedMessageId, replied.mentions], [id, [JID_B]]);

  const form = await g('POST', '/send/message', { phone: `+${B}`, message: 'form ile' }, { as: 'urlencoded' });
  assert.is((await storedMessage(s, 'b', sentId(form, 'Message sent to'))).body, 'form ile');
});

t('is_forwarded and duration are accepted and not applied: no engine can mark a new message forwarded or time one message', async () => {
  const { s, g } = await twoDevices();
  const id = sentId(await g('POST', '/send/message', { phone: B, message: 'iletilmiş gibi', is_forwarded: true, duration: 604800 }), 'Message sent to');
  const got = await storedMessage(s, 'b', id);
  assert.equal([got.body, got.forwarded], ['iletilmiş gibi', undefined]);
  // What can arrive marked forwarded: a forward of a stored message.
  const forwarded = success(await g('POST', `/message/${id}/forward`, { phone: B })).message_id;
  assert.is((await storedMessage(s, 'b', forwarded)).forwarded, true);
});

t('/send/image, /send/audio, /send/file, /send/video: files in multipart fields (the seed examples) and URLs arrive as what they are', async () => {
  const { s, g } = await twoDevices();
  const image = await g('POST', '/send/image', { phone: JID_B, caption: 'Resim altı yazısı', image: new File([PNG_BYTES], 'image.jpg', { type: 'image/png' }), view_once: true }, { as: 'multipart' });
  const gotImage = await storedMessage(s, 'b', sentId(image, 'Message sent to'));
  assert.equal([gotImage.type, gotImage.body, gotImage.media.mimetype, gotImage.viewOnce], ['image', 'Resim altı yazısı', 'image/png', true]);

  const audio = await g('POST', '/send/audio', { phone: JID_B, audio: new File([Buffer.from('OggS fake opus')], 'audio.ogg', { type: 'audio/ogg' }) }, { as: 'multipart' });
  assert.is((await storedMessage(s, 'b', sentId(audio, 'Send audio success'))).type, 'audio');
  const voice = await g('POST', '/send/audio', { phone: JID_B, audio: new File([Buffer.from('OggS fake opus')], 'voice.ogg', { type: 'audio/ogg' }), ptt: true }, { as: 'multipart' });
  assert.is((await storedMessage(s, 'b', sentId(voice, 'Send audio success'))).type, 'ptt', 'ptt: a voice note');

  const pdf = Buffer.from('%PDF-1.4 rapor');
  const doc = await g('POST', '/send/file', { phone: JID_B, caption: 'Dosya açıklaması', file: new File([pdf], 'document.pdf', { type: 'application/pdf' }) }, { as: 'multipart' });
  const gotDoc = await storedMessage(s, 'b', sentId(doc, 'Document sent to'));
  assert.equal([gotDoc.type, gotDoc.media.filename, gotDoc.media.mimetype, gotDoc.body], ['document', 'document.pdf', 'application/pdf', 'Dosya açıklaması']);

  const video = await g('POST', '/send/video', { phone: JID_B, caption: 'Video açıklaması', video: new File([Buffer.from('....ftypmp42')], 'video.mp4', { type: 'video/mp4' }) }, { as: 'multipart' });
  const gotVideo = await storedMessage(s, 'b', sentId(video, 'Video sent to'));
  assert.equal([gotVideo.type, gotVideo.body], ['video', 'Video açıklaması']);

  // By URL (image_url, file_url).
  const files = await fileServer({ '/photo.png': ['image/png', PNG_BYTES], '/rapor.pdf': ['application/pdf', pdf] });
  track(() => files.close());
  const byUrl = await g('POST', '/send/image', { phone: JID_B, image_url: `${files.url}/photo.png`, caption: 'link' }, { as: 'multipart' });
  assert.is((await storedMessage(s, 'b', sentId(byUrl, 'Message sent to'))).media.mimetype, 'image/png');
  const docUrl = await g('POST', '/send/file', { phone: JID_B, file_url: `${files.url}/rapor.pdf` }, { as: 'multipart' });
  assert.is((await storedMessage(s, 'b', sentId(docUrl, 'Document sent to'))).media.filename, 'rapor.pdf');
});

t('/send/sticker: an image in the form field or behind sticker_url arrives as a sticker; other files, both or neither are a VALIDATION_ERROR', async () => {
  const { s, g } = await twoDevices();
  const fromFile = await g('POST', '/send/sticker', { phone: JID_B, sticker: new File([PNG_BYTES], 'sticker.png', { type: 'image/png' }) }, { as: 'multipart' });
  const got = await storedMessage(s, 'b', sentId(fromFile, 'Sticker sent to'));
  assert.equal([got.type, got.media.mimetype, got.from], ['sticker', 'image/png', `${A}@s.whatsapp.net`]);

  const webp = Buffer.from('RIFF\x1a\x00\x00\x00WEBPVP8L', 'latin1');
  const files = await fileServer({ '/smile.webp': ['image/webp', webp], '/rapor.pdf': ['application/pdf', Buffer.from('%PDF-1.4')] });
  track(() => files.close());
  const byUrl = await g('POST', '/send/sticker', { phone: B, sticker_url: `${files.url}/smile.webp`, is_forwarded: false, duration: 86400 }, { as: 'multipart' });
  assert.equal((await storedMessage(s, 'b', sentId(byUrl, 'Sticker sent to'))).type, 'sticker');

  const before = (await s.json('GET', '/api/instance/a/messages')).body.total;
  failure(await g('POST', '/send/sticker', { phone: B }, { as: 'multipart' }), 400, 'VALIDATION_ERROR', /either sticker \(a file\) or sticker_url/);
  const pdf = new File([Buffer.from('%PDF-1.4')], 'x.pdf', { type: 'application/pdf' });
  failure(await g('POST', '/send/sticker', { phone: B, sticker: pdf }, { as: 'multipart' }), 400, 'VALIDATION_ERROR', /^sticker: application\/pdf is not allowed; use jpg\/jpeg\/png\/webp\/gif/);
  const both = { phone: B, sticker: new File([PNG_BYTES], 's.png', { type: 'image/png' }), sticker_url: `${files.url}/smile.webp` };
  failure(await g('POST', '/send/sticker', both, { as: 'multipart' }), 400, 'VALIDATION_ERROR', /not both/);
  failure(await g('POST', '/send/sticker', { phone: B, sticker_url: `${files.url}/rapor.pdf` }, { as: 'multipart' }), 400, 'VALIDATION_ERROR', /^sticker_url: expected an image, got application\/pdf/);
  failure(await g('POST', '/send/sticker', { sticker: pdf }, { as: 'multipart', unchecked: true }), 400, 'VALIDATION_ERROR', /^phone: cannot be blank/);
  assert.is((await s.json('GET', '/api/instance/a/messages')).body.total, before, 'nothing more was sent');
});

t('/send/contact, /send/link, /send/location, /send/poll: the seed examples arrive as a contact card, a link, a place and a poll', async () => {
  const { s, g } = await twoDevices();
  const contact = await g('POST', '/send/contact', { phone: JID_B, contact_name: 'Ahmet Yılmaz', contact_phone: '905321000099' });
  const card = await storedMessage(s, 'b', sentId(contact, 'Contact sent to'));
  assert.is(card.type, 'vcard');
  assert.match(card.vcard, /FN:Ahmet Yılmaz/);
  assert.match(card.vcard, /waid=905321000099:\+905321000099/);

  const link = await g('POST', '/send/link', { phone: JID_B, link: 'https://www.google.com', caption: "Google'a bir göz atın!" });
  const text = await storedMessage(s, 'b', sentId(link, 'Link sent to'));
  assert.equal([text.type, text.body], ['chat', "Google'a bir göz atın!\nhttps://www.google.com"]);

  const place = await g('POST', '/send/location', { phone: JID_B, latitude: '41.0082', longitude: '28.9784' });
  assert.equal((await storedMessage(s, 'b', sentId(place, 'Send location success'))).location, { lat: 41.0082, lng: 28.9784 });
  const numbers = await g('POST', '/send/location', { phone: JID_B, latitude: -7.797068, longitude: 110.370529 }, { unchecked: true });
  assert.equal((await storedMessage(s, 'b', sentId(numbers, 'Send location success'))).location, { lat: -7.797068, lng: 110.370529 }, 'numbers too (GoWA takes strings only)');

  const poll = await g('POST', '/send/poll', { phone: JID_B, question: 'En sevdiğiniz renk hangisi?', options: ['Mavi', 'Yeşil', 'Kırmızı'], max_answer: 1 });
  const got = await storedMessage(s, 'b', sentId(poll, 'Send poll success'));
  assert.equal([got.type, got.poll], ['poll_creation', { name: 'En sevdiğiniz renk hangisi?', values: ['Mavi', 'Yeşil', 'Kırmızı'], selectableCount: 1 }]);
  const several = await g('POST', '/send/poll', { phone: JID_B, question: 'Hangi günler?', options: ['Pzt', 'Sal', 'Çar'], max_answer: 2 });
  assert.is((await storedMessage(s, 'b', sentId(several, 'Send poll success'))).poll.selectableCount, 0, 'more than one answer: any number');
});

t('/send/presence and /send/chat-presence answer as GoWA does', async () => {
  const { g } = await twoDevices();
  assert.equal(success(await g('POST', '/send/presence', { type: 'available' }), 'Send presence success available'), { message_id: 'presence', status: 'Send presence success available' });
  const typing = success(await g('POST', '/send/chat-presence', { phone: B, action: 'start' }), `Send chat presence start typing success ${JID_B}`);
  assert.is(typing.message_id, 'chat-presence-start');
  assert.is(success(await g('POST', '/send/chat-presence', { phone: B, action: 'stop' })).message_id, 'chat-presence-stop');
});

t('bad input is a VALIDATION_ERROR naming the field, in GoWA\'s envelope, and nothing is sent', async () => {
  const { s, g } = await twoDevices();
  failure(await g('POST', '/send/message', { message: 'x' }, { unchecked: true }), 400, 'VALIDATION_ERROR', /^phone: cannot be blank/);
  failure(await g('POST', '/send/message', { phone: B, message: '' }), 400, 'VALIDATION_ERROR', /^message: cannot be blank/);
  failure(await g('POST', '/send/message', { phone: '05321000062', message: 'x' }), 400, 'VALIDATION_ERROR', /should not start with 0/);
  failure(await g('POST', '/send/message', { phone: B, message: 'x', duration: 5 }), 400, 'VALIDATION_ERROR', /^duration: must be one of 0, 86400/);
  failure(await g('POST', '/send/message', { phone: B, message: 'x', reply_message_id: 'NOPE' }), 404, 'NOT_FOUND');
  failure(await g('POST', '/send/location', { phone: B, latitude: 'north', longitude: '28.9' }), 400, 'VALIDATION_ERROR', /^latitude: must be a valid latitude/);
  failure(await g('POST', '/send/location', { phone: B, latitude: '91', longitude: '28.9' }), 400, 'VALIDATION_ERROR', /^latitude/);
  failure(await g('POST', '/send/poll', { phone: B, question: 'q', options: ['a', 'b'], max_answer: 3 }), 400, 'VALIDATION_ERROR', /^max_answer/);
  failure(await g('POST', '/send/poll', { phone: B, question: 'q', options: ['a', 'a'], max_answer: 1 }), 400, 'VALIDATION_ERROR', /^options: options must be unique/);
  failure(await g('POST', '/send/presence', { type: 'busy' }), 400, 'VALIDATION_ERROR', /^type/);
  failure(await g('POST', '/send/image', { phone: B, caption: 'x' }, { as: 'multipart' }), 400, 'VALIDATION_ERROR', /either image \(a file\) or image_url/);
  const pdfAsImage = await g('POST', '/send/image', { phone: B, image: new File([Buffer.from('%PDF-1.4')], 'x.pdf', { type: 'application/pdf' }) }, { as: 'multipart' });
  failure(pdfAsImage, 400, 'VALIDATION_ERROR', /^image: expected an image, got application\/pdf/);
  failure(await g('POST', '/send/link', { phone: B, link: 'not a link', caption: 'x' }), 400, 'VALIDATION_ERROR', /^link/);
  failure(await g('POST', '/send/message', { phone: B, message: 'x' }, { headers: { 'content-type': 'text/plain' }, unchecked: true }), 400, 'VALIDATION_ERROR');
  assert.is((await s.json('GET', '/api/instance/a/messages')).body.total, 0, 'nothing was sent or stored');
  // The same send, well formed, goes.
  success(await g('POST', '/send/message', { phone: B, message: 'x' }));
});

t('a device that is not logged in answers 409 AUTHENTICATION_ERROR (GoWA says 401, the status of a wrong password)', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'a', engine: 'sandbox' });
  failure(await gowa(s)('POST', '/send/message', { phone: B, message: 'x' }), 409, 'AUTHENTICATION_ERROR', /not connected/);
});

t('a multipart body larger than a 64 MB file and its fields is refused with 413 before it is read', async () => {
  const { s, g } = await twoDevices();
  const form = { phone: B, image: new File([PNG_BYTES], 'big.png', { type: 'image/png' }) };
  // What a client announces for a 70 MB upload: refused on the header alone, nothing read or sent.
  failure(await g('POST', '/send/image', form, { as: 'multipart', headers: { 'content-length': String(70 * 1024 * 1024) } }), 413, 'PAYLOAD_TOO_LARGE', /64 MB/);
  assert.is((await s.json('GET', '/api/instance/a/messages')).body.total, 0);
  success(await g('POST', '/send/image', form, { as: 'multipart' }), /^Message sent to/);
});

t('large forms share the large-body gate with JSON: past its slots a form answers 503 SERVICE_UNAVAILABLE with Retry-After, in the envelope', async () => {
  const s = await testServer({ env: { LARGE_BODY_THRESHOLD_MB: '1', LARGE_BODY_CONCURRENCY: '1' } });
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  /** A multipart send of a 1.5 MB image, as bytes with its Content-Type. */
  const formBytes = async (name: string) => {
    const form = new FormData();
    form.append('phone', B);
    form.append('image', new File([Buffer.concat([PNG_BYTES, Buffer.alloc(1.5 * 1024 * 1024)])], `${name}.png`, { type: 'image/png' }));
    const res = new Response(form);
    return { bytes: new Uint8Array(await res.arrayBuffer()), type: res.headers.get('content-type')! };
  };
  /** A POST of the form; without a length, it streams (chunked) and is counted as it comes. */
  const post = (body: BodyInit, type: string, length: number | null) =>
    s.hatline.app.request('/gowa/send/image', {
      method: 'POST',
      body,
      headers: { authorization: `Bearer ${TOKEN}`, 'x-device-id': 'a', 'content-type': type, ...(length === null ? {} : { 'content-length': String(length) }) },
      ...({ duplex: 'half' } as object),
    });
  const streamOf = (bytes: Uint8Array) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
  // The first holds the one slot: half of its body arrived, the rest comes later.
  const held = await formBytes('held');
  let finish = () => undefined as void;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(held.bytes.subarray(0, 1024 * 1024));
      finish = () => {
        controller.enqueue(held.bytes.subarray(1024 * 1024));
        controller.close();
      };
    },
  });
  const first = post(stream, held.type, held.bytes.length);
  const second = await formBytes('second');
  const refused = await post(second.bytes, second.type, second.bytes.length);
  assert.is(refused.status, 503, await refused.clone().text());
  assert.is(refused.headers.get('retry-after'), '10');
  const body = (await refused.json()) as any;
  assert.equal([body.code, Object.keys(body).sort()], ['SERVICE_UNAVAILABLE', ['code', 'message']]);
  const streamed = await post(streamOf(second.bytes), second.type, null);
  assert.is(streamed.status, 503, 'one without a length too, once it streamed past the threshold');
  finish();
  const done = await first;
  assert.is(done.status, 200, await done.clone().text());
  const again = await post(second.bytes, second.type, second.bytes.length);
  assert.is(again.status, 200, 'the slot is free again');
  assert.is((await post(streamOf(second.bytes), second.type, null)).status, 200, 'and a streamed one is read whole and sent');
});

t.run();
