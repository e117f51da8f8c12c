import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { as, createEmbedToken, createKey } from './support/access.js';
import { closesServers, eventually, linkedSandbox, testServer, type TestServer } from './support/app.js';

closesServers(test);

const A = '905321000171';
const B = '905321000172';

const job = async (s: TestServer, id: number) => (await s.json('GET', `/api/instance/a/bulk/${id}`)).body;
const finished = (s: TestServer, id: number) =>
  eventually('bulk job completed', async () => {
    const j = await job(s, id);
    return j.status === 'completed' ? j : false;
  });

test('a fresh server lists a few default templates, each with the variables its body uses', async () => {
  const s = await testServer();
  const res = await s.json('GET', '/api/templates');
  assert.is(res.status, 200);
  const { templates } = res.body;
  assert.ok(templates.length >= 3, `${templates.length} defaults`);
  for (const t of templates) {
    assert.ok(t.title.length >= 1 && t.title.length <= 120);
    assert.is(t.instanceId, null, 'the defaults are shared');
    assert.ok(t.body.includes('{name}'));
    assert.ok(t.variables.includes('name'));
  }
  const shipped = templates.find((t: any) => t.shortcut === '/shipped');
  assert.equal(shipped.variables, ['name', 'order', 'tracking']);
  // Deleted defaults stay deleted: they are not written again when the list is empty.
  for (const t of templates) assert.is((await s.json('DELETE', `/api/templates/${t.id}`)).status, 200);
  assert.equal((await s.json('GET', '/api/templates')).body.templates, []);
});

test('templates: create, read, change, filter, delete; the fields are checked and a shortcut is unique', async () => {
  const s = await testServer();
  const created = await s.json('POST', '/api/templates', { title: 'Kargo', body: 'Merhaba {name}, siparişiniz {order} yolda.', category: 'Sipariş', shortcut: '/kargo' });
  assert.is(created.status, 200);
  const t = created.body.template;
  assert.equal([t.title, t.category, t.shortcut, t.instanceId, t.variables], ['Kargo', 'Sipariş', '/kargo', null, ['name', 'order']]);
  assert.equal((await s.json('GET', `/api/templates/${t.id}`)).body.template, t);

  const changed = await s.json('PATCH', `/api/templates/${t.id}`, { body: 'Selam {name}: {order} / {tracking}', category: '' });
  assert.is(changed.status, 200);
  assert.equal([changed.body.template.body, changed.body.template.category, changed.body.template.variables], ['Selam {name}: {order} / {tracking}', null, ['name', 'order', 'tracking']]);
  assert.is(changed.body.template.title, 'Kargo', 'what was not given stays');

  assert.equal((await s.json('GET', '/api/templates?q=SELAM')).body.templates.map((x: any) => x.id), [t.id], 'q ignores case');
  assert.ok((await s.json('GET', '/api/templates?category=Greetings')).body.templates.every((x: any) => x.category === 'Greetings'));

  const bad = [
    [{ title: '', body: 'x' }, /title/],
    [{ title: 'x'.repeat(121), body: 'x' }, /title/],
    [{ title: 'x' }, /body: is required/],
    [{ title: 'x', body: 'y', category: 'c'.repeat(61) }, /category/],
    [{ title: 'x', body: 'y', shortcut: 's'.repeat(41) }, /shortcut/],
    [{ title: 'x', body: 'y', colour: 'red' }, /colour/],
  ] as const;
  for (const [body, field] of bad) {
    const res = await s.json('POST', '/api/templates', body);
    assert.is(res.status, 400, JSON.stringify(body));
    assert.match(res.body.error, field);
  }
  const clash = await s.json('POST', '/api/templates', { title: 'Another', body: 'x', shortcut: '/kargo' });
  assert.is(clash.status, 409);
  assert.match(clash.body.error, /shortcut: "\/kargo" is already the shortcut of template/);

  assert.is((await s.json('DELETE', `/api/templates/${t.id}`)).status, 200);
  assert.is((await s.json('GET', `/api/templates/${t.id}`)).status, 404);
  assert.is((await s.json('PATCH', `/api/templates/${t.id}`, { title: 'x' })).status, 404);
});

test('keys see shared templates and those of their instances; a scoped key writes only its own instance\'s; embed tokens reach none', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'a', engine: 'sandbox' });
  await s.json('POST', '/api/instance', { id: 'b', engine: 'sandbox' });
  const ofA = (await s.json('POST', '/api/templates', { title: 'A only', body: 'a', instanceId: 'a' })).body.template;
  const ofB = (await s.json('POST', '/api/templates', { title: 'B only', body: 'b', instanceId: 'b' })).body.template;
  const key = as(s, (await createKey(s, { name: 'a-manager', scope: 'instance', instanceIds: ['a'], permissions: ['read', 'manage'] })).plain);

  const seen = (await key('GET', '/api/templates')).body.templates.map((t: any) => t.title);
  assert.ok(seen.includes('A only') && seen.includes('Welcome'));
  assert.not.ok(seen.includes('B only'));
  assert.is((await key('GET', `/api/templates/${ofB.id}`)).status, 404);
  assert.is((await key('DELETE', `/api/templates/${ofB.id}`)).status, 404);
  assert.is((await key('GET', '/api/templates?instanceId=b')).status, 404);
  assert.is((await key('GET', `/api/templates/${ofA.id}`)).status, 200);

  const shared = await key('POST', '/api/templates', { title: 'Shared', body: 'x' });
  assert.is(shared.status, 403);
  assert.match(shared.body.error, /global key/);
  const welcome = (await key('GET', '/api/templates')).body.templates.find((t: any) => t.title === 'Welcome');
  assert.is((await key('PATCH', `/api/templates/${welcome.id}`, { title: 'Mine' })).status, 403);
  assert.is((await key('POST', '/api/templates', { title: 'For B', body: 'x', instanceId: 'b' })).status, 404);
  const own = await key('POST', '/api/templates', { title: 'For A', body: 'x', instanceId: 'a' });
  assert.is(own.status, 200);
  assert.is(own.body.template.instanceId, 'a');

  const reader = as(s, (await createKey(s, { name: 'reader', scope: 'global', permissions: ['read'] })).plain);
  assert.is((await reader('GET', '/api/templates')).status, 200);
  assert.is((await reader('POST', '/api/templates', { title: 'x', body: 'y' })).status, 403);

  const embed = await createEmbedToken(s, { customerLabel: 'Acme', instanceIds: ['a'], permissions: 'read_write' });
  const res = await s.json('GET', '/api/templates', undefined, { authorization: '', 'x-embed-token': embed.token });
  assert.is(res.status, 403);
});

