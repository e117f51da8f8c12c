import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closesServers, linkedSandbox, testServer } from './support/app.js';
import { sendAndDeliver } from './support/caps.js';
import { failure, gowa, PNG_BYTES, success } from './support/gowa-client.js';

// GoWA's /user/* (seed 002) on linked sandbox instances: the account itself and the people it sees.

const A = '905321000081';
const B = '905321000082';
const JID_B = `${B}@s.whatsapp.net`;

async function devices() {
  const s = await testServer();
  await linkedSandbox(s, 'a', A, 'Ayşe');
  await linkedSandbox(s, 'b', B, 'Burak');
  return { s, g: gowa(s, undefined, 'a'), gb: gowa(s, undefined, 'b') };
}

const t = suite('GoWA dialect: /user');
closesServers(t);

t('/user/info, /user/check and /user/business-profile (the seed examples) tell of another account', async () => {
  const { s, g } = await devices();
  await s.json('POST', '/api/instance/b/profile/about', { about: 'Mesai 09-18' });
  const info = success(await g('GET', `/user/info?phone=${JID_B}`), 'Success get user info');
  assert.equal(info, { data: [{ name: 'Burak', verified_name: '', status: 'Mesai 09-18', picture_id: '', devices: [] }] });

  assert.equal(success(await g('GET', `/user/check?phone=${B}`), 'Success check user'), { is_on_whatsapp: true });
  assert.equal(success(await g('GET', '/user/check?phone=905321990000')), { is_on_whatsapp: false }, 'a sandbox number ending 0000 does not exist');

  failure(await g('GET', `/user/business-profile?phone=${B}`), 404, 'NOT_FOUND', /not a business account/);
  await s.json('POST', '/api/sandbox/b/business', { business: true });
  assert.is(success(await g('GET', `/user/info?phone=${B}`)).data[0].verified_name, 'Burak');
  const profile = success(await g('GET', `/user/business-profile?phone=${B}`), 'Success get business profile');
  assert.equal(profile, { jid: JID_B, email: '', address: '', categories: [], profile_options: {}, business_hours_timezone: '', business_hours: [] });
});

t('/user/avatar: POST sets the picture from a form file (the seed example), GET shows it to another account', async () => {
  const { g, gb } = await devices();
  assert.equal(success(await g('GET', `/user/avatar?phone=${JID_B}&is_preview=true`), 'Success get avatar'), { url: '', id: '', type: '' }, 'no picture yet');
  const set = await gb('POST', '/user/avatar', { avatar: new File([PNG_BYTES], 'image.jpg', { type: 'image/jpeg' }) }, { as: 'multipart' });
  assert.equal(set.body, { code: 'SUCCESS', message: 'Success change avatar' });
  const avatar = success(await g('GET', `/user/avatar?phone=${JID_B}&is_preview=true`));
  assert.ok(avatar.url.length > 0, 'a URL now');
  assert.is(avatar.type, 'preview');
  assert.is(success(await g('GET', `/user/avatar?phone=${JID_B}`)).type, 'image');
  failure(await gb('POST', '/user/avatar', { avatar: new File([Buffer.from('%PDF')], 'x.pdf', { type: 'application/pdf' }) }, { as: 'multipart' }), 400, 'VALIDATION_ERROR', /^avatar: expected an image/);
  failure(await gb('POST', '/user/avatar', {}, { as: 'multipart' }), 400, 'VALIDATION_ERROR', /^avatar/);
});

t('/user/pushname changes the name (the seed example); /user/my/privacy answers the settings in GoWA words', async () => {
  const { s, g } = await devices();
  assert.equal((await g('POST', '/user/pushname', { push_name: 'Yeni Isim' })).body, { code: 'SUCCESS', message: 'Success change push name' });
  assert.is((await s.json('GET', '/api/instance/a/me')).body.name ?? (await s.json('GET', '/api/instance/a/profile')).body.name, 'Yeni Isim');
  failure(await g('POST', '/user/pushname', { push_name: '' }), 400, 'VALIDATION_ERROR', /^push_name: cannot be blank/);
  assert.equal(success(await g('GET', '/user/my/privacy'), 'Success get privacy'), { group_add: 'all', last_seen: 'all', status: 'all', profile: 'all', read_receipts: 'all' });
});

t('/user/my/groups in PascalCase, /user/my/newsletters and /user/my/contacts list what the account has', async () => {
  const { s, g } = await devices();
  const created = await s.json('POST', '/api/sandbox/a/groups', { name: 'Ekip', participants: [B] });
  const groups = success(await g('GET', '/user/my/groups'), 'Success get list groups').data;
  assert.is(groups.length, 1);
  const group = groups[0];
  assert.equal(Object.keys(group).sort(), ['GroupCreated', 'IsAnnounce', 'IsLocked', 'JID', 'Name', 'OwnerJID', 'ParticipantCount', 'Participants', 'Topic']);
  assert.equal([group.JID, group.Name, group.OwnerJID, group.ParticipantCount], [created.body.id, 'Ekip', `${A}@s.whatsapp.net`, 2]);
  assert.match(group.GroupCreated, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const me = group.Participants.find((p: any) => p.JID === `${A}@s.whatsapp.net`);
  assert.equal(me, { JID: `${A}@s.whatsapp.net`, PhoneNumber: `${A}@s.whatsapp.net`, LID: '', IsAdmin: true, IsSuperAdmin: true, DisplayName: '', Error: 0, AddRequest: null });

  assert.equal(success(await g('GET', '/user/my/newsletters'), 'Success get list newsletter'), { data: [] });
  await s.json('POST', '/api/instance/a/channels/follow', { channel: 'https://whatsapp.com/channel/0029VaHatlineNews01' });
  const [channel] = success(await g('GET', '/user/my/newsletters')).data;
  assert.equal([channel.id, channel.state, channel.thread_metadata.name.text, channel.viewer_metadata.role], ['120363400000000001@newsletter', { type: 'active' }, 'Hatline News', 'subscriber']);
  assert.type(channel.thread_metadata.subscribers_count, 'string');

  await sendAndDeliver(s, 'b', 'a', A, 'selam');
  const contacts = success(await g('GET', '/user/my/contacts'), 'Success get list contacts').data;
  assert.ok(contacts.some((p: any) => p.jid === JID_B && p.name === 'Burak'), JSON.stringify(contacts));
});

t('a missing phone is a VALIDATION_ERROR; a device that is not logged in is 409', async () => {
  const { s, g } = await devices();
  failure(await g('GET', '/user/info', undefined, { unchecked: true }), 400, 'VALIDATION_ERROR', /^phone: cannot be blank/);
  failure(await g('GET', '/user/check?phone=abc'), 400, 'VALIDATION_ERROR', /^phone/);
  await s.json('POST', '/api/instance/a/logout');
  failure(await g('GET', '/user/my/privacy'), 409, 'AUTHENTICATION_ERROR');
});

t.run();
