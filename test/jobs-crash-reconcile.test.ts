/**
 * After a crash, bulk jobs and scheduled messages agree with the history (issue 19, a hole an
 * outside test found after repeated crashes: a recipient `failed` whose message is `sent`; a
 * phantom `failed` history row for a message never handed to WhatsApp).
 *
 * A crash is simulated by its disk image: what SQLite holds at an instant is exactly what a
 * process killed at that instant leaves behind (every commit is durable, nothing else is). The
 * image is taken synchronously at the instant chosen (right after a commit, or while a message
 * waits in the queue), the session folders are copied beside it, and a new server starts from it.
 * The SIGKILL tests (bulk-crash.test.ts) hit the same instants by chance; these hit them every time.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { EventSink } from '../src/services/events.js';
import { afterCommit } from '../src/storage/transact.js';
import { closesServers, eventually, linkedSandbox, testServer, type TestServer } from './support/app.js';
import { sqliteOnly } from './support/database.js';

const A = '905321000301';
const B = '905321000302';

/** The database as a crash at this instant would leave it (taken synchronously). */
function diskImage(s: TestServer): Buffer {
  return s.hatline.database.sqlite!.serialize();
}

/** A new server started from a crash image: the database of that instant and the session folders. */
async function restartFrom(s: TestServer, image: Buffer, dirs: string[]): Promise<TestServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-crash-image-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  cpSync(path.join(s.dir, 'data', 'sessions'), path.join(dir, 'data', 'sessions'), { recursive: true });
  writeFileSync(path.join(dir, 'data', 'hatline.db'), image);
  await s.close();
  return testServer({ dir, onDisk: true });
}

/** Takes an image right after the transaction that records the first `sent` of instance a commits. */
function imageAfterFirstSent(holder: { s?: TestServer; image?: Buffer; sentId?: string }): EventSink {
  return {
    record: async (trx, instanceId, e) => {
      if (holder.image || instanceId !== 'a' || e.event !== 'message_ack' || (e.data as { status?: string }).status !== 'sent') return;
      const id = (e.data as { id: string }).id;
      afterCommit(trx, () => {
        if (holder.image) return;
        holder.image = diskImage(holder.s!);
        holder.sentId = id;
      });
    },
  };
}

const history = async (s: TestServer) => (await s.json('GET', '/api/instance/a/messages?limit=1000')).body.items as { id: string; body: string; status: string; error?: string }[];

const reconcile = suite('after a crash, jobs agree with the history');
closesServers(reconcile);
const reconcileTest = sqliteOnly(
  reconcile,
  'the crash-image tests of jobs-crash-reconcile.test.ts',
  'a crash is an image of the SQLite file taken synchronously at an instant; bulk-crash and campaign-crash kill real servers on either database',
);
const dirs: string[] = [];
reconcile.after(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

reconcileTest('a crash right after a bulk message was recorded sent leaves its recipient sent with that message, not failed', async () => {
  const holder: { s?: TestServer; image?: Buffer; sentId?: string } = {};
  const s = await testServer({ events: imageAfterFirstSent(holder) });
  holder.s = s;
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  const recipients = Array.from({ length: 3 }, (_, i) => ({ id: B, name: `r${i}` }));
  const job = await s.json('POST', '/api/instance/a/bulk', { recipients, body: '{name}', delay: 0 });
  assert.is(job.status, 200);
  await eventually('the first send recorded', () => holder.image);

  const after = await restartFrom(s, holder.image!, dirs);
  const j = (await after.json('GET', `/api/instance/a/bulk/${job.body.jobId}`)).body;
  const first = j.recipients[0];
  const rows = await history(after);
  const row = rows.find((m) => m.id === holder.sentId);
  assert.ok(row, 'the message is in the history');
  assert.is(row!.status, 'sent');
  assert.equal([first.status, first.messageId, first.error], ['sent', holder.sentId, null], 'its recipient is sent, with that message');

  // The job goes on and ends with every recipient once in the history, as the job says.
  const done = await eventually('the job completed', async () => {
    const x = (await after.json('GET', `/api/instance/a/bulk/${job.body.jobId}`)).body;
    return x.status === 'completed' ? x : false;
  });
  await agrees(after, done);
});

reconcileTest('a crash while a bulk message waited in the queue leaves no phantom failed row: the job sends it once after the restart', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  await s.json('POST', '/api/instance/a/settings', { sendDelay: 400 });
  const recipients = Array.from({ length: 3 }, (_, i) => ({ id: B, name: `r${i}` }));
  const job = await s.json('POST', '/api/instance/a/bulk', { recipients, body: '{name}', delay: 0 });
  assert.is(job.status, 200);
  // The instant: the second recipient's message is stored `pending`, waiting out the send delay,
  // and not claimed yet (never handed to WhatsApp).
  const sqlite = s.hatline.database.sqlite!;
  const image = await eventually('a message waiting in the queue', () => {
    const pending = sqlite.prepare(`select count(*) as n from messages where instance_id = 'a' and from_me = 1 and status = 'pending'`).get() as { n: number };
    const sending = sqlite.prepare(`select count(*) as n from bulk_recipients where status = 'sending'`).get() as { n: number };
    const sent = sqlite.prepare(`select count(*) as n from bulk_recipients where status = 'sent'`).get() as { n: number };
    return pending.n === 1 && sending.n === 0 && sent.n === 1 ? diskImage(s) : false;
  });

  const after = await restartFrom(s, image, dirs);
  await after.json('POST', '/api/instance/a/settings', { sendDelay: 0 });
  const rows = await history(after);
  assert.equal(rows.filter((m) => m.status === 'failed'), [], 'no failed row for a message never handed to WhatsApp');
  assert.equal(rows.filter((m) => m.status === 'pending'), [], 'nor a pending one');
  const done = await eventually('the job completed', async () => {
    const x = (await after.json('GET', `/api/instance/a/bulk/${job.body.jobId}`)).body;
    return x.status === 'completed' ? x : false;
  });
  assert.is(done.sent, 3, 'every recipient sent');
  await agrees(after, done);
});

