import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closesServers, eventually, testServer } from './support/app.js';
import { delivered, deliveredAll, jid, linkedWithHook, sendAndDeliver, storedMessage } from './support/caps.js';

const A = '905321000041';
const B = '905321000042';
const C = '905321000043';
const PNG = `data:image/png;base64,${Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex').toString('base64')}`;

const sends = suite('sends: replies, mentions, view once, links');
closesServers(sends);

sends('a reply with mentions reaches the other side quoting the message, and both stores show it', async () => {
  const s = await testServer();
  const a = await linkedWithHook(s, 'a', A);
  const b = await linkedWithHook(s, 'b', B);
  const first = await sendAndDeliver(s, 'a', 'b', B, 'toplantı saat kaçta?');
  const reply = await s.json('POST', '/api/instance/b/messages/chat', { to: A, body: `@${A} saat 10'da`, quotedMessageId: first, mentions: [`+${A}`] });
  assert.is(reply.status, 200, JSON.stringify(reply.body));
  const received = await delivered(a.receiver, 'message_received', (d) => d.id === reply.body.id);
  assert.is(received.quotedMessageId, first);
  assert.equal(received.mentions, [jid(A)]);
  const atA = await storedMessage(s, 'a', reply.body.id);
  assert.equal([atA.quotedMessageId, atA.mentions], [first, [jid(A)]]);
  const atB = await storedMessage(s, 'b', reply.body.id);
  assert.equal([atB.quotedMessageId, atB.mentions], [first, [jid(A)]], 'the sender keeps them too');
  assert.not.ok(deliveredAll(b.receiver, 'message_received').some((d) => d.id === reply.body.id), 'a send is not message_received of its sender');
});

sends('a view-once image arrives marked view once; a link is sent as text with its preview', async () => {
  const s = await testServer();
  const a = await linkedWithHook(s, 'a', A);
  await linkedWithHook(s, 'b', B);
  const image = await s.json('POST', '/api/instance/b/messages/image', { to: A, image: PNG, caption: 'bir kez', viewOnce: true });
  assert.is(image.status, 200, JSON.stringify(image.body));
  const got = await delivered(a.receiver, 'message_received', (d) => d.id === image.body.id);
  assert.equal([got.type, got.viewOnce, got.body], ['image', true, 'bir kez']);
  assert.is((await storedMessage(s, 'b', image.body.id)).viewOnce, true);

  const link = await s.json('POST', '/api/instance/b/messages/link', { to: A, url: 'https://hatline.dev/docs', caption: 'Belgeler' });
  assert.is(link.status, 200, JSON.stringify(link.body));
  const text = await delivered(a.receiver, 'message_received', (d) => d.id === link.body.id);
  assert.equal([text.type, text.body], ['chat', 'Belgeler\nhttps://hatline.dev/docs']);
});

sends('400 names what was wrong: a bad mention, a link that is not http(s); 404 for an unknown quoted message; nothing is stored', async () => {
  const s = await testServer();
  await linkedWithHook(s, 'a', A);
  const mention = await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'x', mentions: ['120363012345678901@g.us'] });
  assert.equal([mention.status, mention.body.code], [400, 'bad_request']);
  assert.match(mention.body.error, /^mentions\.0: .* is a group/);
  const link = await s.json('POST', '/api/instance/a/messages/link', { to: B, url: 'ftp://example.com/x' });
  assert.equal([link.status, link.body.error], [400, 'url: expected an http(s) URL']);
  const quoted = await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'x', quotedMessageId: 'NOPE' });
  assert.equal([quoted.status, quoted.body.error], [404, 'quotedMessageId: no message NOPE stored for this instance']);
  assert.is((await s.json('GET', '/api/instance/a/messages')).body.total, 0, 'nothing was stored');
  const fine = await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: `@${B}`, mentions: [B] });
  assert.is(fine.status, 200, 'the same send with a good mention goes');
});

sends.run();

const actions = suite('acting on messages');
closesServers(actions);

actions('edit: the other side gets message_edited and its stored message changes; the sender keeps the first text', async () => {
  const s = await testServer();
  await linkedWithHook(s, 'a', A);
  const b = await linkedWithHook(s, 'b', B);
  const id = await sendAndDeliver(s, 'a', 'b', B, 'yarın saat 9');
  const edit = await s.json('POST', '/api/instance/a/messages/edit', { to: B, msgId: id, body: 'yarın saat 10' });
  assert.equal([edit.status, edit.body], [200, { success: true }]);
  const event = await delivered(b.receiver, 'message_edited', (d) => d.id === id);
  assert.equal({ ...event, timestamp: 0 }, { id, chatId: jid(A), from: jid(A), fromMe: false, body: 'yarın saat 10', previousBody: 'yarın saat 9', timestamp: 0 });
  const atB = await eventually('B sees the edit', async () => {
    const m = await storedMessage(s, 'b', id);
    return m.body === 'yarın saat 10' ? m : undefined;
  });
  assert.is(atB.originalBody, 'yarın saat 9');
  assert.type(atB.editedAt, 'number');
  const atA = await storedMessage(s, 'a', id);
  assert.equal([atA.body, atA.originalBody], ['yarın saat 10', 'yarın saat 9']);
});

