/**
 * Backups taken while the server works (sends in flight), restored into a fresh data folder, and a
 * server started on the restore: the instances, messages, settings, chatbot rules, media and
 * sessions are there, SQLite's integrity check passes, and the per-status counts (kept by triggers)
 * agree with the rows, so the snapshot is of one moment.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { projectRoot } from '../src/paths.js';
import { restoreBackup } from '../src/services/backup/restore.js';
import { closesServers, eventually, linkedSandbox, testServer, type TestServer } from './support/app.js';
import { startChildServer } from './support/child-server.js';
import { sqliteOnly } from './support/database.js';

const BACKUP_WHY = 'its backups copy the SQLite database file; on PostgreSQL the endpoint and the CLI refuse, test/postgres.test.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const png = `data:image/png;base64,${PNG.toString('base64')}`;
const A = '905320000021';
const B = '905320000022';

const dirs: string[] = [];
function tempDir(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `hatline-${name}-`));
  dirs.push(dir);
  return dir;
}

/** Two linked sandbox instances and an idle one, settings, a chatbot rule, an image, and a Chromium-like profile. */
async function populated(s: TestServer): Promise<void> {
  await linkedSandbox(s, 'a', A, 'Ayşe');
  await linkedSandbox(s, 'b', B, 'Berk');
  await s.json('POST', '/api/instance', { id: 'idle', engine: 'sandbox', description: 'never connected' });
  assert.is((await s.json('POST', '/api/instance/a/settings', { webhookUrl: 'https://hooks.example.com/a', webhookEnabled: false })).status, 200);
  assert.is((await s.json('POST', '/api/instance/b/chatbot/rules', { trigger_text: 'fiyat', response: 'Fiyat listesi' })).status, 200);
  assert.is((await s.json('POST', '/api/instance/a/messages/image', { to: B, image: png, caption: 'resim' })).status, 200);
  // What a wwebjs session folder holds: Chromium's lock links to its live process, caches, and the session itself.
  const profile = path.join(s.config.dataDir, 'sessions', 'w', 'session-w');
  mkdirSync(path.join(profile, 'Default', 'IndexedDB', 'https_web.whatsapp.com_0.indexeddb.leveldb'), { recursive: true });
  mkdirSync(path.join(profile, 'Default', 'Cache', 'Cache_Data'), { recursive: true });
  writeFileSync(path.join(profile, 'Default', 'IndexedDB', 'https_web.whatsapp.com_0.indexeddb.leveldb', '000003.log'), 'session keys');
  writeFileSync(path.join(profile, 'Default', 'Cache', 'Cache_Data', 'data_0'), Buffer.alloc(4096));
  symlinkSync('hatline-host-12345', path.join(profile, 'SingletonLock'));
}

/** Sends from a to b, all started at once; resolves with their answers. */
function sendMany(s: TestServer, n: number, prefix: string): Promise<number[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => (await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: `${prefix}-${i}` })).status),
  );
}

/** What the restored server must show, checked through its API and its database. */
async function checkRestored(r: TestServer, expect: { atLeast: number; atMost: number }): Promise<void> {
  const sqlite = r.hatline.database.sqlite!;
  assert.is(sqlite.pragma('integrity_check', { simple: true }), 'ok');
  const list = await r.json('GET', '/api/instance');
  assert.equal(list.body.instances.sort(), ['a', 'b', 'idle']);
  assert.is(list.body.details.idle.description, 'never connected');
  assert.is((await r.json('GET', '/api/instance/a/settings')).body.webhookUrl, 'https://hooks.example.com/a');
  const rules = (await r.json('GET', '/api/instance/b/chatbot/rules')).body;
  assert.ok(JSON.stringify(rules).includes('Fiyat listesi'), 'the chatbot rule');

  // The counts the triggers keep agree with the rows: the copy is of one moment, not of a write half done.
  const kept = sqlite.prepare('select instance_id, status, n from message_counts where n > 0 order by 1, 2').all();
  const counted = sqlite.prepare('select instance_id, status, count(*) as n from messages group by 1, 2 order by 1, 2').all();
  assert.equal(kept, counted);

  const sent = (await r.json('GET', '/api/instance/a/messages?limit=1')).body;
  assert.ok(sent.total >= expect.atLeast && sent.total <= expect.atMost, `a's history holds ${sent.total} messages`);
  const image = sqlite.prepare("select media_file from messages where instance_id = 'a' and type = 'image'").get() as { media_file: string } | undefined;
  assert.ok(image, 'the image message');
  const file = await r.hatline.app.request(`/media/a/${encodeURIComponent(image.media_file)}`);
  assert.is(file.status, 200, 'its media file came back');
  assert.equal(Buffer.from(await file.arrayBuffer()), PNG);

  const profile = path.join(r.config.dataDir, 'sessions', 'w', 'session-w');
  assert.is(readFileSync(path.join(profile, 'Default', 'IndexedDB', 'https_web.whatsapp.com_0.indexeddb.leveldb', '000003.log'), 'utf8'), 'session keys');
  assert.not.ok(existsSync(path.join(profile, 'SingletonLock')), "Chromium's lock link is not copied");
  assert.not.ok(existsSync(path.join(profile, 'Default', 'Cache')), "nor Chromium's cache");

  // The restored sandbox sessions come back linked, and the server works on.
  await eventually('a open', async () => (await r.json('GET', '/api/instance/a/status')).body.accountStatus.status === 'open');
  await eventually('b open', async () => (await r.json('GET', '/api/instance/b/status')).body.accountStatus.status === 'open');
  assert.is((await r.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'after the restore' })).status, 200);
}

