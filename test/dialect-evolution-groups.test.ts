import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closesServers, linkedSandbox, testServer } from './support/app.js';
import { evo, isEvolutionError } from './support/evolution.js';

// Evolution API v2's group, label, proxy, template, webhook and settings routes (seed 000's proxy paths).

const A = '905551110001';
const B = '905551110002';
const CEM = '905551110003';
const jid = (phone: string) => `${phone}@s.whatsapp.net`;

const t = suite('Evolution dialect: groups and labels');
closesServers(t);

t('group/create (201), fetchAllGroups (getParticipants required), findGroupInfos and participants (groupJid with or without @g.us)', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  const e = evo(s);
  const created = await e('POST', 'group/create/a', { subject: 'Takım', participants: [B, CEM], description: 'Proje grubu', promoteParticipants: true });
  assert.is(created.status, 201, JSON.stringify(created.body));
  const g = created.body;
  assert.match(g.id, /@g\.us$/);
  assert.equal([g.subject, g.desc, g.size, g.owner], ['Takım', 'Proje grubu', 3, jid(A)]);
  assert.equal(g.participants.find((p: any) => p.id === jid(B)).admin, 'admin', 'promoted');

  const noFlag = await e('GET', 'group/fetchAllGroups/a');
  assert.is(noFlag.status, 400);
  assert.equal(noFlag.body.response.message, [['instance requires property "getParticipants"']]);
  const bare = await e('GET', 'group/fetchAllGroups/a?getParticipants=false');
  assert.equal([bare.status, bare.body.length, bare.body[0].subject, 'participants' in bare.body[0]], [200, 1, 'Takım', false]);
  const full = await e('GET', 'group/fetchAllGroups/a?getParticipants=true');
  assert.is(full.body[0].participants.length, 3);

  const info = await e('GET', `group/findGroupInfos/a?groupJid=${g.id}`);
  assert.equal([info.status, info.body.id, info.body.participants.length], [200, g.id, 3]);
  const digits = g.id.replace('@g.us', '');
  const members = await e('GET', `group/participants/a?groupJid=${digits}`);
  assert.equal([members.status, members.body.participants.map((p: any) => p.id).sort()], [200, [jid(A), jid(B), jid(CEM)].sort()]);
  const bad = await e('GET', 'group/findGroupInfos/a?groupJid=someone@s.whatsapp.net');
  assert.is(bad.status, 400);
  assert.ok(isEvolutionError(bad.body, 400));
});

t('group/updateParticipant (groupJid in the query) adds, promotes and removes: { updateParticipants } with 201', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  const e = evo(s);
  const g = (await e('POST', 'group/create/a', { subject: 'Takım', participants: [CEM] })).body;
  const added = await e('POST', `group/updateParticipant/a?groupJid=${g.id}`, { action: 'add', participants: [B] });
  assert.is(added.status, 201, JSON.stringify(added.body));
  assert.equal(added.body.updateParticipants.map((r: any) => [r.jid, r.status]), [[jid(B), '200']]);
  const removed = await e('POST', 'group/updateParticipant/a', { groupJid: g.id, action: 'remove', participants: [CEM] });
  assert.is(removed.status, 201);
  const ids = (await e('GET', `group/participants/a?groupJid=${g.id}`)).body.participants.map((p: any) => p.id).sort();
  assert.equal(ids, [jid(A), jid(B)].sort());
  const wrong = await e('POST', 'group/updateParticipant/a', { groupJid: g.id, action: 'ban', participants: [B] });
  assert.is(wrong.status, 400);
});

t('label/findLabels and label/handleLabel on a business account; a personal one answers 501', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  const e = evo(s);
  const personal = await e('GET', 'label/findLabels/a');
  assert.is(personal.status, 501);
  assert.ok(isEvolutionError(personal.body, 501));
  await s.json('POST', '/api/sandbox/a/business', { business: true });
  await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, body: 'selam' });
  const labels = await e('GET', 'label/findLabels/a');
  assert.is(labels.status, 200);
  assert.equal(labels.body[0], { color: 0, name: 'New customer', id: '1', predefinedId: null });
  const add = await e('POST', 'label/handleLabel/a', { number: CEM, labelId: '2', action: 'add' });
  assert.equal([add.status, add.body], [200, { numberJid: jid(CEM), labelId: '2', add: true }]);
  assert.equal((await s.json('GET', `/api/instance/a/labels/chat?chatId=${CEM}`)).body.map((l: any) => l.id), ['2']);
  const remove = await e('POST', 'label/handleLabel/a', { number: CEM, labelId: '2', action: 'remove' });
  assert.equal(remove.body, { numberJid: jid(CEM), labelId: '2', remove: true });
});

t('proxy: find answers null; turning one off is accepted; turning one on is 501 (no per-instance proxies)', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  const e = evo(s);
  assert.equal([(await e('GET', 'proxy/find/a')).status, (await e('GET', 'proxy/find/a')).body], [200, null]);
  const off = await e('POST', 'proxy/set/a', { enabled: false, host: '', port: '', protocol: 'http' });
  assert.equal([off.status, off.body.proxy.instanceName, off.body.proxy.proxy.enabled], [201, 'a', false]);
  const on = await e('POST', 'proxy/set/a', { enabled: true, host: '10.0.0.1', port: '3128', protocol: 'http' });
  assert.is(on.status, 501);
  assert.match(on.body.response.message[0], /CHROMIUM_ARGS/);
});

