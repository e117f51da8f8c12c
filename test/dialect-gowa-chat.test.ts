import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closesServers, linkedSandbox, testServer } from './support/app.js';
import { sendAndDeliver } from './support/caps.js';
import { failure, gowa, success } from './support/gowa-client.js';

// GoWA's /chats, /chat/{chat_jid}/* and /newsletter/unfollow on linked sandbox instances.

const A = '905321000101';
const B = '905321000102';
const C = '905321000103';
const jid = (phone: string) => `${phone}@s.whatsapp.net`;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

async function devices() {
  const s = await testServer();
  await linkedSandbox(s, 'a', A, 'Ayşe');
  await linkedSandbox(s, 'b', B, 'Burak');
  await linkedSandbox(s, 'c', C, 'Cem');
  return { s, g: gowa(s, undefined, 'a') };
}

const t = suite('GoWA dialect: chats and newsletters');
closesServers(t);

t('/chats lists the chats newest first with limit, offset, search and archived; pin and archive change them', async () => {
  const { s, g } = await devices();
  await sendAndDeliver(s, 'b', 'a', A, 'Burak yazdı');
  await sendAndDeliver(s, 'c', 'a', A, 'Cem yazdı');
  const list = success(await g('GET', '/chats'), 'Success get chat list');
  assert.equal(list.data.map((x: any) => x.jid), [jid(C), jid(B)]);
  assert.equal(list.pagination, { limit: 25, offset: 0, total: 2 });
  const first = list.data[0];
  assert.equal(Object.keys(first).sort(), ['archived', 'created_at', 'ephemeral_expiration', 'jid', 'last_message_time', 'name', 'updated_at']);
  assert.match(first.last_message_time, RFC3339);
  assert.equal([first.name, first.archived], ['Cem', false]);

  assert.equal(success(await g('GET', '/chats?limit=1&offset=1')), { data: [list.data[1]], pagination: { limit: 1, offset: 1, total: 2 } });
  assert.equal(success(await g('GET', '/chats?search=bur')).data.map((x: any) => x.jid), [jid(B)]);

  const archived = success(await g('POST', `/chat/${jid(B)}/archive`, { archived: true }), 'Chat archived successfully');
  assert.equal(archived, { status: 'success', message: 'Chat archived successfully', chat_jid: jid(B), archived: true });
  assert.equal(success(await g('GET', '/chats?archived=true')).data.map((x: any) => x.jid), [jid(B)]);
  assert.equal(success(await g('GET', '/chats?archived=false')).data.map((x: any) => x.jid), [jid(C)]);
  success(await g('POST', `/chat/${jid(B)}/archive`, { archived: false }), 'Chat unarchived successfully');

  assert.equal(success(await g('POST', `/chat/${B}/pin`, { pinned: true }), 'Chat pinned successfully'), { status: 'success', message: 'Chat pinned successfully', chat_jid: jid(B), pinned: true });
  assert.is(((await s.json('GET', '/api/instance/a/chats')).body as any[]).find((x) => x.id === jid(B)).pinned, true);
  success(await g('POST', `/chat/${B}/pin`, { pinned: false }), 'Chat unpinned successfully');
});

