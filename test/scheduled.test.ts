import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { eventually, linkedSandbox, testServer, closesServers } from './support/app.js';

closesServers(test);

const A = '905321000071';
const TO = '905559990071';
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

test('a scheduled message goes out at the first tick after its time; a cancelled one never does', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  const due = await s.json('POST', '/api/instance/a/scheduled', { recipient: `+${TO}`, recipientName: 'Ayla', body: 'Randevunuz yarın, {name}', scheduledAt: inMs(1500) });
  assert.is(due.status, 200);
  assert.equal(Object.keys(due.body).sort(), ['id', 'success']);
  const cancelled = await s.json('POST', '/api/instance/a/scheduled', { recipient: TO, body: 'never', scheduledAt: inMs(1500) });
  assert.equal((await s.json('DELETE', `/api/instance/a/scheduled/${cancelled.body.id}`)).body, { success: true });

  const pending = (await s.json('GET', '/api/instance/a/scheduled?status=pending')).body;
  assert.is(pending.total, 1);
  assert.is(pending.items[0].status, 'pending');
  assert.is(pending.items[0].chatId, `${TO}@s.whatsapp.net`);

  assert.is((await s.hatline.scheduler.tick(Date.now())).handedOn, 0, 'nothing is due before its time');
  // The tick of the cron (every 30 s) that comes after the scheduled time.
  assert.is((await s.hatline.scheduler.tick(Date.now() + 2000)).handedOn, 1);
  await s.hatline.scheduler.settled();
  const sent = await eventually('sent', async () => {
    const list = (await s.json('GET', '/api/instance/a/scheduled?status=sent')).body;
    return list.total === 1 ? list.items[0] : false;
  });
  assert.ok(Date.parse(sent.sentAt) - Date.parse(sent.scheduledAt) < 30_000, 'within 30 s of its time');
  const history = (await s.json('GET', '/api/instance/a/messages')).body.items;
  assert.is(history.length, 1, 'only the due message was sent');
  assert.is(history[0].id, sent.messageId);
  assert.is(history[0].body, 'Randevunuz yarın, Ayla');
  assert.is((await s.hatline.scheduler.tick(Date.now() + 60_000)).handedOn, 0, 'a later tick finds nothing more');
  assert.is((await s.json('GET', '/api/instance/a/messages')).body.total, 1, 'the cancelled one never goes');
  const c = (await s.json('GET', '/api/instance/a/scheduled?status=cancelled')).body.items[0];
  assert.is(c.id, cancelled.body.id);
  await s.close();
});

test('only pending messages can be cancelled (409 otherwise); unknown ids 404', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  const m = await s.json('POST', '/api/instance/a/scheduled', { recipient: TO, body: 'x', scheduledAt: inMs(60_000) });
  assert.is((await s.json('DELETE', `/api/instance/a/scheduled/${m.body.id}`)).status, 200);
  const again = await s.json('DELETE', `/api/instance/a/scheduled/${m.body.id}`);
  assert.is(again.status, 409);
  assert.match(again.body.error, /is cancelled; only pending/);
  assert.is((await s.json('DELETE', '/api/instance/a/scheduled/999')).status, 404);
  await s.close();
});

test('a tick sends what is due, leaves the future alone, and never overlaps itself', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await s.json('POST', '/api/instance/a/scheduled', { recipient: TO, body: 'soon', scheduledAt: inMs(200) });
  await s.json('POST', '/api/instance/a/scheduled', { recipient: TO, body: 'later', scheduledAt: inMs(3_600_000) });
  const [first, second] = await Promise.all([s.hatline.scheduler.tick(Date.now() + 1000), s.hatline.scheduler.tick(Date.now() + 1000)]);
  assert.equal([first.skipped, second.skipped], [false, true], 'the second tick skipped while the first ran');
  assert.is(first.handedOn, 1);
  await s.hatline.scheduler.settled();
  const list = (await s.json('GET', '/api/instance/a/scheduled')).body.items;
  assert.equal(list.map((x: any) => [x.body, x.status]), [['soon', 'sent'], ['later', 'pending']]);
  await s.close();
});

test('a due message of a disconnected instance waits, and goes once the instance is open', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'a', engine: 'sandbox' });
  await s.json('POST', '/api/instance/a/scheduled', { recipient: TO, body: 'wait for me', scheduledAt: inMs(100) });
  const t = await s.hatline.scheduler.tick(Date.now() + 500);
  assert.is(t.handedOn, 0);
  assert.is((await s.json('GET', '/api/instance/a/scheduled')).body.items[0].status, 'pending');
  await s.json('POST', '/api/instance/a/connect');
  await s.json('POST', '/api/sandbox/a/scan', { phone: A });
  await s.hatline.scheduler.tick(Date.now() + 500);
  await s.hatline.scheduler.settled();
  assert.is((await s.json('GET', '/api/instance/a/scheduled')).body.items[0].status, 'sent');
  await s.close();
});

