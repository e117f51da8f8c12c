import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createWwebjsEngine } from '../src/engines/wwebjs/index.js';
import { eventually, linkedSandbox, testServer, type TestServer, closesServers } from './support/app.js';
import { fakeClientFactory } from './support/fake-wwebjs-client.js';

const A = '905321000031';
const B = '905321000032';
const CEM = '905551112233';
const jid = (phone: string) => `${phone}@s.whatsapp.net`;
const now = () => Math.floor(Date.now() / 1000);

const createGroup = async (s: TestServer, id: string, name: string, participants: string[]) => {
  const res = await s.json('POST', `/api/sandbox/${id}/groups`, { name, participants });
  assert.is(res.status, 200, JSON.stringify(res.body));
  return res.body.id as string;
};

const groups = suite('groups');
closesServers(groups);

groups('GET .../groups lists the groups the account is in, with the participant count, creation time and description', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  assert.equal((await s.json('GET', '/api/instance/a/groups')).body, []);
  const before = now();
  const ekip = await createGroup(s, 'a', 'Ekip', [B, CEM]);
  const aile = await createGroup(s, 'a', 'Aile', [CEM]);
  const res = await s.json('GET', '/api/instance/a/groups');
  assert.is(res.status, 200);
  const creation = (g: any) => {
    assert.ok(g.creation >= before && g.creation <= now());
    return { ...g, creation: 0 };
  };
  assert.equal(res.body.map(creation), [
    { id: aile, name: 'Aile', participants: 2, creation: 0, desc: null },
    { id: ekip, name: 'Ekip', participants: 3, creation: 0, desc: null },
  ]);
  const ids = await s.json('GET', '/api/instance/a/groups/ids');
  assert.equal([ids.status, ids.body], [200, [aile, ekip]]);
  const atB = await s.json('GET', '/api/instance/b/groups/ids');
  assert.equal(atB.body, [ekip], 'B is only in the group it was added to');
  await s.close();
});

groups('a member who writes in a group is counted among its participants', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  const ekip = await createGroup(s, 'a', 'Ekip', []);
  assert.is((await s.json('GET', '/api/instance/a/groups')).body[0].participants, 1);
  await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, body: 'selam', groupId: ekip });
  assert.is((await s.json('GET', '/api/instance/a/groups')).body[0].participants, 2);
  await s.close();
});

groups('GET .../groups/group answers the group with its participants, their admin roles and the owner', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  const before = now();
  const ekip = await createGroup(s, 'a', 'Ekip', [B, CEM]);
  const res = await s.json('GET', `/api/instance/a/groups/group?groupId=${encodeURIComponent(ekip)}`);
  assert.is(res.status, 200);
  assert.ok(res.body.creation >= before && res.body.creation <= now(), 'creation in unix seconds');
  assert.equal({ ...res.body, creation: 0 }, {
    id: ekip,
    name: 'Ekip',
    description: null,
    participants: [
      { id: jid(A), admin: 'superadmin' },
      { id: jid(B), admin: null },
      { id: jid(CEM), admin: null },
    ],
    owner: jid(A),
    creation: 0,
    announce: false,
    locked: false,
  });
  const byDigits = await s.json('GET', `/api/instance/a/groups/group?groupId=${ekip.replace('@g.us', '')}`);
  assert.equal(byDigits.body, res.body, 'the digits alone are accepted');
  await s.close();
});

groups('groups/group answers 404 for an unknown group or one the account is not in, and 400 naming groupId for a bad one', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  const theirs = await createGroup(s, 'b', 'Başkası', [CEM]);
  for (const groupId of ['120363099999999999@g.us', theirs]) {
    const res = await s.json('GET', `/api/instance/a/groups/group?groupId=${encodeURIComponent(groupId)}`);
    assert.is(res.status, 404, groupId);
    assert.match(res.body.error, /^groupId: /);
  }
  for (const query of ['', '?groupId=', `?groupId=${jid(CEM)}`, '?groupId=abc@g.us']) {
    const res = await s.json('GET', `/api/instance/a/groups/group${query}`);
    assert.is(res.status, 400, query);
    assert.match(res.body.error, /^groupId: /);
  }
  await s.close();
});

groups('every groups route answers 404 for an unknown instance and 409 when it is not connected', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'idle', engine: 'sandbox' });
  for (const route of ['groups', 'groups/ids', 'groups/group?groupId=120363012345678901@g.us']) {
    assert.is((await s.json('GET', `/api/instance/nope/${route}`)).status, 404, `${route} unknown`);
    const idle = await s.json('GET', `/api/instance/idle/${route}`);
    assert.is(idle.status, 409, `${route} not connected`);
    assert.match(idle.body.error, /not connected/);
  }
  await s.close();
});

groups.run();

const unsupported = suite('an engine without a capability');
closesServers(unsupported);

unsupported('answers 501 unsupported, from the one capability check, for the routes of that capability only', async () => {
  const fakes = fakeClientFactory();
  const s = await testServer({
    // A wwebjs engine that does not offer the groups capability.
    wwebjs: (ctx) => Object.assign(createWwebjsEngine(ctx, { chromiumPath: null, clientFactory: fakes.factory }), { groups: undefined }),
  });
  await s.json('POST', '/api/instance', { id: 'w', engine: 'wwebjs' });
  await s.json('POST', '/api/instance/w/connect');
  await eventually('a QR code', async () => (await s.json('GET', '/api/instance/w/qr')).body.qrCode);
  fakes.current().scan('905550001111', 'Fake Phone');
  await eventually('open', async () => (await s.json('GET', '/api/instance/w/status')).body.accountStatus.status === 'open');
  const res = await s.json('GET', '/api/instance/w/groups/group?groupId=120363012345678901@g.us');
  assert.is(res.status, 501);
  assert.is(res.body.code, 'unsupported');
  assert.match(res.body.error, /cannot do this \(no groups capability\)/);
  const check = await s.json('GET', '/api/instance/w/contacts/check?chatId=905321112233');
  assert.equal([check.status, check.body], [200, { exists: true, jid: '905321112233@s.whatsapp.net' }], 'its other capabilities answer');
});

unsupported.run();