t('/chat/{chat_jid}/messages pages a chat by limit and offset, in GoWA\'s MessageInfo shape', async () => {
  const { s, g } = await devices();
  const first = await sendAndDeliver(s, 'b', 'a', A, 'bir');
  const second = await sendAndDeliver(s, 'b', 'a', A, 'iki');
  await s.json('POST', '/api/instance/a/messages/reaction', { to: B, msgId: first, emoji: '👍' });
  const all = success(await g('GET', `/chat/${jid(B)}/messages`), 'Success get chat messages');
  assert.equal(all.data.map((m: any) => m.id), [second, first]);
  assert.equal(all.pagination, { limit: 50, offset: 0, total: 2 });
  assert.equal([all.chat_info.jid, all.chat_info.name], [jid(B), 'Burak']);
  const m = all.data[1];
  assert.equal(
    { ...m, timestamp: 't', created_at: 't', updated_at: 't', reactions: m.reactions.map((r: any) => ({ ...r, timestamp: 't' })) },
    {
      id: first,
      chat_jid: jid(B),
      sender_jid: jid(B),
      sender_display_name: 'Burak',
      content: 'bir',
      timestamp: 't',
      is_from_me: false,
      media_type: '',
      reactions: [{ emoji: '👍', sender_jid: jid(A), sender_display_name: '', is_from_me: true, timestamp: 't' }],
      filename: '',
      url: '',
      file_length: 0,
      created_at: 't',
      updated_at: 't',
    },
  );
  assert.match(m.timestamp, RFC3339);
  assert.equal(success(await g('GET', `/chat/${jid(B)}/messages?limit=1&offset=1`)).data.map((x: any) => x.id), [first]);
  assert.equal(success(await g('GET', `/chat/${jid(C)}/messages`)).data, [], 'a chat without messages is empty, not an error');
});

t('/newsletter/unfollow (the seed example shape) stops following a channel', async () => {
  const { s, g } = await devices();
  await s.json('POST', '/api/instance/a/channels/follow', { channel: '120363400000000002@newsletter' });
  assert.is(success(await g('GET', '/user/my/newsletters')).data.length, 1);
  assert.equal((await g('POST', '/newsletter/unfollow', { newsletter_id: '120363400000000002@newsletter' })).body, { code: 'SUCCESS', message: 'Success unfollow newsletter' });
  assert.equal(success(await g('GET', '/user/my/newsletters')).data, []);
  failure(await g('POST', '/newsletter/unfollow', { newsletter_id: '120363400000000002@newsletter' }), 404, 'NOT_FOUND');
  failure(await g('POST', '/newsletter/unfollow', { newsletter_id: 'NEWSLETTER_ID' }), 400, 'VALIDATION_ERROR', /^newsletter_id: must be a channel id/);
});

t('what Hatline does not serve (a chat\'s disappearing timer, a channel\'s posts) answers a GoWA-shaped 404, beside the served neighbours', async () => {
  const { s, g } = await devices();
  await s.json('POST', '/api/instance/a/channels/follow', { channel: '120363400000000002@newsletter' });
  const timer = await g('POST', `/chat/${jid(B)}/disappearing`, { timer_seconds: 86400 });
  const posts = await g('GET', '/newsletter/messages?newsletter_id=120363400000000002@newsletter&count=10');
  for (const answer of [timer, posts]) {
    failure(answer, 404, 'NOT_FOUND', /^Cannot (POST|GET) \/gowa\//);
    assert.equal(Object.keys(answer.body).sort(), ['code', 'message']);
  }
  success(await g('POST', `/chat/${jid(B)}/archive`, { archived: true }), 'Chat archived successfully');
  success(await g('GET', '/user/my/newsletters'), 'Success get list newsletter');
});

t('bad input: limits out of range, filters Hatline cannot apply, a bad chat jid are VALIDATION_ERRORs', async () => {
  const { g } = await devices();
  failure(await g('GET', '/chats?limit=101'), 400, 'VALIDATION_ERROR', /^limit: must be no greater than 100/);
  failure(await g('GET', '/chats?has_media=true'), 400, 'VALIDATION_ERROR', /^has_media: not supported/);
  failure(await g('GET', `/chat/${jid(B)}/messages?search=x`), 400, 'VALIDATION_ERROR', /^search: not supported/);
  failure(await g('GET', `/chat/${jid(B)}/messages?is_from_me=true`), 400, 'VALIDATION_ERROR', /^is_from_me: not supported/);
  failure(await g('GET', '/chat/nobody/messages'), 400, 'VALIDATION_ERROR', /^chat_jid/);
  failure(await g('POST', `/chat/${jid(B)}/pin`, {}, { unchecked: true }), 400, 'VALIDATION_ERROR', /^pinned/);
});

t.run();