test('bad scheduled requests answer 400 naming the field', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ body: 'x', scheduledAt: inMs(60_000) }, /^recipient: is required/],
    [{ recipient: TO, body: 'x' }, /^scheduledAt: is required/],
    [{ recipient: TO, body: 'x', scheduledAt: 'tomorrow' }, /^scheduledAt: "tomorrow" is not an ISO 8601/],
    [{ recipient: TO, body: 'x', scheduledAt: '2020-01-01T10:00:00Z' }, /^scheduledAt: .* is not in the future/],
    [{ recipient: 'nobody', body: 'x', scheduledAt: inMs(60_000) }, /^recipient:/],
    [{ recipient: TO, scheduledAt: inMs(60_000) }, /^body: body or mediaUrl is required/],
    [{ recipient: TO, messageType: 'document', body: 'x', scheduledAt: inMs(60_000) }, /^mediaUrl: is required for a document/],
    [{ recipient: TO, messageType: 'image', mediaUrl: 'ftp://x', scheduledAt: inMs(60_000) }, /^mediaUrl:/],
  ];
  for (const [body, expected] of cases) {
    const res = await s.json('POST', '/api/instance/a/scheduled', body);
    assert.is(res.status, 400, JSON.stringify(body));
    assert.match(res.body.error, expected, JSON.stringify(body));
  }
  assert.is((await s.json('GET', '/api/instance/a/scheduled?status=lost')).status, 400);
  assert.is((await s.json('GET', '/api/instance/a/scheduled')).body.total, 0);
  await s.close();
});


test('after a restart, a scheduled message that was being sent ends failed; one only queued is sent', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-sched-restart-'));
  try {
    const first = await testServer({ dir, onDisk: true });
    await linkedSandbox(first, 'a', A);
    const db = first.hatline.database.db;
    for (const [body, status] of [['in flight', 'sending'], ['handed on', 'queued']] as const) {
      await db
        .insertInto('scheduled_messages')
        .values({ instance_id: 'a', recipient: TO, chat_id: `${TO}@s.whatsapp.net`, recipient_name: null, message_type: 'text', body, media_url: null, filename: null, scheduled_at: Date.now() - 1000, status, message_id: null, error: null, created_at: Date.now(), sent_at: null })
        .execute();
    }
    await first.close();
    const second = await testServer({ dir, onDisk: true });
    await eventually('open', async () => (await second.json('GET', '/api/instance/a/status')).body.accountStatus.status === 'open');
    await second.hatline.scheduler.tick();
    await second.hatline.scheduler.settled();
    const items = (await second.json('GET', '/api/instance/a/scheduled')).body.items;
    const byBody = Object.fromEntries(items.map((x: any) => [x.body, x]));
    assert.is(byBody['in flight'].status, 'failed');
    assert.match(byBody['in flight'].error, /not sent again/);
    assert.is(byBody['handed on'].status, 'sent');
    const sentBodies = (await second.json('GET', '/api/instance/a/messages')).body.items.map((m: any) => m.body);
    assert.equal(sentBodies, ['handed on']);
    await second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a backlog of a disconnected instance does not hold back an open one', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'down', engine: 'sandbox' });
  await linkedSandbox(s, 'a', A);
  const db = s.hatline.database.db;
  const at = Date.now() - 60_000;
  for (let i = 0; i < 1000; i += 250) {
    await db
      .insertInto('scheduled_messages')
      .values(Array.from({ length: 250 }, (_, j) => ({ instance_id: 'down', recipient: TO, chat_id: `${TO}@s.whatsapp.net`, recipient_name: null, message_type: 'text', body: `backlog ${i + j}`, media_url: null, filename: null, scheduled_at: at, status: 'pending', message_id: null, error: null, created_at: at, sent_at: null })))
      .execute();
  }
  await s.json('POST', '/api/instance/a/scheduled', { recipient: TO, body: 'mine', scheduledAt: inMs(100) });
  const t = await s.hatline.scheduler.tick(Date.now() + 1000);
  assert.is(t.handedOn, 1);
  await s.hatline.scheduler.settled();
  assert.is((await s.json('GET', '/api/instance/a/scheduled')).body.items[0].status, 'sent');
  assert.is((await s.json('GET', '/api/instance/down/scheduled?status=pending')).body.total, 1000, 'the backlog waits');
  await s.close();
});

test.run();