const endpoint = suite('POST /api/admin/backup');
const endpointTest = sqliteOnly(endpoint, 'the backup and restore tests', BACKUP_WHY);
closesServers(endpoint);
endpoint.after.each(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

endpointTest('a backup taken while sends are in flight restores to a server with everything in place', async () => {
  const dir = tempDir('backup');
  const s = await testServer({ dir, onDisk: true });
  await populated(s);
  await sendMany(s, 20, 'before');

  // 60 sends, 50 ms apart (sendDelay): the backup is taken while most of them wait or go out.
  assert.is((await s.json('POST', '/api/instance/a/settings', { sendDelay: 50 })).status, 200);
  let answered = 0;
  const inFlight = sendMany(s, 60, 'during').finally(() => (answered = 60));
  const backup = await s.json('POST', '/api/admin/backup');
  const answeredWhenBackedUp = answered;
  const statuses = await inFlight;
  assert.is(backup.status, 200, JSON.stringify(backup.body));
  assert.ok(answeredWhenBackedUp < 60, 'the backup was taken while sends were in flight');
  assert.ok(statuses.every((st) => st === 200), 'the sends went on while the backup ran');
  const report = backup.body;
  assert.ok(report.path.startsWith(path.join(s.config.dataDir, 'backups') + path.sep), report.path);
  assert.is(report.format, 'hatline-backup/1');
  assert.ok(report.database.bytes > 0);
  assert.ok(report.media.files >= 1, 'the image (both sides)');
  assert.ok(report.data.skipped >= 2, "Chromium's lock link and cache were left out");
  assert.equal(JSON.parse(readFileSync(path.join(report.path, 'manifest.json'), 'utf8')), report);
  await s.close();

  const fresh = tempDir('restored');
  const restored = await restoreBackup({ from: report.path, dataDir: path.join(fresh, 'data'), mediaDir: path.join(fresh, 'media'), force: false });
  assert.ok(restored.files > 0);
  const r = await testServer({ dir: fresh, onDisk: true });
  await checkRestored(r, { atLeast: 81, atMost: 81 }); // the image, the 20 before and the 60 during (stored pending when asked)
  // A send the backup caught before WhatsApp took it ends failed on the restored server (its outcome
  // is unknown there); the others are as they were.
  const during = r.hatline.database.sqlite!.prepare("select status, error from messages where instance_id = 'a' and body like 'during-%'").all() as { status: string; error: string | null }[];
  const interrupted = during.filter((m) => m.status === 'failed');
  assert.ok(interrupted.length >= 1, 'some sends were caught in flight');
  assert.ok(interrupted.every((m) => /may or may not have been sent/.test(m.error ?? '')), 'with the reason');
  assert.ok(during.every((m) => ['failed', 'sent', 'delivered', 'read'].includes(m.status)), during.map((m) => m.status).join(','));
  await r.close();
});

endpointTest('is for the admin token only, and one runs at a time', async () => {
  const dir = tempDir('backup-access');
  const s = await testServer({ dir, onDisk: true });
  await linkedSandbox(s, 'a', A);
  const key = await s.json('POST', '/api/keys', { name: 'ops', scope: 'global', permissions: ['read', 'send', 'manage'] });
  const byKey = await s.call('POST', '/api/admin/backup', undefined, { authorization: `Bearer ${key.body.plain}` });
  assert.is(byKey.status, 403);
  const [first, second] = await Promise.all([s.json('POST', '/api/admin/backup'), s.json('POST', '/api/admin/backup')]);
  assert.equal([first.status, second.status].sort(), [200, 409]);
  assert.match((first.status === 409 ? first : second).body.error, /under way/);
  assert.is((await s.json('POST', '/api/admin/backup')).status, 200, 'and another once it finished');
  await s.close();
});

endpoint.run();

const restore = suite('restoring');
const restoreTest = sqliteOnly(restore, 'the backup and restore tests', BACKUP_WHY);
closesServers(restore);
restore.after.each(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

restoreTest('refuses a folder that is no finished backup, and data already in place unless forced (then replaces it)', async () => {
  const dir = tempDir('restore-refusals');
  const s = await testServer({ dir, onDisk: true });
  await populated(s);
  const { body: report } = await s.json('POST', '/api/admin/backup');
  await s.close();

  const unfinished = tempDir('unfinished');
  let refused = await restoreBackup({ from: unfinished, dataDir: path.join(unfinished, 'd'), mediaDir: path.join(unfinished, 'm'), force: false }).catch((e: Error) => e);
  assert.match(String(refused), /holds no manifest\.json/);

  const target = tempDir('occupied');
  const other = await testServer({ dir: target, onDisk: true });
  await linkedSandbox(other, 'other', '905320000029');
  await other.close();
  refused = await restoreBackup({ from: report.path, dataDir: path.join(target, 'data'), mediaDir: path.join(target, 'media'), force: false }).catch((e: Error) => e);
  assert.match(String(refused), /already hold data; pass --force/);
  const untouched = await testServer({ dir: target, onDisk: true });
  assert.equal((await untouched.json('GET', '/api/instance')).body.instances, ['other'], 'nothing was changed');
  await untouched.close();

  await restoreBackup({ from: report.path, dataDir: path.join(target, 'data'), mediaDir: path.join(target, 'media'), force: true });
  const replaced = await testServer({ dir: target, onDisk: true });
  assert.equal((await replaced.json('GET', '/api/instance')).body.instances.sort(), ['a', 'b', 'idle']);
  await replaced.close();
});

restore.run();

const cli = suite('npm run backup and npm run restore');
const cliTest = sqliteOnly(cli, 'the backup and restore tests', BACKUP_WHY);
closesServers(cli);
cli.after.each(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs a CLI of src/cli with tsx; resolves with its exit code and output (killed after 60 s). */
function runCli(name: 'backup' | 'restore', args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `src/cli/${name}.ts`, ...args], {
      cwd: projectRoot,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

cliTest('backs up a running server from outside while it sends, and the restore starts as a server of its own', async () => {
  const dir = tempDir('cli');
  const s = await testServer({ dir, onDisk: true });
  await populated(s);
  await sendMany(s, 20, 'before');
  const live = { DATA_DIR: s.config.dataDir, MEDIA_DIR: s.config.mediaDir };

  const folder = path.join(tempDir('cli-backup'), 'nightly');
  let sending = true;
  const load = (async () => {
    let n = 0;
    while (sending) n += (await sendMany(s, 5, `during-${n}`)).filter((st) => st === 200).length;
    return n;
  })();
  const backup = await runCli('backup', [folder], live);
  sending = false;
  const duringCount = await load;
  assert.is(backup.code, 0, backup.stderr);
  const report = JSON.parse(backup.stdout);
  assert.is(report.path, folder);
  assert.ok(report.media.files >= 1);

  // A restore into the data folder of a running server is refused, even forced, and changes nothing.
  const intoLive = await runCli('restore', [folder, '--force'], live);
  assert.is(intoLive.code, 1);
  assert.match(intoLive.stderr, /open in a running server: stop it first \(nothing was changed\)/);
  assert.is((await s.json('GET', '/api/instance')).body.instances.length, 3);
  await s.close();

  const fresh = tempDir('cli-restored');
  const env = { DATA_DIR: path.join(fresh, 'data'), MEDIA_DIR: path.join(fresh, 'media') };
  const restored = await runCli('restore', [folder], env);
  assert.is(restored.code, 0, restored.stderr);

  const server = await startChildServer(env);
  const list = await server.call('GET', '/api/instance');
  assert.equal(list.body.instances.sort(), ['a', 'b', 'idle']);
  const history = await server.call('GET', '/api/instance/a/messages?limit=1');
  assert.ok(history.body.total >= 21 && history.body.total <= 21 + duringCount, `a's history holds ${history.body.total}`);
  await eventually('a open', async () => (await server.call('GET', '/api/instance/a/status')).body.accountStatus.status === 'open', 10_000);
  assert.is((await server.call('POST', '/api/instance/a/messages/chat', { to: B, body: 'after the restore' })).status, 200);
  await server.kill('SIGTERM');

  const r = await testServer({ dir: fresh, onDisk: true });
  await checkRestored(r, { atLeast: 22, atMost: 22 + duringCount });
  await r.close();
});

cli.run();
