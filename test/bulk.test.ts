import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SandboxEngine } from '../src/engines/sandbox/sandbox-engine.js';
import { eventually, linkedSandbox, testServer, type TestServer, closesServers } from './support/app.js';

closesServers(test);

const A = '905321000061';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const recipients = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `90555000${String(i + 1).padStart(4, '0')}`, name: `Kişi ${i + 1}` }));

async function one(): Promise<TestServer> {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  return s;
}
const job = async (s: TestServer, id: number) => (await s.json('GET', `/api/instance/a/bulk/${id}`)).body;

test('a 5-recipient bulk job completes: each recipient sent, with {name} and {phone} filled, each message in history', async () => {
  const s = await one();
  const res = await s.json('POST', '/api/instance/a/bulk', { recipients: recipients(5), body: 'Merhaba {name}, numaranız {phone}', delay: 0 });
  assert.is(res.status, 200);
  assert.equal(Object.keys(res.body).sort(), ['jobId', 'success']);
  const done = await eventually('completed', async () => {
    const j = await job(s, res.body.jobId);
    return j.status === 'completed' ? j : false;
  });
  assert.equal([done.total, done.sent, done.failed, done.pending, done.cancelled], [5, 5, 0, 0, 0]);
  assert.ok(done.startedAt && done.finishedAt);
  const history = (await s.json('GET', '/api/instance/a/messages?limit=100')).body.items;
  for (const [i, r] of done.recipients.entries()) {
    assert.is(r.status, 'sent');
    assert.is(r.error, null);
    const m = history.find((x: any) => x.id === r.messageId);
    assert.ok(m, `recipient ${i} message is in history`);
    assert.is(m.chatId, `${recipients(5)[i]!.id}@s.whatsapp.net`);
    assert.is(m.body, `Merhaba Kişi ${i + 1}, numaranız ${recipients(5)[i]!.id}`);
  }
  const list = (await s.json('GET', '/api/instance/a/bulk')).body;
  assert.is(list.total, 1);
  assert.is(list.items[0].id, res.body.jobId);
  assert.is(list.items[0].sent, 5);
  await s.close();
});

test('an image bulk job sends the media to each recipient', async () => {
  const s = await one();
  const res = await s.json('POST', '/api/instance/a/bulk', {
    recipients: recipients(2),
    messageType: 'image',
    mediaUrl: `data:image/png;base64,${PNG.toString('base64')}`,
    body: 'Katalog {name}',
    delay: 0,
  });
  const done = await eventually('completed', async () => ((await job(s, res.body.jobId)).status === 'completed' ? job(s, res.body.jobId) : false));
  const history = (await s.json('GET', '/api/instance/a/messages')).body.items;
  for (const r of done.recipients) {
    const m = history.find((x: any) => x.id === r.messageId);
    assert.is(m.type, 'image');
    assert.match(m.body, /^Katalog Kişi/);
  }
  await s.close();
});

test('cancelling stops a job: the rest are cancelled, never sent; a finished job answers 409', async () => {
  const s = await one();
  const res = await s.json('POST', '/api/instance/a/bulk', { recipients: recipients(5), body: 'x', delay: 1 });
  await eventually('first sent', async () => (await job(s, res.body.jobId)).sent >= 1);
  assert.equal((await s.json('POST', `/api/instance/a/bulk/${res.body.jobId}/cancel`)).body, { success: true });
  await s.hatline.bulk.settled(res.body.jobId);
  const j = await job(s, res.body.jobId);
  assert.is(j.status, 'cancelled');
  assert.ok(j.sent >= 1 && j.sent < 5, `sent ${j.sent}`);
  assert.is(j.sent + j.cancelled, 5);
  await new Promise((r) => setTimeout(r, 1200));
  assert.is((await job(s, res.body.jobId)).sent, j.sent, 'nothing sent after the cancel');
  const again = await s.json('POST', `/api/instance/a/bulk/${res.body.jobId}/cancel`);
  assert.is(again.status, 409);
  assert.match(again.body.error, /already finished/);
  assert.is((await s.json('POST', '/api/instance/a/bulk/999/cancel')).status, 404);
  await s.close();
});

test('a job waits while the instance is disconnected and goes on when it is open again', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'a', engine: 'sandbox' });
  const res = await s.json('POST', '/api/instance/a/bulk', { recipients: recipients(2), body: 'later', delay: 0 });
  await new Promise((r) => setTimeout(r, 200));
  const waiting = await job(s, res.body.jobId);
  assert.is(waiting.status, 'running');
  assert.is(waiting.pending, 2);
  await s.json('POST', '/api/instance/a/connect');
  await s.json('POST', '/api/sandbox/a/scan', { phone: A });
  await eventually('completed', async () => (await job(s, res.body.jobId)).status === 'completed');
  assert.is((await job(s, res.body.jobId)).sent, 2);
  await s.close();
});