test('a bulk job from a template fills {name}, {phone} and each recipient\'s own vars; a variable without a value stays as written', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  const t = (await s.json('POST', '/api/templates', { title: 'Kargo', body: 'Merhaba {name} ({phone}): {order} {tracking}' })).body.template;
  const res = await s.json('POST', '/api/instance/a/bulk', {
    templateId: t.id,
    delay: 0,
    recipients: [
      { id: '905550001001', name: 'Ali', vars: { order: 'A-1', tracking: 'TR1' } },
      { id: '905550001002', vars: { order: 7, tracking: true } },
      { id: '905550001003', name: 'Cem', vars: { order: 'C-3', name: 'Cem Bey' } },
    ],
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  const done = await finished(s, res.body.jobId);
  assert.is(done.templateId, t.id);
  assert.is(done.body, t.body, 'the job keeps the text it was made with');
  assert.equal(done.recipients[0].vars, { order: 'A-1', tracking: 'TR1' });
  const history = (await s.json('GET', '/api/instance/a/messages?limit=10')).body.items;
  const bodyOf = (i: number) => history.find((m: any) => m.id === done.recipients[i].messageId).body;
  assert.is(bodyOf(0), 'Merhaba Ali (905550001001): A-1 TR1');
  assert.is(bodyOf(1), 'Merhaba 905550001002 (905550001002): 7 true');
  assert.is(bodyOf(2), 'Merhaba Cem Bey (905550001003): C-3 {tracking}');

  // Changing or deleting the template later does not change the job.
  await s.json('DELETE', `/api/templates/${t.id}`);
  assert.is((await job(s, res.body.jobId)).body, t.body);
});

test('templateId: a template of another instance, an unknown one, or one given with a body is a 400 and starts nothing', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await s.json('POST', '/api/instance', { id: 'b', engine: 'sandbox' });
  const ofB = (await s.json('POST', '/api/templates', { title: 'B', body: 'b', instanceId: 'b' })).body.template;
  const recipients = [{ id: '905550001001' }];
  for (const [body, message] of [
    [{ templateId: ofB.id, recipients }, /templateId: there is no template .* for instance a/],
    [{ templateId: 99999, recipients }, /templateId: there is no template 99999/],
    [{ templateId: ofB.id, body: 'x', recipients }, /body, templateId: give the text or a template, not both/],
    [{ body: 'x', recipients: [{ id: '905550001001', vars: { '1bad': 'x' } }] }, /recipients\.0\.vars/],
  ] as const) {
    const res = await s.json('POST', '/api/instance/a/bulk', body);
    assert.is(res.status, 400, JSON.stringify(body));
    assert.match(res.body.error, message);
  }
  assert.is((await s.json('GET', '/api/instance/a/bulk')).body.total, 0, 'no job was made');
  // A template of the same instance works.
  const ofA = (await s.json('POST', '/api/templates', { title: 'A', body: 'Hi {name}', instanceId: 'a' })).body.template;
  assert.is((await s.json('POST', '/api/instance/a/bulk', { templateId: ofA.id, recipients, delay: 0 })).status, 200);
});

test('a scheduled message from a template, with vars filled when it is made and {name} when it is sent', async () => {
  let clock = Date.parse('2026-03-01T10:00:00Z');
  const s = await testServer({ now: () => clock });
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  const t = (await s.json('POST', '/api/templates', { title: 'Randevu', body: '{name}: randevunuz {date} {time}' })).body.template;
  const res = await s.json('POST', '/api/instance/a/scheduled', {
    recipient: B,
    recipientName: 'Burak',
    templateId: t.id,
    vars: { date: '2 Mart', time: '14:00' },
    scheduledAt: '2026-03-01T10:05:00Z',
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  const listed = (await s.json('GET', '/api/instance/a/scheduled')).body.items[0];
  assert.is(listed.body, '{name}: randevunuz 2 Mart 14:00');
  clock += 6 * 60_000;
  await s.hatline.scheduler.tick();
  const sent = await eventually('sent', async () => {
    const item = (await s.json('GET', '/api/instance/a/scheduled')).body.items[0];
    return item.status === 'sent' ? item : false;
  });
  const received = await eventually('received by B', async () => (await s.json('GET', '/api/instance/b/messages')).body.items.find((m: any) => !m.fromMe));
  assert.is(received.body, 'Burak: randevunuz 2 Mart 14:00');
  assert.ok(sent.messageId);
});

test.run();
