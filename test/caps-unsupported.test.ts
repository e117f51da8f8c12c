import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Engine } from '../src/engines/engine.js';
import { createWwebjsEngine } from '../src/engines/wwebjs/index.js';
import { closesServers, eventually, testServer } from './support/app.js';
import { fakeClientFactory } from './support/fake-wwebjs-client.js';

const CEM = '905559990101';
const GROUP = '120363012345678901@g.us';

const unsupported = suite('501 unsupported, from the one capability check');
closesServers(unsupported);

/** A wwebjs engine (on the fake client) that can send and little else: the new groups and operations left out. */
function bareEngine(engine: Engine): Engine {
  const m = engine.messages!;
  const c = engine.chats!;
  const k = engine.contacts!;
  return Object.assign(engine, {
    messages: { send: m.send, react: m.react, revoke: m.revoke },
    chats: { markRead: c.markRead, setArchived: c.setArchived, deleteChat: c.deleteChat },
    contacts: { getContact: k.getContact, checkNumber: k.checkNumber, getProfilePicture: k.getProfilePicture, setBlocked: k.setBlocked },
    groups: undefined,
    profile: undefined,
    newsletters: undefined,
    labels: undefined,
    calls: undefined,
  });
}

unsupported('every new route of a missing capability or operation answers 501 naming it, before its message or group is looked up', async () => {
  const fakes = fakeClientFactory();
  const s = await testServer({ wwebjs: (ctx) => bareEngine(createWwebjsEngine(ctx, { chromiumPath: null, clientFactory: fakes.factory })) });
  await s.json('POST', '/api/instance', { id: 'w', engine: 'wwebjs' });
  await s.json('POST', '/api/instance/w/connect');
  await eventually('a QR code', async () => (await s.json('GET', '/api/instance/w/qr')).body.qrCode);
  fakes.current().scan('905550001111', 'Fake Phone');
  await eventually('open', async () => (await s.json('GET', '/api/instance/w/status')).body.accountStatus.status === 'open');

  const onMessage = { to: CEM, msgId: 'NOPE' };
  const cases: [string, string, unknown, RegExp][] = [
    ['POST', 'messages/edit', { ...onMessage, body: 'x' }, /no messages\.edit\)/],
    ['POST', 'messages/forward', { to: CEM, msgId: 'NOPE' }, /no messages\.forward\)/],
    ['POST', 'messages/star', onMessage, /no messages\.star\)/],
    ['POST', 'messages/unstar', onMessage, /no messages\.star\)/],
    ['POST', 'messages/read', onMessage, /no messages\.markRead\)/],
    ['POST', 'messages/delete', { ...onMessage, forEveryone: false }, /no messages\.deleteForMe\)/],
    ['POST', 'chats/pin', { chatId: CEM }, /no chats\.setPinned\)/],
    ['POST', 'chats/mute', { chatId: CEM }, /no chats\.setMuted\)/],
    ['POST', 'chats/unmute', { chatId: CEM }, /no chats\.setMuted\)/],
    ['POST', 'chats/unread', { chatId: CEM }, /no chats\.markUnread\)/],
    ['POST', 'chats/presence', { chatId: CEM, state: 'typing' }, /no chats\.sendPresence\)/],
    ['GET', `contacts/info?chatId=${CEM}`, undefined, /no contacts\.getInfo\)/],
    ['POST', 'groups', { name: 'Ekip', participants: [CEM] }, /no groups capability\)/],
    ['POST', 'groups/participants/add', { groupId: GROUP, participants: [CEM] }, /no groups capability\)/],
    ['GET', `groups/invite?groupId=${GROUP}`, undefined, /no groups capability\)/],
    ['POST', 'groups/join', { link: 'AbCdEfGhIjKl' }, /no groups capability\)/],
    ['POST', 'groups/leave', { groupId: GROUP }, /no groups capability\)/],
    ['GET', `groups/requests?groupId=${GROUP}`, undefined, /no groups capability\)/],
    ['POST', 'groups/name', { groupId: GROUP, name: 'x' }, /no groups capability\)/],
    ['POST', 'groups/announce', { groupId: GROUP, announce: true }, /no groups capability\)/],
    ['GET', 'profile', undefined, /no profile capability\)/],
    ['POST', 'profile/name', { name: 'x' }, /no profile capability\)/],
    ['GET', 'profile/privacy', undefined, /no profile capability\)/],
    ['POST', 'profile/presence', { state: 'available' }, /no profile capability\)/],
    ['GET', 'channels', undefined, /no newsletters capability\)/],
    ['POST', 'channels/follow', { channel: 'x' }, /no newsletters capability\)/],
    ['GET', 'labels', undefined, /no labels capability\)/],
    ['POST', 'labels/add', { chatId: CEM, labelId: '1' }, /no labels capability\)/],
  ];
  for (const [method, path, body, why] of cases) {
    const res = await s.json(method, `/api/instance/w/${path}`, body);
    assert.equal([res.status, res.body.code], [501, 'unsupported'], `${method} ${path}: ${JSON.stringify(res.body)}`);
    assert.match(res.body.error, why, `${method} ${path}`);
    assert.match(res.body.error, /^the wwebjs engine of instance w cannot do this/);
  }
  // What the engine has still answers: a send, and a reaction to an unknown message is its 404.
  const react = await s.json('POST', '/api/instance/w/messages/reaction', { ...onMessage, emoji: '👍' });
  assert.equal([react.status, react.body.error], [404, `msgId: no message NOPE in chat ${CEM}@s.whatsapp.net`]);
  const sent = await s.json('POST', '/api/instance/w/messages/chat', { to: CEM, body: 'selam' });
  assert.is(sent.status, 200, JSON.stringify(sent.body));
});

unsupported.run();