reconcileTest('a crash while a bulk message was being handed to WhatsApp ends both the recipient and the message failed, with the same reason', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  await s.json('POST', '/api/instance/a/settings', { sendDelay: 400 });
  const job = await s.json('POST', '/api/instance/a/bulk', { recipients: [{ id: B, name: 'r0' }, { id: B, name: 'r1' }], body: '{name}', delay: 0 });
  const sqlite = s.hatline.database.sqlite!;
  await eventually('a message waiting in the queue', () => (sqlite.prepare(`select count(*) as n from bulk_recipients where status = 'sent'`).get() as { n: number }).n === 1);
  // What the instant right after the claim looks like on disk: the recipient `sending`, its message `pending`.
  const waiting = await eventually('the second message stored', () => sqlite.prepare(`select job_id, position from bulk_recipients where status = 'pending' and message_id is not null`).get() as { job_id: number; position: number } | undefined);
  sqlite.prepare(`update bulk_recipients set status = 'sending' where job_id = ? and position = ?`).run(waiting.job_id, waiting.position);
  const image = diskImage(s);

  const after = await restartFrom(s, image, dirs);
  const j = (await after.json('GET', `/api/instance/a/bulk/${job.body.jobId}`)).body;
  const r1 = j.recipients[1];
  assert.is(r1.status, 'failed');
  assert.match(r1.error, /outcome is unknown/);
  const rows = await history(after);
  const row = rows.find((m) => m.id === r1.messageId);
  assert.ok(row, 'the failed recipient names its message');
  assert.equal([row!.status, row!.error], ['failed', r1.error], 'which is failed for the same reason');
  await agrees(after, j);
});

reconcileTest('a crash right after a scheduled message was recorded sent leaves it sent with that message', async () => {
  const holder: { s?: TestServer; image?: Buffer; sentId?: string } = {};
  const s = await testServer({ events: imageAfterFirstSent(holder) });
  holder.s = s;
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  const created = await s.json('POST', '/api/instance/a/scheduled', { recipient: B, body: 'later', scheduledAt: new Date(Date.now() + 60_000).toISOString() });
  assert.is(created.status, 200);
  await s.hatline.scheduler.tick(Date.now() + 120_000);
  await eventually('the send recorded', () => holder.image);

  const after = await restartFrom(s, holder.image!, dirs);
  const list = (await after.json('GET', '/api/instance/a/scheduled')).body.items as { id: number; status: string; messageId: string | null }[];
  const row = list.find((x) => x.id === created.body.id)!;
  assert.equal([row.status, row.messageId], ['sent', holder.sentId]);
  assert.is((await history(after)).find((m) => m.id === holder.sentId)?.status, 'sent');
});

reconcileTest('a crash while a scheduled message waited in the queue leaves no phantom failed row: it is sent once after the restart', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  await s.json('POST', '/api/instance/a/settings', { sendDelay: 400 });
  await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'first' }); // the next send waits 400 ms
  const created = await s.json('POST', '/api/instance/a/scheduled', { recipient: B, body: 'later', scheduledAt: new Date(Date.now() + 60_000).toISOString() });
  await s.hatline.scheduler.tick(Date.now() + 120_000);
  const sqlite = s.hatline.database.sqlite!;
  const image = await eventually('the scheduled message waiting in the queue', () => {
    const row = sqlite.prepare(`select status from scheduled_messages where id = ?`).get(created.body.id) as { status: string };
    const pending = sqlite.prepare(`select count(*) as n from messages where instance_id = 'a' and status = 'pending'`).get() as { n: number };
    return row.status === 'queued' && pending.n === 1 ? diskImage(s) : false;
  });

  const after = await restartFrom(s, image, dirs);
  await after.json('POST', '/api/instance/a/settings', { sendDelay: 0 });
  assert.equal((await history(after)).filter((m) => m.body === 'later'), [], 'no phantom row');
  await eventually('open again', async () => (await after.json('GET', '/api/instance/a/status')).body.accountStatus.status === 'open');
  await after.hatline.scheduler.tick(Date.now() + 120_000);
  await after.hatline.scheduler.settled();
  const rows = (await history(after)).filter((m) => m.body === 'later');
  assert.is(rows.length, 1, 'sent once');
  const row = ((await after.json('GET', '/api/instance/a/scheduled')).body.items as { id: number; status: string; messageId: string }[]).find((x) => x.id === created.body.id)!;
  assert.equal([row.status, row.messageId], ['sent', rows[0]!.id]);
});

/** Every recipient is in the history once, with the status the job gives it (bodies are the names). */
async function agrees(s: TestServer, job: { recipients: { name: string; status: string; messageId: string | null }[] }) {
  const rows = await history(s);
  for (const r of job.recipients) {
    const mine = rows.filter((m) => m.body === r.name);
    if (r.status === 'pending' || r.status === 'sending') continue;
    assert.is(mine.length, 1, `${r.name}: one history row (${JSON.stringify(mine)})`);
    assert.is(mine[0]!.id, r.messageId, `${r.name}: the recipient names its row`);
    const failed = mine[0]!.status === 'failed';
    assert.is(failed, r.status === 'failed', `${r.name}: the job says ${r.status}, the history ${mine[0]!.status}`);
  }
}

reconcile.run();
