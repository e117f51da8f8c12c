import { rmSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closesServers, eventually, linkedSandbox, testServer } from './support/app.js';
import { sendAndDeliver, storedMessage } from './support/caps.js';
import { failure, gowa, PNG_BYTES, success } from './support/gowa-client.js';

// GoWA's /message/{message_id}/* (seed 002) between three linked sandbox instances: what one does
// to a message is seen on the other side. `phone` is the chat the message is in.

const A = '905321000071';
const B = '905321000072';
const C = '905321000073';
const JID_B = `${B}@s.whatsapp.net`;
const STAMP = '\\(server timestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\+0000 UTC\\)';

async function devices() {
  const s = await testServer();
  await linkedSandbox(s, 'a', A, 'Ayşe');
  await linkedSandbox(s, 'b', B, 'Burak');
  await linkedSandbox(s, 'c', C, 'Cem');
  return { s, g: gowa(s, undefined, 'a') };
}

/** The message, as the history of `instance` shows it now (undefined once it left the history). */
async function current(s: Awaited<ReturnType<typeof testServer>>, instance: string, id: string) {
  return ((await s.json('GET', `/api/instance/${instance}/messages?limit=1000`)).body.items as any[]).find((m) => m.id === id);
}

const t = suite('GoWA dialect: /message');
closesServers(t);

t('reaction, update and revoke (the seed examples) reach the other side; the answers carry the status as GoWA words it', async () => {
  const { s, g } = await devices();
  const id = await sendAndDeliver(s, 'a', 'b', B, 'ilk mesaj');

  const reacted = success(await g('POST', `/message/${id}/reaction`, { phone: JID_B, emoji: '👍' }), new RegExp(`^Reaction sent to ${JID_B} ${STAMP}$`));
  assert.equal(Object.keys(reacted).sort(), ['message_id', 'status']);
  assert.is(reacted.message_id, id);
  await eventually('B sees the reaction', async () => (await current(s, 'b', id))?.reactions?.[0]?.emoji === '👍');
  success(await g('POST', `/message/${id}/reaction`, { phone: JID_B, emoji: '' }));
  await eventually('the reaction is gone at B', async () => !(await current(s, 'b', id))?.reactions);

  const updated = success(await g('POST', `/message/${id}/update`, { phone: JID_B, message: 'Düzenlenmiş mesaj içeriği.' }), new RegExp(`^Update message success ${JID_B} ${STAMP}$`));
  assert.is(updated.message_id, id);
  await eventually('B sees the new text', async () => (await current(s, 'b', id))?.body === 'Düzenlenmiş mesaj içeriği.');

  const revoked = success(await g('POST', `/message/${id}/revoke`, { phone: JID_B }), new RegExp(`^Revoke success ${JID_B} ${STAMP}$`));
  assert.is(revoked.message_id, id);
  await eventually('B sees it deleted for everyone', async () => (await current(s, 'b', id))?.type === 'revoked');
});

t('read sends the read receipt; star and unstar answer without results; delete removes it for this account only', async () => {
  const { s, g } = await devices();
  const incoming = await sendAndDeliver(s, 'b', 'a', A, 'okudun mu?');
  assert.equal(success(await g('POST', `/message/${incoming}/read`, { phone: B }), `Mark as read success ${incoming}`), { message_id: incoming, status: `Mark as read success ${incoming}` });
  await eventually('B sees it read', async () => (await current(s, 'b', incoming))?.status === 'read');

  const star = await g('POST', `/message/${incoming}/star`, { phone: B });
  assert.equal(star.body, { code: 'SUCCESS', message: 'Starred message successfully' });
  assert.is((await current(s, 'a', incoming)).starred, true);
  assert.equal((await g('POST', `/message/${incoming}/unstar`, { phone: B })).body, { code: 'SUCCESS', message: 'Unstarred message successfully' });
  assert.not.ok((await current(s, 'a', incoming)).starred);

  assert.equal((await g('POST', `/message/${incoming}/delete`, { phone: B })).body, { code: 'SUCCESS', message: 'Message deleted successfully' });
  assert.is(await current(s, 'a', incoming), undefined, 'gone from this account');
  assert.ok(await current(s, 'b', incoming), 'still at the other side');
});

t('forward sends a copy to another chat, marked forwarded, with its new id', async () => {
  const { s, g } = await devices();
  const id = await sendAndDeliver(s, 'b', 'a', A, 'ilet bunu');
  const forwarded = success(await g('POST', `/message/${id}/forward`, { phone: C }), new RegExp(`^Message forwarded to ${C}@s\\.whatsapp\\.net ${STAMP}$`));
  assert.is.not(forwarded.message_id, id);
  const atC = await storedMessage(s, 'c', forwarded.message_id);
  assert.equal([atC.body, atC.forwarded], ['ilet bunu', true]);
});