test('a job at full speed whose instance drops mid-way: the recipients claimed but not sent go back to the queue; each is sent once', async () => {
  const s = await one();
  const engine = s.hatline.registry.engine('a') as SandboxEngine;
  const messages = engine.messages;
  const original = messages.send.bind(messages);
  let sends = 0;
  messages.send = async (to, content, options) => {
    const sent = await original(to, content, options);
    if (++sends === 40) engine.dropConnection(); // the recipients queued behind it find the instance down
    return sent;
  };
  const res = await s.json('POST', '/api/instance/a/bulk', { recipients: recipients(200), body: 'x', delay: 0 });
  const done = await eventually('completed', async () => ((await job(s, res.body.jobId)).status === 'completed' ? job(s, res.body.jobId) : false), 30_000);
  assert.is(sends, 200, 'WhatsApp asked once per recipient');
  assert.equal([done.sent, done.failed], [200, 0]);
  const history = (await s.json('GET', '/api/instance/a/messages?limit=500')).body;
  assert.is(history.total, 200, 'one message per recipient');
  assert.is(new Set(history.items.map((m: { chatId: string }) => m.chatId)).size, 200);
  await s.close();
});

test('a job at full speed cancelled mid-way: the rest are cancelled, nothing is sent after the answer, the history holds exactly the sent ones', async () => {
  const s = await one();
  const engine = s.hatline.registry.engine('a') as SandboxEngine;
  const messages = engine.messages;
  const original = messages.send.bind(messages);
  let sends = 0;
  let cancelling: Promise<unknown> | null = null;
  messages.send = async (to, content, options) => {
    if (++sends === 30) cancelling = s.json('POST', `/api/instance/a/bulk/${jobId}/cancel`);
    // Still fast enough for claims in groups, but a group takes a while to send: the cancel lands inside one.
    if (sends >= 30) await new Promise((r) => setTimeout(r, 1));
    return original(to, content, options);
  };
  const res = await s.json('POST', '/api/instance/a/bulk', { recipients: recipients(300), body: 'x', delay: 0 });
  const jobId = res.body.jobId as number;
  await eventually('cancel asked', () => cancelling);
  await cancelling;
  const asked = sends;
  await s.hatline.bulk.settled(jobId);
  await s.hatline.services.messages.settled('a');
  const j = await job(s, jobId);
  assert.is(j.status, 'cancelled');
  assert.ok(j.sent >= 30 && j.sent < 300, `sent ${j.sent}`);
  assert.is(j.sent + j.cancelled, 300, JSON.stringify({ sent: j.sent, cancelled: j.cancelled, failed: j.failed, pending: j.pending }));
  assert.is(sends, j.sent, 'WhatsApp was asked for the sent ones only');
  assert.is(sends, asked, 'nothing asked after the cancel answered (not even recipients claimed with an earlier one)');
  assert.is((await s.json('GET', '/api/instance/a/messages?limit=500')).body.total, j.sent);
  await s.close();
});

test('bad bulk requests answer 400 naming the field; nothing is created', async () => {
  const s = await one();
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ body: 'x' }, /^recipients: is required/],
    [{ recipients: [], body: 'x' }, /^recipients: at least one recipient/],
    [{ recipients: [{ id: 'nobody' }], body: 'x' }, /^recipients\.0\.id: "nobody"/],
    [{ recipients: recipients(1) }, /^body: body or mediaUrl is required/],
    [{ recipients: recipients(1), messageType: 'video', body: 'x' }, /^messageType:/],
    [{ recipients: recipients(1), messageType: 'image', body: 'x' }, /^mediaUrl: is required for a image message/],
    [{ recipients: recipients(1), messageType: 'text', mediaUrl: 'https://x/y.png' }, /^body: is required for a text message/],
    [{ recipients: recipients(1), messageType: 'image', mediaUrl: 'nope' }, /^mediaUrl: expected an http\(s\) URL/],
    [{ recipients: recipients(1), body: 'x', delay: -1 }, /^delay:/],
  ];
  for (const [body, expected] of cases) {
    const res = await s.json('POST', '/api/instance/a/bulk', body);
    assert.is(res.status, 400, JSON.stringify(body));
    assert.match(res.body.error, expected, JSON.stringify(body));
  }
  assert.is((await s.json('GET', '/api/instance/a/bulk')).body.total, 0);
  assert.is((await s.json('POST', '/api/instance/ghost/bulk', { recipients: recipients(1), body: 'x' })).status, 404);
  assert.is((await s.json('GET', '/api/instance/a/bulk/abc')).status, 400);
  assert.is((await s.json('GET', '/api/instance/a/bulk/42')).status, 404);
  await s.close();
});

