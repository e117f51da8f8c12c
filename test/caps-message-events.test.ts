import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closesServers, eventually, testServer } from './support/app.js';
import { delivered, jid, linkedWithHook, storedMessage } from './support/caps.js';

const A = '905321000051';
const B = '905321000052';
const CEM = '905559990051';

const others = suite('what others do to messages (sandbox controls)');
closesServers(others);

others('a contact edits and then deletes their message: message_edited, then message_revoked, and the stored message follows', async () => {
  const s = await testServer();
  const a = await linkedWithHook(s, 'a', A);
  const { id } = (await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, body: 'fiyat 100 TL', name: 'Cem' })).body;
  const edit = await s.json('POST', '/api/sandbox/a/edit', { from: CEM, msgId: id, body: 'fiyat 90 TL' });
  assert.equal([edit.status, edit.body], [200, { success: true }]);
  const edited = await delivered(a.receiver, 'message_edited', (d) => d.id === id);
  assert.equal({ ...edited, timestamp: 0 }, { id, chatId: jid(CEM), from: jid(CEM), fromMe: false, body: 'fiyat 90 TL', previousBody: 'fiyat 100 TL', timestamp: 0 });
  const stored = await storedMessage(s, 'a', id);
  assert.equal([stored.body, stored.originalBody], ['fiyat 90 TL', 'fiyat 100 TL']);

  assert.is((await s.json('POST', '/api/sandbox/a/revoke', { from: CEM, msgId: id })).status, 200);
  const revoked = await delivered(a.receiver, 'message_revoked', (d) => d.id === id);
  assert.equal([revoked.from, revoked.fromMe, revoked.chatId], [jid(CEM), false, jid(CEM)]);
  const after = await storedMessage(s, 'a', id);
  assert.equal([after.type, after.body, after.originalBody], ['revoked', '', undefined]);
});

others('a contact reacts and takes the reaction back; a group member reacts to our message in the group', async () => {
  const s = await testServer();
  const a = await linkedWithHook(s, 'a', A);
  const sent = await s.json('POST', '/api/instance/a/messages/chat', { to: CEM, body: 'kargo yolda' });
  const react = await s.json('POST', '/api/sandbox/a/react', { from: CEM, msgId: sent.body.id, emoji: '🙏' });
  assert.is(react.status, 200, JSON.stringify(react.body));
  const event = await delivered(a.receiver, 'message_reaction', (d) => d.id === sent.body.id && d.emoji === '🙏');
  assert.equal([event.from, event.fromMe, event.chatId], [jid(CEM), false, jid(CEM)]);
  assert.equal((await storedMessage(s, 'a', sent.body.id)).reactions.map((r: any) => [r.emoji, r.from]), [['🙏', jid(CEM)]]);
  await s.json('POST', '/api/sandbox/a/react', { from: CEM, msgId: sent.body.id, emoji: '' });
  await delivered(a.receiver, 'message_reaction', (d) => d.id === sent.body.id && d.emoji === '');
  assert.is((await storedMessage(s, 'a', sent.body.id)).reactions, undefined);

  const group = (await s.json('POST', '/api/sandbox/a/groups', { name: 'Ekip', participants: [CEM] })).body.id;
  const inGroup = await s.json('POST', '/api/instance/a/messages/chat', { to: group, body: 'herkese selam' });
  assert.is((await s.json('POST', '/api/sandbox/a/react', { from: CEM, msgId: inGroup.body.id, emoji: '👋' })).status, 200);
  const groupEvent = await delivered(a.receiver, 'message_reaction', (d) => d.id === inGroup.body.id);
  assert.equal([groupEvent.chatId, groupEvent.from], [group, jid(CEM)]);
});

others('poll votes: a contact votes on our poll, changes and withdraws the vote; the history shows the votes', async () => {
  const s = await testServer();
  const a = await linkedWithHook(s, 'a', A);
  const poll = await s.json('POST', '/api/instance/a/messages/poll', { to: CEM, name: 'Toplantı?', values: ['Pzt', 'Çar', 'Cum'], selectableCount: 0 });
  assert.is((await s.json('POST', '/api/sandbox/a/vote', { from: CEM, msgId: poll.body.id, selected: ['Pzt', 'Cum'] })).status, 200);
  const vote = await delivered(a.receiver, 'poll_vote', (d) => d.pollId === poll.body.id);
  assert.equal({ ...vote, timestamp: 0 }, { pollId: poll.body.id, chatId: jid(CEM), voter: jid(CEM), selected: ['Pzt', 'Cum'], timestamp: 0 });
  assert.equal((await storedMessage(s, 'a', poll.body.id)).votes.map((v: any) => [v.voter, v.selected]), [[jid(CEM), ['Pzt', 'Cum']]]);
  await s.json('POST', '/api/sandbox/a/vote', { from: CEM, msgId: poll.body.id, selected: ['Çar'] });
  await eventually('the changed vote', async () => (await storedMessage(s, 'a', poll.body.id)).votes?.[0]?.selected?.[0] === 'Çar');
  await s.json('POST', '/api/sandbox/a/vote', { from: CEM, msgId: poll.body.id, selected: [] });
  await delivered(a.receiver, 'poll_vote', (d) => d.selected.length === 0);
  assert.is((await storedMessage(s, 'a', poll.body.id)).votes, undefined, 'a withdrawn vote is gone');
});