t('download answers where the media of a received or sent message is, and its URL serves the bytes', async () => {
  const { s, g } = await devices();
  const fromB = await gowa(s, undefined, 'b')('POST', '/send/image', { phone: A, caption: 'fotoğraf', image: new File([PNG_BYTES], 'kedi.png', { type: 'image/png' }) }, { as: 'multipart' });
  const received = success(fromB).message_id as string;
  await storedMessage(s, 'a', received);

  const got = success(await g('GET', `/message/${received}/download?phone=${B}`), /^Media downloaded successfully to media\/a\//);
  assert.equal(Object.keys(got), ['message_id', 'status', 'media_type', 'filename', 'file_path', 'file_url', 'file_size']);
  assert.equal([got.message_id, got.media_type, got.filename, got.file_size], [received, 'image', 'kedi.png', PNG_BYTES.length]);
  assert.is(got.status, `Media downloaded successfully to ${got.file_path}`);
  assert.is(got.file_url, `http://hatline.test/${got.file_path}`);
  const file = await s.hatline.app.request(new URL(got.file_url).pathname);
  assert.is(file.status, 200);
  assert.equal(Buffer.from(await file.arrayBuffer()), PNG_BYTES);

  // What this account sent has its media too; a voice note is GoWA's audio.
  const voice = success(await g('POST', '/send/audio', { phone: B, ptt: true, audio: new File([Buffer.from('OggS ses')], 'ses.ogg', { type: 'audio/ogg' }) }, { as: 'multipart' })).message_id;
  const sent = success(await g('GET', `/message/${voice}/download?phone=${JID_B}`));
  assert.equal([sent.media_type, sent.file_size], ['audio', 8]);
});

t('download errors: a text has no media, a message of another chat or none at all is NOT_FOUND, phone is required, a file gone from disk is NOT_FOUND', async () => {
  const { s, g } = await devices();
  const text = await sendAndDeliver(s, 'b', 'a', A, 'sadece yazı');
  failure(await g('GET', `/message/${text}/download?phone=${B}`), 404, 'NOT_FOUND', new RegExp(`^message ${text} does not contain downloadable media$`));
  const image = success(await gowa(s, undefined, 'b')('POST', '/send/image', { phone: A, image: new File([PNG_BYTES], 'x.png', { type: 'image/png' }) }, { as: 'multipart' })).message_id;
  await storedMessage(s, 'a', image);
  failure(await g('GET', `/message/${image}/download?phone=${C}`), 404, 'NOT_FOUND', /^message_id: no message .* in chat 905321000073@s\.whatsapp\.net/);
  failure(await g('GET', `/message/NOPE/download?phone=${B}`), 404, 'NOT_FOUND', /NOPE/);
  failure(await g('GET', `/message/${image}/download`, undefined, { unchecked: true }), 400, 'VALIDATION_ERROR', /^phone: cannot be blank/);
  const found = success(await g('GET', `/message/${image}/download?phone=${B}`));
  rmSync(path.join(s.config.mediaDir, found.file_path.replace(/^media\//, '')));
  failure(await g('GET', `/message/${image}/download?phone=${B}`), 404, 'NOT_FOUND', /no longer on disk/);
});

t("errors: an unknown message is NOT_FOUND, someone else's message cannot be revoked or edited (CONFLICT), a missing phone is VALIDATION_ERROR", async () => {
  const { s, g } = await devices();
  failure(await g('POST', '/message/NOPE/reaction', { phone: B, emoji: '👍' }), 404, 'NOT_FOUND', /NOPE/);
  const theirs = await sendAndDeliver(s, 'b', 'a', A, 'benim mesajım');
  failure(await g('POST', `/message/${theirs}/revoke`, { phone: B }), 409, 'CONFLICT', /not sent by this account/);
  failure(await g('POST', `/message/${theirs}/update`, { phone: B, message: 'x' }), 409, 'CONFLICT');
  failure(await g('POST', `/message/${theirs}/update`, { phone: B }, { unchecked: true }), 400, 'VALIDATION_ERROR', /^message: cannot be blank/);
  failure(await g('POST', `/message/${theirs}/star`, {}, { unchecked: true }), 400, 'VALIDATION_ERROR', /^phone: cannot be blank/);
  failure(await g('POST', `/message/${theirs}/reaction`, { phone: C, emoji: '👍' }), 404, 'NOT_FOUND', /in chat/);
  assert.equal((await current(s, 'b', theirs)).reactions, undefined, 'nothing reached the other side');
  success(await g('POST', `/message/${theirs}/reaction`, { phone: B, emoji: '👍' }), /^Reaction sent to/);
});

t.run();