test('a recipient whose send fails is failed with the error; the others are sent', async () => {
  const s = await one();
  const res = await s.json('POST', '/api/instance/a/bulk', {
    recipients: [{ id: '905550000001' }, { id: '120363000000000077@g.us' }, { id: '905550000002' }],
    body: 'x',
    delay: 0,
  });
  const done = await eventually('completed', async () => ((await job(s, res.body.jobId)).status === 'completed' ? job(s, res.body.jobId) : false));
  assert.equal(done.recipients.map((r: any) => r.status), ['sent', 'failed', 'sent']);
  assert.match(done.recipients[1].error, /not found/);
  await s.close();
});


test('after a restart, a recipient that was being sent ends failed and the job resumes with the next one', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-bulk-restart-'));
  try {
    const first = await testServer({ dir, onDisk: true });
    await linkedSandbox(first, 'a', A);
    // A job as a crash leaves it: running, recipient 0 sent, 1 in flight, 2 and 3 pending.
    const db = first.hatline.database.db;
    const { id } = await db
      .insertInto('bulk_jobs')
      .values({ instance_id: 'a', status: 'running', message_type: 'text', body: 'hi {name}', media_url: null, filename: null, delay: 0, total: 4, created_at: Date.now(), started_at: Date.now(), finished_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const statuses = ['sent', 'sending', 'pending', 'pending'] as const;
    await db
      .insertInto('bulk_recipients')
      .values(statuses.map((status, position) => ({ job_id: id, position, recipient: `90555000010${position}`, chat_id: `90555000010${position}@s.whatsapp.net`, name: `n${position}`, status, message_id: null, error: null, updated_at: null })))
      .execute();
    await first.close();

    const second = await testServer({ dir, onDisk: true });
    await eventually('open', async () => (await second.json('GET', '/api/instance/a/status')).body.accountStatus.status === 'open');
    const done = await eventually('completed', async () => {
      const j = (await second.json('GET', `/api/instance/a/bulk/${id}`)).body;
      return j.status === 'completed' ? j : false;
    });
    assert.equal(done.recipients.map((r: any) => r.status), ['sent', 'failed', 'sent', 'sent']);
    assert.match(done.recipients[1].error, /outcome is unknown, so it was not sent again/);
    const chats = (await second.json('GET', '/api/instance/a/messages')).body.items.map((m: any) => m.chatId);
    assert.not.ok(chats.includes('905550000101@s.whatsapp.net'), 'the interrupted recipient was not sent again');
    await second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a recipient cancelled while it waits in the send queue is not sent', async () => {
  const s = await one();
  assert.is((await s.json('POST', '/api/instance/a/settings', { sendDelay: 1500 })).status, 200);
  const res = await s.json('POST', '/api/instance/a/bulk', { recipients: recipients(3), body: 'x', delay: 0 });
  await eventually('first sent', async () => (await job(s, res.body.jobId)).sent === 1);
  assert.equal((await s.json('POST', `/api/instance/a/bulk/${res.body.jobId}/cancel`)).body, { success: true });
  await s.hatline.bulk.settled(res.body.jobId);
  await new Promise((r) => setTimeout(r, 1800));
  const j = await job(s, res.body.jobId);
  assert.equal(j.recipients.map((r: any) => r.status), ['sent', 'cancelled', 'cancelled']);
  const history = (await s.json('GET', '/api/instance/a/messages')).body;
  assert.is(history.total, 1, 'only the first message exists');
  await s.close();
});

test('an image bulk job keeps one copy of its media, however many recipients', async () => {
  const { readdirSync } = await import('node:fs');
  const path = await import('node:path');
  const s = await one();
  const res = await s.json('POST', '/api/instance/a/bulk', { recipients: recipients(4), messageType: 'image', mediaUrl: `data:image/png;base64,${PNG.toString('base64')}`, delay: 0 });
  await eventually('completed', async () => (await job(s, res.body.jobId)).status === 'completed');
  const files = readdirSync(path.join(s.config.mediaDir, 'a'));
  assert.is(files.length, 1, `files: ${files.join(', ')}`);
  const urls = new Set((await s.json('GET', '/api/instance/a/messages')).body.items.map((m: any) => m.media.url));
  assert.is(urls.size, 1, 'every message refers to the one file');
  await s.close();
});

test.run();
