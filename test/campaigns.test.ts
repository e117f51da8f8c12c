import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { as, createEmbedToken, createKey } from './support/access.js';
import { closesServers, eventually, linkedSandbox, testServer, type TestServer } from './support/app.js';

closesServers(test);

const A = '905321000181';
const B = '905321000182';
const C = '905321000183';

const campaign = async (s: TestServer, id: number) => (await s.json('GET', `/api/campaigns/${id}`)).body.campaign;
const until = (s: TestServer, id: number, status: string) =>
  eventually(`campaign ${status}`, async () => {
    const c = await campaign(s, id);
    return c.status === status ? c : false;
  }, 10_000);

test('a campaign sends each recipient its own text, delayMs apart, in the background, with a status per recipient', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  await linkedSandbox(s, 'c', C);
  const res = await s.json('POST', '/api/campaigns', {
    name: 'Bahar indirimi',
    instanceId: 'a',
    body: 'Merhaba {name}, {code} kodu ile %{rate} indirim!',
    delayMs: 500,
    recipients: [
      { phone: B, name: 'Burak', vars: { code: 'BAHAR-B', rate: 20 } },
      { phone: `+${C}`, name: 'Cem', vars: { code: 'BAHAR-C', rate: 25 } },
    ],
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  const started = res.body.campaign;
  assert.equal([started.name, started.instanceId, started.delayMs, started.total, started.templateId], ['Bahar indirimi', 'a', 500, 2, null]);
  assert.ok(['queued', 'running'].includes(started.status), 'answered before it finished');

  const done = await until(s, started.id, 'completed');
  assert.equal([done.sent, done.failed, done.pending, done.cancelled], [2, 0, 0, 0]);
  assert.equal(done.recipients.map((r: any) => [r.phone, r.name, r.status, r.chatId]), [
    [B, 'Burak', 'sent', `${B}@s.whatsapp.net`],
    [`+${C}`, 'Cem', 'sent', `${C}@s.whatsapp.net`],
  ]);
  assert.equal(done.recipients[0].vars, { code: 'BAHAR-B', rate: '20' });
  for (const [id, text] of [['b', 'Merhaba Burak, BAHAR-B kodu ile %20 indirim!'], ['c', 'Merhaba Cem, BAHAR-C kodu ile %25 indirim!']]) {
    const got = await eventually(`${id} received it`, async () => (await s.json('GET', `/api/instance/${id}/messages`)).body.items.find((m: any) => !m.fromMe));
    assert.is(got.body, text);
  }
  // Each recipient's message is in the sender's history.
  const sent = (await s.json('GET', '/api/instance/a/messages')).body.items;
  assert.equal(sent.map((m: any) => m.id).sort(), done.recipients.map((r: any) => r.messageId).sort());

  const list = (await s.json('GET', '/api/campaigns')).body;
  assert.equal([list.total, list.campaigns[0].id, list.campaigns[0].sent], [1, started.id, 2]);
  assert.is((await s.json('GET', '/api/instance/a/bulk')).body.total, 0, 'a campaign is not listed among plain bulk jobs');
  assert.is((await s.json('GET', `/api/instance/a/bulk/${started.id}`)).status, 404);
  assert.is((await s.json('GET', '/api/campaigns?status=running')).body.total, 0);
  assert.is((await s.json('GET', '/api/campaigns?instanceId=b')).body.total, 0);
});

test('a campaign from a template; the seed-000 limits: name 1-120, delayMs 500-60,000, 1 to 5,000 recipients', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'idle', engine: 'sandbox' }); // never connected: nothing is sent
  const t = (await s.json('POST', '/api/templates', { title: 'T', body: 'Hi {name}, {code}' })).body.template;
  const recipients = (n: number) => Array.from({ length: n }, (_, i) => ({ phone: `90555${String(i).padStart(7, '0')}`, vars: { code: `C${i}` } }));
  const base = { name: 'N', instanceId: 'idle', templateId: t.id, delayMs: 500 };
  for (const [body, status, message] of [
    [{ ...base, delayMs: 499, recipients: recipients(1) }, 400, /delayMs/],
    [{ ...base, delayMs: 60_001, recipients: recipients(1) }, 400, /delayMs/],
    [{ ...base, name: '', recipients: recipients(1) }, 400, /name/],
    [{ ...base, name: 'x'.repeat(121), recipients: recipients(1) }, 400, /name/],
    [{ ...base, recipients: [] }, 400, /recipients: at least one recipient/],
    [{ ...base, recipients: recipients(5001) }, 400, /recipients: at most 5000 recipients/],
    [{ ...base, recipients: [{ phone: 'not a number' }] }, 400, /recipients\.0\.phone/],
    [{ ...base, templateId: undefined, recipients: recipients(1) }, 400, /body: body or mediaUrl is required/],
    [{ ...base, instanceId: 'nope', recipients: recipients(1) }, 404, /instance nope not found/],
  ] as const) {
    const res = await s.json('POST', '/api/campaigns', body);
    assert.is(res.status, status, `${JSON.stringify(body).slice(0, 120)}: ${JSON.stringify(res.body)}`);
    assert.match(res.body.error, message);
  }
  assert.is((await s.json('GET', '/api/campaigns')).body.total, 0, 'no campaign was made');

  const big = await s.json('POST', '/api/campaigns', { ...base, delayMs: 60_000, recipients: recipients(5000) });
  assert.is(big.status, 200);
  assert.equal([big.body.campaign.total, big.body.campaign.body, big.body.campaign.templateId], [5000, 'Hi {name}, {code}', t.id]);
  const detail = await campaign(s, big.body.campaign.id);
  assert.equal(detail.recipients[4999].vars, { code: 'C4999' });
  // Waiting for its instance to open: cancelled, nothing sent; then deleted.
  const cancel = await s.json('DELETE', `/api/campaigns/${big.body.campaign.id}`);
  assert.equal(cancel.body, { ok: true, action: 'cancelled' });
  const cancelled = await campaign(s, big.body.campaign.id);
  assert.equal([cancelled.status, cancelled.sent, cancelled.cancelled], ['cancelled', 0, 5000]);
  assert.equal((await s.json('DELETE', `/api/campaigns/${big.body.campaign.id}`)).body, { ok: true, action: 'deleted' });
  assert.is((await s.json('GET', `/api/campaigns/${big.body.campaign.id}`)).status, 404);
  const left = await s.hatline.database.db.selectFrom('bulk_recipients').select('job_id').where('job_id', '=', big.body.campaign.id).execute();
  assert.is(left.length, 0, 'its recipients are gone too');
});

