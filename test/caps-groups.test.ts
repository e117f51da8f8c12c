import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closesServers, eventually, testServer, type TestServer } from './support/app.js';
import { delivered, deliveredAll, jid, linkedWithHook } from './support/caps.js';

const A = '905321000081';
const B = '905321000082';
const C = '905321000083';
const CEM = '905559990081';
const NOBODY = '905559990000'; // a sandbox number ending in 0000 is not on WhatsApp

const info = async (s: TestServer, instance: string, groupId: string) => (await s.json('GET', `/api/instance/${instance}/groups/group?groupId=${encodeURIComponent(groupId)}`)).body;
const listed = async (s: TestServer, instance: string) => ((await s.json('GET', `/api/instance/${instance}/groups`)).body as any[]).map((g) => g.id);

async function created(s: TestServer, instance: string, name: string, participants: string[]) {
  const res = await s.json('POST', `/api/instance/${instance}/groups`, { name, participants });
  assert.is(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

const admin = suite('groups: create and members');
closesServers(admin);

admin('create: the creator owns it, members see it, numbers not on WhatsApp are left out', async () => {
  const s = await testServer();
  await linkedWithHook(s, 'a', A);
  await linkedWithHook(s, 'b', B);
  const group = await created(s, 'a', 'Ekip', [B, `+${CEM}`, NOBODY]);
  assert.match(group.id, /@g\.us$/);
  assert.equal([group.name, group.owner, group.announce, group.locked], ['Ekip', jid(A), false, false]);
  assert.equal(group.participants, [
    { id: jid(A), admin: 'superadmin' },
    { id: jid(B), admin: null },
    { id: jid(CEM), admin: null },
  ]);
  assert.equal(await listed(s, 'a'), [group.id]);
  await eventually('B lists it', async () => (await listed(s, 'b')).includes(group.id));
  assert.equal((await info(s, 'b', group.id)).participants.length, 3);
  const empty = await s.json('POST', '/api/instance/a/groups', { name: 'Boş', participants: [] });
  assert.equal([empty.status, empty.body.error], [400, 'participants: name at least one participant']);
  const noName = await s.json('POST', '/api/instance/a/groups', { name: '  ', participants: [B] });
  assert.equal([noName.status, noName.body.code], [400, 'bad_request']);
  assert.match(noName.body.error, /^name: /);
});

admin('add, promote, demote and remove answer one result per participant, and members get group_update', async () => {
  const s = await testServer();
  await linkedWithHook(s, 'a', A);
  const b = await linkedWithHook(s, 'b', B);
  await linkedWithHook(s, 'c', C);
  const group = await created(s, 'a', 'Ekip', [B]);
  const post = (action: string, participants: string[]) => s.json('POST', `/api/instance/a/groups/participants/${action}`, { groupId: group.id, participants });

  const add = await post('add', [C, B, NOBODY]);
  assert.is(add.status, 200);
  assert.equal(add.body.participants, [
    { participant: jid(C), status: 'success', message: 'Action success' },
    { participant: jid(B), status: 'error', message: 'already a member of the group' },
    { participant: jid(NOBODY), status: 'error', message: 'not on WhatsApp' },
  ]);
  const joined = await delivered(b.receiver, 'group_update', (d) => d.action === 'join');
  assert.equal({ ...joined, timestamp: 0 }, { groupId: group.id, action: 'join', participants: [jid(C)], actor: jid(A), timestamp: 0 });
  await eventually('C lists the group', async () => (await listed(s, 'c')).includes(group.id));

  assert.equal((await post('promote', [B])).body.participants, [{ participant: jid(B), status: 'success', message: 'Action success' }]);
  await delivered(b.receiver, 'group_update', (d) => d.action === 'promote' && d.participants[0] === jid(B));
  assert.equal((await info(s, 'a', group.id)).participants.find((p: any) => p.id === jid(B)).admin, 'admin');
  assert.is((await post('demote', [B])).status, 200);
  await delivered(b.receiver, 'group_update', (d) => d.action === 'demote');

  const remove = await post('remove', [C, A]);
  assert.equal(remove.body.participants, [
    { participant: jid(C), status: 'success', message: 'Action success' },
    { participant: jid(A), status: 'error', message: "the group's creator cannot be removed" },
  ]);
  await delivered(b.receiver, 'group_update', (d) => d.action === 'leave' && d.participants[0] === jid(C));
  await eventually('C no longer lists it', async () => !(await listed(s, 'c')).includes(group.id));
  assert.equal((await info(s, 'a', group.id)).participants.map((p: any) => p.id), [jid(A), jid(B)]);

  const notAdmin = await s.json('POST', '/api/instance/b/groups/participants/add', { groupId: group.id, participants: [CEM] });
  assert.equal([notAdmin.status, notAdmin.body.code], [409, 'rejected']);
  assert.match(notAdmin.body.error, /only admins/);
});

admin('400 names the field, 404 for a group the account is not in', async () => {
  const s = await testServer();
  await linkedWithHook(s, 'a', A);
  const badGroup = await s.json('POST', '/api/instance/a/groups/participants/add', { groupId: 'ekip', participants: [B] });
  assert.equal([badGroup.status, badGroup.body.error], [400, 'groupId: "ekip" is not a group id (expected 120363...@g.us)']);
  const badPerson = await s.json('POST', '/api/instance/a/groups/participants/add', { groupId: '120363099999999999@g.us', participants: [B, 'x'] });
  assert.equal([badPerson.status, badPerson.body.error], [400, 'participants.1: "x" is neither a phone number with country code nor a user id']);
  const unknown = await s.json('POST', '/api/instance/a/groups/participants/add', { groupId: '120363099999999999@g.us', participants: [B] });
  assert.equal([unknown.status, unknown.body.code], [404, 'not_found']);
  assert.match(unknown.body.error, /group 120363099999999999@g\.us not found/);
});

admin.run();

const invites = suite('groups: invite links, joining, requests, leaving');
closesServers(invites);

invites('an invite link joins another instance; a reset link no longer works', async () => {
  const s = await testServer();
  const a = await linkedWithHook(s, 'a', A);
  await linkedWithHook(s, 'b', B);
  await linkedWithHook(s, 'c', C);
  const group = await created(s, 'a', 'Kulüp', [B]);
  const invite = await s.json('GET', `/api/instance/a/groups/invite?groupId=${group.id}`);
  assert.is(invite.status, 200);
  assert.match(invite.body.link, /^https:\/\/chat\.whatsapp\.com\/[A-Za-z0-9_-]+$/);
  assert.is(invite.body.link, `https://chat.whatsapp.com/${invite.body.code}`);
  const notAdmin = await s.json('GET', `/api/instance/b/groups/invite?groupId=${group.id}`);
  assert.equal([notAdmin.status, notAdmin.body.code], [409, 'rejected']);

  const join = await s.json('POST', '/api/instance/c/groups/join', { link: invite.body.link });
  assert.equal([join.status, join.body], [200, { success: true, groupId: group.id }]);
  assert.ok((await listed(s, 'c')).includes(group.id), 'listed at once');
  const event = await delivered(a.receiver, 'group_update', (d) => d.action === 'join');
  assert.equal([event.participants, event.actor], [[jid(C)], jid(C)]);

  const reset = await s.json('POST', '/api/instance/a/groups/invite/revoke', { groupId: group.id });
  assert.is(reset.status, 200);
  assert.is.not(reset.body.code, invite.body.code);
  await s.json('POST', '/api/instance/c/groups/leave', { groupId: group.id });
  const old = await s.json('POST', '/api/instance/c/groups/join', { link: invite.body.code });
  assert.equal([old.status, old.body.code], [404, 'not_found']);
  const bad = await s.json('POST', '/api/instance/c/groups/join', { link: 'https://example.com/x y' });
  assert.equal([bad.status, bad.body.code], [400, 'bad_request']);
  assert.match(bad.body.error, /^link: /);
  assert.is((await s.json('POST', '/api/instance/c/groups/join', { link: reset.body.code })).status, 200, 'the new code joins');
});

invites('an announce group asks its admins: the join is pending (409), listed in requests, approved or rejected per participant', async () => {
  const s = await testServer();
  const a = await linkedWithHook(s, 'a', A);
  await linkedWithHook(s, 'b', B);
  await linkedWithHook(s, 'c', C);
  const group = await created(s, 'a', 'Duyurular', [CEM]);
  assert.is((await s.json('POST', '/api/instance/a/groups/announce', { groupId: group.id, announce: true })).status, 200);
  const code = (await s.json('GET', `/api/instance/a/groups/invite?groupId=${group.id}`)).body.code;
  const pending = await s.json('POST', '/api/instance/b/groups/join', { link: code });
  assert.equal([pending.status, pending.body.code], [409, 'rejected']);
  assert.match(pending.body.error, /request to join is pending/);
  await s.json('POST', '/api/instance/c/groups/join', { link: code });
  const sim = await s.json('POST', '/api/sandbox/a/group-join', { from: '905559990082', groupId: group.id });
  assert.equal(sim.body, { status: 'requested' });

  const requests = await s.json('GET', `/api/instance/a/groups/requests?groupId=${group.id}`);
  assert.equal(requests.body.map((r: any) => r.id), [jid(B), jid(C), jid('905559990082')]);
  assert.type(requests.body[0].requestedAt, 'number');
  const approve = await s.json('POST', '/api/instance/a/groups/requests/approve', { groupId: group.id, participants: [B, CEM] });
  assert.equal(approve.body.participants, [
    { participant: jid(B), status: 'success', message: 'Action success' },
    { participant: jid(CEM), status: 'error', message: 'no request to join from this person' },
  ]);
  await delivered(a.receiver, 'group_update', (d) => d.action === 'join' && d.participants.includes(jid(B)));
  await eventually('B lists the group', async () => (await listed(s, 'b')).includes(group.id));
  const reject = await s.json('POST', '/api/instance/a/groups/requests/reject', { groupId: group.id, participants: [C] });
  assert.equal(reject.body.participants, [{ participant: jid(C), status: 'success', message: 'Action success' }]);
  assert.equal((await s.json('GET', `/api/instance/a/groups/requests?groupId=${group.id}`)).body.map((r: any) => r.id), [jid('905559990082')]);
  assert.not.ok((await listed(s, 'c')).includes(group.id), 'C was not let in');
});

invites('leave: the group leaves the list and the others get group_update; a member leaving by control too', async () => {
  const s = await testServer();
  const a = await linkedWithHook(s, 'a', A);
  const b = await linkedWithHook(s, 'b', B);
  const group = await created(s, 'a', 'Ekip', [B, CEM]);
  await eventually('B lists it', async () => (await listed(s, 'b')).includes(group.id));
  assert.equal((await s.json('POST', '/api/instance/b/groups/leave', { groupId: group.id })).body, { success: true });
  assert.not.ok((await listed(s, 'b')).includes(group.id));
  await delivered(b.receiver, 'group_update', (d) => d.action === 'leave' && d.participants[0] === jid(B));
  await delivered(a.receiver, 'group_update', (d) => d.action === 'leave' && d.participants[0] === jid(B));
  await eventually('A sees two members', async () => (await s.json('GET', '/api/instance/a/groups')).body[0].participants === 2);
  const again = await s.json('POST', '/api/instance/b/groups/leave', { groupId: group.id });
  assert.equal([again.status, again.body.code], [404, 'not_found']);
  assert.is((await s.json('POST', '/api/sandbox/a/group-leave', { from: CEM, groupId: group.id })).status, 200);
  await delivered(a.receiver, 'group_update', (d) => d.action === 'leave' && d.participants[0] === jid(CEM));
  await eventually('A alone', async () => (await s.json('GET', '/api/instance/a/groups')).body[0].participants === 1);
});

invites.run();

const settings = suite('groups: name, description, picture, announce, locked');
closesServers(settings);

settings('name and description change for every member (group_update with the new value); a locked group lets only admins', async () => {
  const s = await testServer();
  await linkedWithHook(s, 'a', A);
  const b = await linkedWithHook(s, 'b', B);
  const group = await created(s, 'a', 'Ekip', [B]);
  assert.equal((await s.json('POST', '/api/instance/b/groups/name', { groupId: group.id, name: 'Ekip 2027' })).body, { success: true }, 'anyone, while not locked');
  const renamed = await delivered(b.receiver, 'group_update', (d) => d.action === 'subject');
  assert.equal([renamed.value, renamed.actor], ['Ekip 2027', jid(B)]);
  await eventually('A lists the new name', async () => (await s.json('GET', '/api/instance/a/groups')).body[0].name === 'Ekip 2027');

  assert.is((await s.json('POST', '/api/instance/a/groups/description', { groupId: group.id, description: 'Haftalık' })).status, 200);
  await delivered(b.receiver, 'group_update', (d) => d.action === 'description' && d.value === 'Haftalık');
  await eventually('B lists the description', async () => (await s.json('GET', '/api/instance/b/groups')).body[0].desc === 'Haftalık');

  const lockedByB = await s.json('POST', '/api/instance/b/groups/locked', { groupId: group.id, locked: true });
  assert.equal([lockedByB.status, lockedByB.body.code], [409, 'rejected'], 'only admins change the settings');
  assert.is((await s.json('POST', '/api/instance/a/groups/locked', { groupId: group.id, locked: true })).status, 200);
  await delivered(b.receiver, 'group_update', (d) => d.action === 'locked' && d.value === true);
  assert.is((await s.json('GET', `/api/instance/b/groups/group?groupId=${group.id}`)).body.locked, true);
  const nameByB = await s.json('POST', '/api/instance/b/groups/name', { groupId: group.id, name: 'Bizim' });
  assert.equal([nameByB.status, nameByB.body.code], [409, 'rejected']);
  assert.match(nameByB.body.error, /locked/);
});

settings('announce: only admins send messages; picture set and removed', async () => {
  const s = await testServer();
  await linkedWithHook(s, 'a', A);
  const b = await linkedWithHook(s, 'b', B);
  const group = await created(s, 'a', 'Duyuru', [B]);
  assert.is((await s.json('POST', '/api/instance/a/groups/announce', { groupId: group.id, announce: true })).status, 200);
  await delivered(b.receiver, 'group_update', (d) => d.action === 'announce' && d.value === true);
  const fromB = await s.json('POST', '/api/instance/b/messages/chat', { to: group.id, body: 'ben de' });
  assert.equal([fromB.status, fromB.body.code], [409, 'rejected']);
  assert.match(fromB.body.error, /only admins may send messages/);
  assert.is((await s.json('POST', '/api/instance/a/messages/chat', { to: group.id, body: 'duyuru' })).status, 200);

  const png = `data:image/png;base64,${Buffer.from('89504e470d0a1a0a', 'hex').toString('base64')}`;
  assert.is((await s.json('POST', '/api/instance/a/groups/picture', { groupId: group.id, picture: png })).status, 200);
  await delivered(b.receiver, 'group_update', (d) => d.action === 'picture' && d.value === true);
  assert.is((await s.json('GET', `/api/instance/b/contacts/image?chatId=${group.id}`)).body.url, png);
  assert.is((await s.json('POST', '/api/instance/a/groups/picture', { groupId: group.id, picture: null })).status, 200);
  assert.is((await s.json('GET', `/api/instance/b/contacts/image?chatId=${group.id}`)).body.url, null);
  await delivered(b.receiver, 'group_update', (d) => d.action === 'picture' && d.value === false);
  const notImage = await s.json('POST', '/api/instance/a/groups/picture', { groupId: group.id, picture: 'data:text/plain;base64,aGk=' });
  assert.equal([notImage.status, notImage.body.code], [409, 'rejected']);
  assert.match(notImage.body.error, /must be an image/);
  // A change after the refused one: once its event is in, a picture event of the refusal would be too.
  await s.json('POST', '/api/instance/a/groups/description', { groupId: group.id, description: 'son' });
  await delivered(b.receiver, 'group_update', (d) => d.action === 'description' && d.value === 'son');
  assert.is(deliveredAll(b.receiver, 'group_update').filter((d) => d.action === 'picture').length, 2, 'a refused picture tells nobody');
});

settings.run();