others("a sandbox instance's own phone votes on a poll it received: the poll's sender gets poll_vote", async () => {
  const s = await testServer();
  const a = await linkedWithHook(s, 'a', A);
  const b = await linkedWithHook(s, 'b', B);
  const poll = await s.json('POST', '/api/instance/a/messages/poll', { to: B, name: 'Hangisi?', values: ['Çay', 'Kahve'], selectableCount: 1 });
  await storedMessage(s, 'b', poll.body.id);
  const many = await s.json('POST', '/api/sandbox/b/vote', { msgId: poll.body.id, selected: ['Çay', 'Kahve'] });
  assert.equal([many.status, many.body.error], [400, 'selected: this poll takes one answer']);
  const unknown = await s.json('POST', '/api/sandbox/b/vote', { msgId: poll.body.id, selected: ['Su'] });
  assert.equal([unknown.status, unknown.body.error], [400, 'selected: "Su" is not an option of the poll (Çay, Kahve)']);
  assert.is((await s.json('POST', '/api/sandbox/b/vote', { msgId: poll.body.id, selected: ['Kahve'] })).status, 200);
  const atA = await delivered(a.receiver, 'poll_vote', (d) => d.pollId === poll.body.id);
  assert.equal([atA.voter, atA.selected, atA.chatId], [jid(B), ['Kahve'], jid(B)]);
  await delivered(b.receiver, 'poll_vote', (d) => d.pollId === poll.body.id && d.voter === jid(B));
  assert.equal((await storedMessage(s, 'b', poll.body.id)).votes.map((v: any) => v.selected), [['Kahve']], "the voter's history shows its own vote");
});

others('controls answer 404 for an unknown message and 409 for a message the person could not act on', async () => {
  const s = await testServer();
  await linkedWithHook(s, 'a', A);
  const sent = await s.json('POST', '/api/instance/a/messages/chat', { to: CEM, body: 'bizden' });
  const unknown = await s.json('POST', '/api/sandbox/a/edit', { from: CEM, msgId: 'NOPE', body: 'x' });
  assert.equal([unknown.status, unknown.body.error], [404, 'msgId: no message NOPE stored for instance a']);
  const notTheirs = await s.json('POST', '/api/sandbox/a/edit', { from: CEM, msgId: sent.body.id, body: 'x' });
  assert.equal([notTheirs.status, notTheirs.body.code], [409, 'conflict']);
  assert.match(notTheirs.body.error, /was not written by 905559990051/);
  const stranger = await s.json('POST', '/api/sandbox/a/react', { from: '905559990099', msgId: sent.body.id, emoji: '👍' });
  assert.equal([stranger.status, stranger.body.code], [409, 'conflict']);
  const notPoll = await s.json('POST', '/api/sandbox/a/vote', { from: CEM, msgId: sent.body.id, selected: ['x'] });
  assert.equal([notPoll.status, notPoll.body.error], [409, `msgId: message ${sent.body.id} is not a poll`]);
  const badPhone = await s.json('POST', '/api/sandbox/a/revoke', { from: 'cem', msgId: sent.body.id });
  assert.equal([badPhone.status, badPhone.body.error], [400, 'from: expected a phone number with country code, like 905321234567']);
});

others('incoming with quotedId replies to a stored message of the chat; an unknown one is a 404', async () => {
  const s = await testServer();
  const a = await linkedWithHook(s, 'a', A);
  const sent = await s.json('POST', '/api/instance/a/messages/chat', { to: CEM, body: 'ne zaman?' });
  const reply = await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, body: 'yarın', quotedId: sent.body.id });
  assert.is(reply.status, 200);
  assert.is((await delivered(a.receiver, 'message_received', (d) => d.id === reply.body.id)).quotedMessageId, sent.body.id);
  const unknown = await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, body: 'x', quotedId: 'NOPE' });
  assert.equal([unknown.status, unknown.body.error], [404, `quotedId: no message NOPE in chat ${jid(CEM)} stored for instance a`]);
});

others.run();