test('DELETE cancels a running campaign (the recipients not sent yet are not sent), then deletes it once finished', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  const res = await s.json('POST', '/api/campaigns', {
    name: 'Slow',
    instanceId: 'a',
    body: '{name}',
    delayMs: 60_000,
    recipients: [{ phone: B, name: 'one' }, { phone: B, name: 'two' }, { phone: B, name: 'three' }],
  });
  const id = res.body.campaign.id;
  await eventually('the first is sent', async () => (await campaign(s, id)).sent === 1);
  assert.is((await campaign(s, id)).status, 'running');
  assert.equal((await s.json('DELETE', `/api/campaigns/${id}`)).body, { ok: true, action: 'cancelled' });
  const c = await campaign(s, id);
  assert.equal([c.status, c.sent, c.cancelled, c.recipients.map((r: any) => r.status)], ['cancelled', 1, 2, ['sent', 'cancelled', 'cancelled']]);
  await s.hatline.bulk.settled(id);
  const inbox = async () => (await s.json('GET', '/api/instance/b/messages')).body.items.filter((m: any) => !m.fromMe).map((m: any) => m.body);
  await eventually('B received the first', async () => (await inbox()).length > 0);
  assert.equal(await inbox(), ['one'], 'only the first was sent');
  assert.equal((await s.json('DELETE', `/api/campaigns/${id}`)).body, { ok: true, action: 'deleted' });
  assert.is((await s.json('DELETE', `/api/campaigns/${id}`)).status, 404);
});

test('keys see and run only the campaigns of their instances; read-only keys and embed tokens cannot start one', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'a', engine: 'sandbox' });
  await s.json('POST', '/api/instance', { id: 'b', engine: 'sandbox' });
  const make = (instanceId: string) => s.json('POST', '/api/campaigns', { name: instanceId, instanceId, body: 'x', recipients: [{ phone: B }] });
  const ofA = (await make('a')).body.campaign;
  const ofB = (await make('b')).body.campaign;
  const key = as(s, (await createKey(s, { name: 'a', scope: 'instance', instanceIds: ['a'], permissions: ['read', 'manage'] })).plain);
  assert.equal((await key('GET', '/api/campaigns')).body.campaigns.map((c: any) => c.id), [ofA.id]);
  assert.is((await key('GET', `/api/campaigns/${ofB.id}`)).status, 404);
  assert.is((await key('DELETE', `/api/campaigns/${ofB.id}`)).status, 404);
  assert.is((await key('GET', '/api/campaigns?instanceId=b')).status, 404);
  assert.is((await key('POST', '/api/campaigns', { name: 'x', instanceId: 'b', body: 'x', recipients: [{ phone: B }] })).status, 404);
  assert.is((await key('POST', '/api/campaigns', { name: 'x', instanceId: 'a', body: 'x', recipients: [{ phone: B }] })).status, 200);
  assert.is((await key('DELETE', `/api/campaigns/${ofA.id}`)).status, 200);

  const reader = as(s, (await createKey(s, { name: 'r', scope: 'global', permissions: ['read'] })).plain);
  assert.is((await reader('GET', `/api/campaigns/${ofB.id}`)).status, 200);
  const refused = await reader('POST', '/api/campaigns', { name: 'x', instanceId: 'a', body: 'x', recipients: [{ phone: B }] });
  assert.is(refused.status, 403);
  assert.match(refused.body.error, /manage/);
  const embed = await createEmbedToken(s, { customerLabel: 'Acme', instanceIds: ['a'], permissions: 'read_write' });
  assert.is((await s.json('GET', '/api/campaigns', undefined, { authorization: '', 'x-embed-token': embed.token })).status, 403);
});

test('the seed-001 bulk endpoint keeps its own list apart from campaigns, and a deleted instance takes its campaigns with it', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'a', engine: 'sandbox' });
  const c = (await s.json('POST', '/api/campaigns', { name: 'x', instanceId: 'a', body: 'x', recipients: [{ phone: B }] })).body.campaign;
  const bulk = (await s.json('POST', '/api/instance/a/bulk', { body: 'y', recipients: [{ id: B, vars: { k: 'v' } }] })).body;
  assert.equal((await s.json('GET', '/api/instance/a/bulk')).body.items.map((j: any) => j.id), [bulk.jobId]);
  assert.equal((await s.json('GET', `/api/instance/a/bulk/${bulk.jobId}`)).body.recipients[0].vars, { k: 'v' });
  assert.is((await s.json('GET', `/api/campaigns/${bulk.jobId}`)).status, 404, 'a bulk job is not a campaign');
  assert.is((await s.json('DELETE', '/api/instance/a')).status, 200);
  assert.is((await s.json('GET', `/api/campaigns/${c.id}`)).status, 404);
  assert.is((await s.json('GET', '/api/campaigns')).body.total, 0);
});

test.run();
