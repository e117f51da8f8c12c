import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closesServers, eventually, testServer } from './support/app.js';
import { delivered, deliveredAll, jid, linkedWithHook, storedMessage } from './support/caps.js';

const A = '905321000091';
const B = '905321000092';
const CEM = '905559990091';
const PNG = `data:image/png;base64,${Buffer.from('89504e470d0a1a0a', 'hex').toString('base64')}`;

const profile = suite('the account: profile, privacy, contact info');
closesServers(profile);

profile('the profile is read and changed: name (me and the instance list follow), about, picture; others see it in contacts/info', async () => {
  const s = await testServer();
  await linkedWithHook(s, 'a', A, 'Ayşe');
  await linkedWithHook(s, 'b', B);
  const first = await s.json('GET', '/api/instance/a/profile');
  assert.equal(first.body, { id: jid(A), name: 'Ayşe', about: 'Hey there! I am using WhatsApp.', picture: null });
  assert.equal((await s.json('POST', '/api/instance/a/profile/name', { name: 'Ayşe Y.' })).body, { success: true });
  assert.is((await s.json('POST', '/api/instance/a/profile/about', { about: 'Mesai: 09-18' })).status, 200);
  assert.is((await s.json('POST', '/api/instance/a/profile/picture', { picture: PNG })).status, 200);
  assert.equal((await s.json('GET', '/api/instance/a/profile')).body, { id: jid(A), name: 'Ayşe Y.', about: 'Mesai: 09-18', picture: PNG });
  assert.is((await s.json('GET', '/api/instance/a/me')).body.name, 'Ayşe Y.');
  const seen = await s.json('GET', `/api/instance/b/contacts/info?chatId=${A}`);
  assert.equal(seen.body, { id: jid(A), name: null, notify: 'Ayşe Y.', about: 'Mesai: 09-18', isBusiness: false, picture: PNG });
  assert.is((await s.json('POST', '/api/instance/a/profile/picture', { picture: null })).status, 200);
  assert.is((await s.json('GET', '/api/instance/a/profile')).body.picture, null);

  const long = await s.json('POST', '/api/instance/a/profile/name', { name: 'x'.repeat(26) });
  assert.equal([long.status, long.body.code], [400, 'bad_request']);
  assert.match(long.body.error, /^name: /);
  const badPicture = await s.json('POST', '/api/instance/a/profile/picture', { picture: 'not a picture' });
  assert.equal([badPicture.status, badPicture.body.code], [400, 'bad_request']);
  assert.match(badPicture.body.error, /^picture: /);
});

profile('privacy settings are read; contact info of a number not on WhatsApp is a 404, of a group a 400', async () => {
  const s = await testServer();
  await linkedWithHook(s, 'a', A);
  const privacy = await s.json('GET', '/api/instance/a/profile/privacy');
  assert.equal(privacy.body, { lastSeen: 'all', online: 'all', profile: 'all', about: 'all', readReceipts: 'all', groupAdd: 'all' });
  const contact = await s.json('GET', `/api/instance/a/contacts/info?chatId=${CEM}`);
  assert.equal(contact.body, { id: jid(CEM), name: null, notify: null, about: null, isBusiness: false, picture: null });
  const nobody = await s.json('GET', '/api/instance/a/contacts/info?chatId=905559990000');
  assert.equal([nobody.status, nobody.body.error], [404, 'chatId: 905559990000@s.whatsapp.net is not on WhatsApp']);
  const group = await s.json('GET', '/api/instance/a/contacts/info?chatId=120363012345678901@g.us');
  assert.equal([group.status, group.body.code], [400, 'bad_request']);
  await s.json('POST', '/api/instance/a/logout');
  const off = await s.json('GET', '/api/instance/a/profile');
  assert.equal([off.status, off.body.code], [409, 'not_connected']);
});

profile.run();

const channels = suite('channels and labels');
closesServers(channels);

channels('channels: follow by link, code or id, list, unfollow; an unknown channel is a 404', async () => {
  const s = await testServer();
  await linkedWithHook(s, 'a', A);
  await linkedWithHook(s, 'b', B);
  assert.equal((await s.json('GET', '/api/instance/a/channels')).body, []);
  const byLink = await s.json('POST', '/api/instance/a/channels/follow', { channel: 'https://whatsapp.com/channel/0029VaHatlineNews01' });
  assert.is(byLink.status, 200);
  assert.equal({ ...byLink.body, subscribers: 0 }, { id: '120363400000000001@newsletter', name: 'Hatline News', description: 'Releases and notes of the Hatline project', subscribers: 0, role: 'subscriber' });
  await s.json('POST', '/api/instance/a/channels/follow', { channel: '0029VaSandboxWeather' });
  const followedByB = await s.json('POST', '/api/instance/b/channels/follow', { channel: '120363400000000001@newsletter' });
  assert.is(followedByB.body.subscribers, byLink.body.subscribers + 1, 'a follower more');
  assert.equal((await s.json('GET', '/api/instance/a/channels')).body.map((c: any) => c.name), ['Hatline News', 'Sandbox Weather']);
  assert.equal((await s.json('POST', '/api/instance/a/channels/unfollow', { channelId: '120363400000000003@newsletter' })).body, { success: true });
  assert.equal((await s.json('GET', '/api/instance/a/channels')).body.map((c: any) => c.name), ['Hatline News']);
  const unknown = await s.json('POST', '/api/instance/a/channels/follow', { channel: 'nope' });
  assert.equal([unknown.status, unknown.body.code], [404, 'not_found']);
  const notFollowed = await s.json('POST', '/api/instance/a/channels/unfollow', { channelId: '120363400000000002@newsletter' });
  assert.equal([notFollowed.status, notFollowed.body.code], [404, 'not_found']);
  const badId = await s.json('POST', '/api/instance/a/channels/unfollow', { channelId: 'news' });
  assert.equal([badId.status, badId.body.error], [400, 'channelId: expected a channel id (...@newsletter)']);
});