actions('edit answers 409 for a message this account did not send, 404 for an unknown one, 400 without a body', async () => {
  const s = await testServer();
  await linkedWithHook(s, 'a', A);
  await linkedWithHook(s, 'b', B);
  const id = await sendAndDeliver(s, 'a', 'b', B, 'selam');
  const notMine = await s.json('POST', '/api/instance/b/messages/edit', { to: A, msgId: id, body: 'değişti' });
  assert.equal([notMine.status, notMine.body.code], [409, 'conflict']);
  assert.match(notMine.body.error, /^msgId: message .* was not sent by this account/);
  const unknown = await s.json('POST', '/api/instance/a/messages/edit', { to: B, msgId: 'NOPE', body: 'x' });
  assert.equal([unknown.status, unknown.body.error], [404, `msgId: no message NOPE in chat ${jid(B)}`]);
  const empty = await s.json('POST', '/api/instance/a/messages/edit', { to: B, msgId: id });
  assert.equal([empty.status, empty.body.error], [400, 'body: is required']);
});

actions('edit after WhatsApp\'s 15 minutes is refused with 409, and nothing changes', async () => {
  let clock = Date.now();
  const s = await testServer({ now: () => clock });
  await linkedWithHook(s, 'a', A);
  await linkedWithHook(s, 'b', B);
  const id = await sendAndDeliver(s, 'a', 'b', B, 'eski');
  clock += 16 * 60 * 1000;
  const late = await s.json('POST', '/api/instance/a/messages/edit', { to: B, msgId: id, body: 'yeni' });
  assert.equal([late.status, late.body.code], [409, 'rejected']);
  assert.match(late.body.error, /15 minutes/);
  assert.is((await storedMessage(s, 'a', id)).body, 'eski');
  const inTime = await sendAndDeliver(s, 'a', 'b', B, 'taze');
  assert.is((await s.json('POST', '/api/instance/a/messages/edit', { to: B, msgId: inTime, body: 'taze!' })).status, 200, 'a fresh message can be edited');
});

actions('forward: a copy goes to another chat marked forwarded, stored like a send', async () => {
  const s = await testServer();
  await linkedWithHook(s, 'a', A);
  await linkedWithHook(s, 'b', B);
  const c = await linkedWithHook(s, 'c', C);
  const id = await sendAndDeliver(s, 'a', 'b', B, 'ilet bunu');
  const fwd = await s.json('POST', '/api/instance/b/messages/forward', { to: C, msgId: id, chatId: A });
  assert.is(fwd.status, 200, JSON.stringify(fwd.body));
  assert.equal(Object.keys(fwd.body).sort(), ['id', 'sent']);
  const got = await delivered(c.receiver, 'message_received', (d) => d.id === fwd.body.id);
  assert.equal([got.body, got.forwarded, got.from], ['ilet bunu', true, jid(B)]);
  const stored = await storedMessage(s, 'b', fwd.body.id);
  assert.equal([stored.chatId, stored.fromMe, stored.forwarded, stored.body], [jid(C), true, true, 'ilet bunu']);
  const wrongChat = await s.json('POST', '/api/instance/b/messages/forward', { to: C, msgId: id, chatId: C });
  assert.equal([wrongChat.status, wrongChat.body.error], [404, `msgId: no message ${id} in chat ${jid(C)}`]);
});

actions('star and unstar show on the stored message', async () => {
  const s = await testServer();
  await linkedWithHook(s, 'a', A);
  await linkedWithHook(s, 'b', B);
  const id = await sendAndDeliver(s, 'a', 'b', B, 'önemli');
  assert.equal((await s.json('POST', '/api/instance/b/messages/star', { to: A, msgId: id })).body, { success: true });
  assert.is((await storedMessage(s, 'b', id)).starred, true);
  assert.is((await s.json('POST', '/api/instance/b/messages/unstar', { to: A, msgId: id })).status, 200);
  assert.is((await storedMessage(s, 'b', id)).starred, undefined);
});

