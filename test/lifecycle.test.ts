/**
 * The lives of instances and of the server: deleting an instance that is busy, a wwebjs session
 * restored after a restart, and a graceful stop on SIGTERM.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createWwebjsEngine } from '../src/engines/wwebjs/index.js';
import { closesServers, eventually, linkedSandbox, testServer } from './support/app.js';
import { startChildServer } from './support/child-server.js';
import { fakeClientFactory } from './support/fake-wwebjs-client.js';

const A = '905321000101';
const B = '905321000102';
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const deletion = suite('DELETE /api/instance/:id while it is busy');
closesServers(deletion);

deletion('a running bulk job and queued sends end cleanly: no 500, nothing of the instance is left, and the id starts clean', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  await s.json('POST', '/api/instance/a/settings', { sendDelay: 150 });
  const image = await s.json('POST', '/api/instance/a/messages/image', { to: B, image: PNG });
  assert.is(image.status, 200, 'a media file is in the instance folder');
  const recipients = Array.from({ length: 30 }, (_, i) => ({ id: B, name: `r${i}` }));
  const job = await s.json('POST', '/api/instance/a/bulk', { recipients, body: '{name}', delay: 0 });
  assert.is(job.status, 200);
  await eventually('the job under way', async () => (await s.json('GET', `/api/instance/a/bulk/${job.body.jobId}`)).body.sent >= 2);
  // Five sends join the queue (150 ms apart); the deletion comes while most of them still wait.
  const queued = [1, 2, 3, 4, 5].map((i) => s.json('POST', '/api/instance/a/messages/chat', { to: B, body: `queued ${i}` }));
  await new Promise((r) => setTimeout(r, 50));

  const deleted = await s.json('DELETE', '/api/instance/a');
  assert.equal([deleted.status, deleted.body], [200, { success: true }]);
  const answers = await Promise.all(queued);
  for (const a of answers) assert.ok([200, 404, 409].includes(a.status), `a queued send answered ${a.status}: ${JSON.stringify(a.body)}`);
  assert.ok(answers.some((a) => a.status !== 200), 'sends still queued at the deletion were not sent');

  const db = s.hatline.database.db;
  for (const table of ['messages', 'bulk_jobs', 'chats', 'contacts', 'chat_groups', 'webhook_events', 'settings', 'idempotency_keys', 'scheduled_messages', 'chatbot_rules'] as const) {
    const rows = await db.selectFrom(table).selectAll().where('instance_id', '=', 'a').execute();
    assert.is(rows.length, 0, `${table} rows of the deleted instance`);
  }
  assert.is((await db.selectFrom('bulk_recipients').selectAll().where('job_id', '=', job.body.jobId).execute()).length, 0);
  assert.not.ok(existsSync(path.join(s.config.mediaDir, 'a')), 'the media folder is gone');
  assert.is((await s.json('GET', '/api/instance/a/status')).status, 404);

  const atB = (await s.json('GET', '/api/instance/b/messages')).body.total;
  await new Promise((r) => setTimeout(r, 400));
  assert.is((await s.json('GET', '/api/instance/b/messages')).body.total, atB, 'the job sends nothing more');

  await linkedSandbox(s, 'a', '905321000103');
  assert.is((await s.json('GET', '/api/instance/a/messages')).body.total, 0, 'a new instance with the same id has no history');
  assert.equal((await s.json('GET', '/api/instance/a/media/list')).body, [], 'nor media');
  assert.equal((await s.json('GET', '/api/instance/a/bulk')).body.total, 0, 'nor jobs');
});

deletion.run();

const restore = suite('a wwebjs instance after a server restart');
closesServers(restore);

restore('a linked wwebjs instance comes back open with its account, without a new QR', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-wwebjs-restore-'));
  const fakes = fakeClientFactory();
  const wwebjs = (ctx: Parameters<typeof createWwebjsEngine>[0]) => createWwebjsEngine(ctx, { chromiumPath: null, clientFactory: fakes.factory });
  try {
    const first = await testServer({ dir, onDisk: true, wwebjs });
    assert.is((await first.json('POST', '/api/instance', { id: 'w', engine: 'wwebjs' })).status, 200);
    await first.json('POST', '/api/instance/w/connect');
    await eventually('a QR code', async () => (await first.json('GET', '/api/instance/w/qr')).body.qrCode);
    fakes.current().scan('905550001111', 'Fake Phone');
    await eventually('open', async () => (await first.json('GET', '/api/instance/w/status')).body.accountStatus.status === 'open');
    const account = (await first.json('GET', '/api/instance/w/me')).body;
    await first.close();
    assert.is(fakes.clients.length, 1);

    const second = await testServer({ dir, onDisk: true, wwebjs });
    await eventually('open again', async () => (await second.json('GET', '/api/instance/w/status')).body.accountStatus.status === 'open');
    assert.is(fakes.clients.length, 2, 'a client was started at the restart');
    assert.equal((await second.json('GET', '/api/instance/w/me')).body, account);
    assert.is(fakes.clients[0]!.qrShown, true, 'the first start showed a QR');
    assert.is(fakes.current().qrShown, false, 'the restored session needed none');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

restore.run();

const shutdown = suite('SIGTERM');
closesServers(shutdown);

shutdown('stops within seconds with exit code 0, answers every request under way, and the bulk job goes on after the restart', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-sigterm-'));
  const env = { DATA_DIR: path.join(dir, 'data'), MEDIA_DIR: path.join(dir, 'media') };
  try {
    let server = await startChildServer(env);
    for (const [id, phone] of [['a', A], ['b', B]] as const) {
      await server.call('POST', '/api/instance', { id, engine: 'sandbox' });
      await server.call('POST', `/api/instance/${id}/connect`);
      assert.is((await server.call('POST', `/api/sandbox/${id}/scan`, { phone })).status, 200);
    }
    await server.call('POST', '/api/instance/a/settings', { sendDelay: 50 });
    const recipients = Array.from({ length: 30 }, (_, i) => ({ id: `9055500002${String(i).padStart(2, '0')}`, name: `r${i}` }));
    const job = await server.call('POST', '/api/instance/a/bulk', { recipients, body: 'hi {name}', delay: 0 });
    assert.is(job.status, 200);
    const inFlight = Array.from({ length: 10 }, (_, i) =>
      server.call('POST', '/api/instance/a/messages/chat', { to: B, body: `in flight ${i}` }).catch((err: Error) => ({ status: 0, body: String(err.cause ?? err) })),
    );
    await eventually('the job under way', async () => (await server.call('GET', `/api/instance/a/bulk/${job.body.jobId}`)).body.sent >= 2);
    // Every one of them reached the server (stored, most still waiting in the queue).
    await eventually('the requests under way', async () => {
      const bodies = ((await server.call('GET', '/api/instance/a/messages?limit=1000')).body.items as { body: string }[]).map((m) => m.body);
      return bodies.filter((b) => b.startsWith('in flight')).length === 10;
    });

    const exited = new Promise<number | null>((resolve) => server.proc.once('exit', (code) => resolve(code)));
    const t0 = Date.now();
    server.proc.kill('SIGTERM');
    const code = await exited;
    assert.is(code, 0);
    assert.ok(Date.now() - t0 < 15_000, `stopped in ${Date.now() - t0} ms`);
    const answers = await Promise.all(inFlight);
    for (const a of answers) assert.ok(a.status === 200 || a.status === 409, `a request under way answered ${a.status}: ${JSON.stringify(a.body)}`);
    assert.not.match(server.output(), /"level":"error"/, 'no error was logged');

    server = await startChildServer(env);
    const done = await eventually('the job finished after the restart', async () => {
      const j = (await server.call('GET', `/api/instance/a/bulk/${job.body.jobId}`)).body;
      return j.status === 'completed' ? j : false;
    }, 20_000);
    assert.is(done.sent + done.failed, 30);
    const history = (await server.call('GET', '/api/instance/a/messages?limit=1000')).body.items as { chatId: string; status: string }[];
    const perRecipient = new Map<string, number>();
    for (const m of history.filter((x) => x.status !== 'failed')) perRecipient.set(m.chatId, (perRecipient.get(m.chatId) ?? 0) + 1);
    for (const r of recipients) assert.ok((perRecipient.get(`${r.id}@s.whatsapp.net`) ?? 0) <= 1, `${r.id} got one message at most`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

shutdown.run();