channels('labels: 501 unsupported on a personal account; on a business one listed, put on a chat and taken off', async () => {
  const s = await testServer();
  await linkedWithHook(s, 'a', A);
  const personal = await s.json('GET', '/api/instance/a/labels');
  assert.equal([personal.status, personal.body.code], [501, 'unsupported']);
  assert.match(personal.body.error, /WhatsApp Business feature/);
  assert.is((await s.json('POST', '/api/sandbox/a/business', { business: true })).status, 200);
  const labels = await s.json('GET', '/api/instance/a/labels');
  assert.equal(labels.body[0], { id: '1', name: 'New customer', color: 0 });
  const add = await s.json('POST', '/api/instance/a/labels/add', { chatId: CEM, labelId: '2' });
  assert.equal(add.body, { success: true, labels: [{ id: '2', name: 'New order', color: 1 }] });
  await s.json('POST', '/api/instance/a/labels/add', { chatId: CEM, labelId: '4' });
  assert.equal((await s.json('GET', `/api/instance/a/labels/chat?chatId=${CEM}`)).body.map((l: any) => l.id), ['2', '4']);
  assert.equal((await s.json('POST', '/api/instance/a/labels/remove', { chatId: CEM, labelId: '2' })).body.labels.map((l: any) => l.id), ['4']);
  const unknown = await s.json('POST', '/api/instance/a/labels/add', { chatId: CEM, labelId: '99' });
  assert.equal([unknown.status, unknown.body.code], [404, 'not_found']);
});

channels.run();

const calls = suite('calls');
closesServers(calls);

calls('a call rings (call offer) and ends when the caller hangs up; with rejectCalls it is declined and the caller gets the message', async () => {
  const s = await testServer();
  const a = await linkedWithHook(s, 'a', A);
  const ring = await s.json('POST', '/api/sandbox/a/call', { from: CEM, video: true });
  assert.is(ring.status, 200);
  const offer = await delivered(a.receiver, 'call', (d) => d.id === ring.body.id);
  assert.equal({ ...offer, timestamp: 0 }, { id: ring.body.id, from: jid(CEM), isVideo: true, isGroup: false, status: 'offer', timestamp: 0 });
  assert.is((await s.json('POST', '/api/sandbox/a/call/end', { callId: ring.body.id })).status, 200);
  await delivered(a.receiver, 'call', (d) => d.id === ring.body.id && d.status === 'ended');
  assert.not.ok(deliveredAll(a.receiver, 'call').some((d) => d.status === 'rejected'), 'not declined while rejectCalls is off');

  const set = await s.json('POST', '/api/instance/a/settings', { rejectCalls: true, rejectCallsMessage: 'Aramalara cevap veremiyoruz, lütfen yazın.' });
  assert.is(set.status, 200);
  const settings = (await s.json('GET', '/api/instance/a/settings')).body;
  assert.equal([settings.rejectCalls, settings.rejectCallsMessage], ['true', 'Aramalara cevap veremiyoruz, lütfen yazın.']);
  const second = await s.json('POST', '/api/sandbox/a/call', { from: CEM });
  const rejected = await delivered(a.receiver, 'call', (d) => d.id === second.body.id && d.status === 'rejected');
  assert.equal([rejected.from, rejected.isVideo], [jid(CEM), false]);
  // The reply is stored pending (under a provisional id) until WhatsApp's server takes it: wait for that.
  const reply = await eventually('the reply to the caller, taken by WhatsApp', async () => {
    const items = (await s.json('GET', `/api/instance/a/chats/messages?chatId=${CEM}`)).body.items as any[];
    const m = items.find((m) => m.fromMe && m.body.startsWith('Aramalara'));
    return m && ['sent', 'delivered'].includes(m.status) ? m : undefined;
  });
  assert.equal([reply.to, reply.type], [jid(CEM), 'chat'], 'sent to the caller as a text');
  assert.is((await storedMessage(s, 'a', reply.id)).body, 'Aramalara cevap veremiyoruz, lütfen yazın.', 'in the history under its WhatsApp id');
  const ended = await s.json('POST', '/api/sandbox/a/call/end', { callId: second.body.id });
  assert.equal([ended.status, ended.body.code], [404, 'not_found'], 'a declined call no longer rings');
  const bad = await s.json('POST', '/api/instance/a/settings', { rejectCalls: 'maybe' });
  assert.equal([bad.status, bad.body.error], [400, 'rejectCalls: expected true or false']);
});

calls.run();