actions('mark one message read: its sender gets read for that message only, and the chat counts one fewer unread', async () => {
  const s = await testServer();
  const a = await linkedWithHook(s, 'a', A);
  await linkedWithHook(s, 'b', B);
  const one = await sendAndDeliver(s, 'a', 'b', B, 'bir');
  const two = await sendAndDeliver(s, 'a', 'b', B, 'iki');
  const unread = async () => (await s.json('GET', '/api/instance/b/chats')).body.find((c: any) => c.id === jid(A)).unreadCount;
  assert.is(await unread(), 2);
  assert.is((await s.json('POST', '/api/instance/b/messages/read', { to: A, msgId: one })).status, 200);
  await delivered(a.receiver, 'message_ack', (d) => d.id === one && d.status === 'read');
  assert.is(await unread(), 1);
  assert.not.ok(deliveredAll(a.receiver, 'message_ack').some((d) => d.id === two && d.status === 'read'), 'the other message is not read');
  const own = await s.json('POST', '/api/instance/a/messages/read', { to: B, msgId: one });
  assert.equal([own.status, own.body.code], [409, 'conflict'], 'an outgoing message is not marked read');
});

actions('delete for me removes the message from this account only; for everyone the other side gets message_revoked', async () => {
  const s = await testServer();
  await linkedWithHook(s, 'a', A);
  const b = await linkedWithHook(s, 'b', B);
  const mine = await sendAndDeliver(s, 'a', 'b', B, 'sadece bende sil');
  const del = await s.json('POST', '/api/instance/a/messages/delete', { to: B, msgId: mine, forEveryone: false });
  assert.equal([del.status, del.body], [200, { deleted: true }]);
  const historyA = (await s.json('GET', '/api/instance/a/messages')).body.items.map((m: any) => m.id);
  assert.not.ok(historyA.includes(mine), 'gone from A');
  assert.is((await storedMessage(s, 'b', mine)).body, 'sadece bende sil', 'B still has it');

  const everyone = await sendAndDeliver(s, 'a', 'b', B, 'herkesten sil');
  assert.is((await s.json('POST', '/api/instance/a/messages/delete', { to: B, msgId: everyone })).status, 200);
  const event = await delivered(b.receiver, 'message_revoked', (d) => d.id === everyone);
  assert.equal({ ...event, timestamp: 0 }, { id: everyone, chatId: jid(A), from: jid(A), fromMe: false, timestamp: 0 });
  const atB = await eventually('revoked at B', async () => {
    const m = await storedMessage(s, 'b', everyone);
    return m.type === 'revoked' ? m : undefined;
  });
  assert.is(atB.body, '', 'its text is gone');
  const notMine = await s.json('POST', '/api/instance/b/messages/delete', { to: A, msgId: mine });
  assert.equal([notMine.status, notMine.body.code], [409, 'conflict'], "someone else's message cannot be deleted for everyone in a one-to-one chat");
});

actions('reactions: set, changed and removed with an empty emoji; the other side gets message_reaction and both histories show it', async () => {
  const s = await testServer();
  await linkedWithHook(s, 'a', A);
  const b = await linkedWithHook(s, 'b', B);
  const id = await sendAndDeliver(s, 'b', 'a', A, 'beğen');
  const react = (emoji: string) => s.json('POST', '/api/instance/a/messages/reaction', { to: B, msgId: id, emoji });
  assert.equal((await react('👍')).body, { sent: true, id });
  await delivered(b.receiver, 'message_reaction', (d) => d.emoji === '👍');
  assert.is((await react('❤️')).status, 200);
  const changed = await delivered(b.receiver, 'message_reaction', (d) => d.emoji === '❤️');
  assert.equal({ ...changed, timestamp: 0 }, { id, chatId: jid(A), from: jid(A), fromMe: false, emoji: '❤️', timestamp: 0 });
  const atB = await eventually('B shows one reaction', async () => {
    const m = await storedMessage(s, 'b', id);
    return m.reactions?.length === 1 && m.reactions[0].emoji === '❤️' ? m : undefined;
  });
  assert.equal({ ...atB.reactions[0], timestamp: 0 }, { emoji: '❤️', from: jid(A), fromMe: false, timestamp: 0 });
  assert.equal((await storedMessage(s, 'a', id)).reactions.map((r: any) => [r.emoji, r.fromMe]), [['❤️', true]]);

  assert.is((await react('')).status, 200);
  await delivered(b.receiver, 'message_reaction', (d) => d.emoji === '');
  await eventually('B shows none', async () => (await storedMessage(s, 'b', id)).reactions === undefined);
  assert.is((await storedMessage(s, 'a', id)).reactions, undefined);
});

actions.run();
