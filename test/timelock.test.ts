import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ADMIN } from '../src/services/access/principal.js';
import { closesServers, eventually, linkedSandbox, testServer } from './support/app.js';

// WhatsApp's reach-out timelock (error 463, issue 19 item 5), simulated by the sandbox.

const t = suite('reach-out timelock');
closesServers(t);

t('a send to a new contact is refused with 429 reachout_timelock and Retry-After; the instance says until when; replies still go', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a');
  // An existing conversation: this contact wrote first.
  await s.json('POST', '/api/sandbox/a/incoming', { from: '905550001111', body: 'merhaba' });
  await s.hatline.services.messages.settled('a');
  const after = await s.hatline.services.events.newest();
  assert.is((await s.json('POST', '/api/sandbox/a/timelock', { seconds: 120 })).status, 200);
  const refused = await s.json('POST', '/api/instance/a/messages/chat', { to: '905550002222', body: 'ilk mesaj' });
  assert.is(refused.status, 429, JSON.stringify(refused.body));
  assert.is(refused.body.code, 'reachout_timelock');
  assert.match(refused.body.error, /463/);
  const retry = Number(refused.res.headers.get('retry-after'));
  assert.ok(retry > 100 && retry <= 120, `Retry-After ${retry}`);
  const status = (await s.json('GET', '/api/instance/a/status')).body.accountStatus;
  assert.is(status.status, 'open');
  assert.ok(Date.parse(status.timelockUntil) > Date.now() + 100_000, status.timelockUntil);
  const event = await eventually('the connection_status event', async () => {
    const events = await s.hatline.services.events.read(ADMIN, after, 50, 'a');
    return events.find((e) => e.event === 'connection_status' && (e.data as any).timelockUntil);
  });
  assert.is((event.data as any).status, 'connected');
  // The refused message is in the history as failed, with WhatsApp's reason.
  const failed = ((await s.json('GET', '/api/instance/a/messages?limit=5')).body.items as any[]).find((m) => m.body === 'ilk mesaj');
  assert.is(failed.status, 'failed');
  assert.match(failed.error, /timelock/);
  // A reply to the existing conversation still goes.
  const reply = await s.json('POST', '/api/instance/a/messages/chat', { to: '905550001111', body: 'cevap' });
  assert.is(reply.status, 200, JSON.stringify(reply.body));
});

t('a bulk job to new contacts waits while the timelock lasts, then sends every one, with nothing failed', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a');
  await s.json('POST', '/api/sandbox/a/timelock', { seconds: 2 });
  const recipients = [{ id: '905550003001' }, { id: '905550003002' }];
  const job = await s.json('POST', '/api/instance/a/bulk', { recipients, body: 'Kampanya', delay: 0 });
  assert.is(job.status, 200, JSON.stringify(job.body));
  const jobId = job.body.jobId ?? job.body.id;
  // Refused once: the job waits, its recipients still pending (not failed), no failed history row.
  await eventually('the timelock to be known', async () => (await s.json('GET', '/api/instance/a/status')).body.accountStatus.timelockUntil);
  await eventually(
    'the refused recipient back in the queue',
    async () => ((await s.json('GET', `/api/instance/a/bulk/${jobId}`)).body.recipients as any[]).every((r) => r.status === 'pending'),
    1500,
  );
  const history = (await s.json('GET', '/api/instance/a/messages?limit=10')).body.items as any[];
  assert.equal(history.filter((m) => m.status === 'failed'), []);
  // Once it is over, every recipient is sent.
  const done = await eventually(
    'the job to finish',
    async () => {
      const j = (await s.json('GET', `/api/instance/a/bulk/${jobId}`)).body;
      return j.status === 'completed' ? j : false;
    },
    10_000,
  );
  assert.ok(done.recipients.every((r: any) => r.status === 'sent'), JSON.stringify(done.recipients));
  const sent = ((await s.json('GET', '/api/instance/a/messages?limit=10')).body.items as any[]).filter((m) => m.body === 'Kampanya');
  assert.is(sent.length, 2);
  assert.ok(sent.every((m) => m.status !== 'failed'));
  assert.is((await s.json('GET', '/api/instance/a/status')).body.accountStatus.timelockUntil, undefined, 'over');
});

t('a scheduled message to a new contact waits while the timelock lasts, then goes', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a');
  await s.json('POST', '/api/sandbox/a/timelock', { seconds: 2 });
  const created = await s.json('POST', '/api/instance/a/scheduled', { recipient: '905550004001', body: 'Hatırlatma', scheduledAt: new Date(Date.now() + 200).toISOString() });
  assert.is(created.status, 200, JSON.stringify(created.body));
  const row = async () => ((await s.json('GET', '/api/instance/a/scheduled')).body.items as any[]).find((r) => r.id === created.body.id);
  assert.is((await s.hatline.scheduler.tick(Date.now() + 1000)).handedOn, 1);
  await s.hatline.scheduler.settled();
  // Refused by the timelock: back to pending, nothing failed, and ticks leave it while it lasts.
  assert.is((await row()).status, 'pending');
  assert.is((await s.hatline.scheduler.tick(Date.now() + 1000)).handedOn, 0);
  await eventually('the timelock to end', async () => !(await s.json('GET', '/api/instance/a/status')).body.accountStatus.timelockUntil, 5000);
  assert.is((await s.hatline.scheduler.tick(Date.now() + 1000)).handedOn, 1);
  await s.hatline.scheduler.settled();
  assert.is((await row()).status, 'sent');
  const history = (await s.json('GET', '/api/instance/a/messages?limit=10')).body.items as any[];
  assert.is(history.length, 1, 'one message');
  assert.ok(['sent', 'delivered'].includes(history[0].status), 'never a failed one');
});

t.run();