t('template/*: the Cloud API\'s templates answer as Evolution does for a WhatsApp Web instance (500, said plainly)', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  const e = evo(s);
  for (const [method, path] of [['GET', 'template/find/a'], ['POST', 'template/create/a'], ['POST', 'template/edit/a'], ['DELETE', 'template/delete/a']] as const) {
    const res = await e(method, path, method === 'GET' ? undefined : { name: 'x' });
    assert.is(res.status, 500, path);
    assert.match(res.body.response.message[0], /Method not available in the Baileys service/, path);
  }
});

t.run();

const config = suite('Evolution dialect: webhook and settings');
closesServers(config);

config('webhook/set takes all three body shapes (201, the Webhook record) and turns on Evolution\'s format; webhook/find answers it', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  const e = evo(s);
  assert.equal((await e('GET', 'webhook/find/a')).body, null, 'no webhook yet');
  // Evolution 2.2+: nested, byEvents/base64.
  const nested = await e('POST', 'webhook/set/a', { webhook: { enabled: true, url: 'https://n8n.example.com/webhook/evo', byEvents: true, base64: false, events: ['MESSAGES_UPSERT', 'CONNECTION_UPDATE'], headers: { authorization: 'Bearer abc' } } });
  assert.is(nested.status, 201, JSON.stringify(nested.body));
  assert.equal(nested.body, {
    id: 'a',
    url: 'https://n8n.example.com/webhook/evo',
    headers: { authorization: 'Bearer abc' },
    enabled: true,
    events: ['MESSAGES_UPSERT', 'CONNECTION_UPDATE'],
    webhookByEvents: true,
    webhookBase64: false,
    webhookFormat: 'evolution',
    instanceId: 'a',
  });
  assert.equal((await e('GET', 'webhook/find/a')).body, nested.body);
  // Seed 000 and Evolution's 2.1 docs: flat, webhookByEvents/webhookBase64.
  const flat = await e('POST', 'webhook/set/a', { enabled: true, url: 'https://example.com/flat', webhookByEvents: false, webhookBase64: true, events: ['SEND_MESSAGE'] });
  assert.is(flat.status, 201);
  assert.equal([flat.body.url, flat.body.webhookByEvents, flat.body.webhookBase64, flat.body.events], ['https://example.com/flat', false, true, ['SEND_MESSAGE']]);
  // The n8n node: nested with webhookByEvents/webhookBase64; an empty event list is every event.
  const n8n = await e('POST', 'webhook/set/a', { webhook: { enabled: true, url: 'https://example.com/n8n', webhookByEvents: true, webhookBase64: false, events: [] } });
  assert.equal([n8n.body.url, n8n.body.webhookByEvents, n8n.body.events.length > 20], ['https://example.com/n8n', true, true]);
  const native = (await s.json('GET', '/api/instance/a/settings')).body;
  assert.equal([native.webhookUrl, native.webhookEnabled, native.webhookFormat, native.evolution.events, native.evolution.byEvents], ['https://example.com/n8n', 'true', 'evolution', null, true]);

  const off = await e('POST', 'webhook/set/a', { webhook: { enabled: false, url: 'https://example.com/n8n' } });
  assert.is(off.body.enabled, false);
  const unknownEvent = await e('POST', 'webhook/set/a', { webhook: { enabled: true, url: 'https://example.com/x', events: ['MESSAGES_EXPLODED'] } });
  assert.is(unknownEvent.status, 400);
  assert.match(unknownEvent.body.response.message[0], /MESSAGES_EXPLODED/);
  const noUrl = await e('POST', 'webhook/set/a', { webhook: { enabled: true } });
  assert.is(noUrl.status, 400);
  assert.equal(noUrl.body.response.message, ['instance requires property "url"']);
  const badUrl = await e('POST', 'webhook/set/a', { enabled: true, url: 'ftp://example.com' });
  assert.is(badUrl.status, 400);
  const reserved = await e('POST', 'webhook/set/a', { webhook: { enabled: true, url: 'https://example.com/x', headers: { 'webhook-signature': 'forged' } } });
  assert.is(reserved.status, 400, 'a header the delivery signs with cannot be replaced');
  assert.is((await e('GET', 'webhook/find/a')).body.url, 'https://example.com/n8n', 'the refused ones changed nothing');
});

config('settings/find and settings/set: rejectCall and msgCall are Hatline\'s call declining; the others are named as ignored', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  const e = evo(s);
  assert.equal((await e('GET', 'settings/find/a')).body, { rejectCall: false, msgCall: '', groupsIgnore: false, alwaysOnline: false, readMessages: false, readStatus: false, syncFullHistory: false, wavoipToken: '' });
  const set = await e('POST', 'settings/set/a', { rejectCall: true, msgCall: 'Arama yerine yazın', groupsIgnore: false, alwaysOnline: true, readMessages: false, readStatus: false, syncFullHistory: false, historySyncDays: 7 });
  assert.is(set.status, 201, JSON.stringify(set.body));
  assert.equal(set.body.settings, { instanceName: 'a', settings: { rejectCall: true, msgCall: 'Arama yerine yazın', groupsIgnore: false, alwaysOnline: false, readMessages: false, readStatus: false, syncFullHistory: false, wavoipToken: '' } });
  assert.equal(set.body.ignored, ['alwaysOnline', 'historySyncDays']);
  const native = (await s.json('GET', '/api/instance/a/settings')).body;
  assert.equal([native.rejectCalls, native.rejectCallsMessage], ['true', 'Arama yerine yazın']);
  const partial = await e('POST', 'settings/set/a', { rejectCall: false });
  assert.equal([partial.status, partial.body.settings.settings.msgCall, 'ignored' in partial.body], [201, 'Arama yerine yazın', false]);
  const bad = await e('POST', 'settings/set/a', { rejectCall: 'sometimes' });
  assert.is(bad.status, 400);
  assert.ok(isEvolutionError(bad.body, 400));
});

config.run();
