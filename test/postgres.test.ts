/**
 * What is PostgreSQL's own: numbers as numbers, event ids that become visible in order although
 * transactions commit in parallel, backups left to pg_dump, and a server that cannot reach its
 * database. The rest of the suite runs on PostgreSQL as it is (npm run test:pg).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { projectRoot } from '../src/paths.js';
import { insertAudit } from '../src/storage/audit-repo.js';
import { migrate, type Db, type DbOrTrx } from '../src/storage/db.js';
import { appendEvent } from '../src/storage/event-log-repo.js';
import { transact } from '../src/storage/transact.js';
import { closesServers, linkedSandbox, testServer, TOKEN } from './support/app.js';
import { track } from './support/cleanup.js';
import { openTestDatabase, postgresOnly } from './support/database.js';
import { closedPort } from './support/http-fixture.js';

const t = suite('PostgreSQL');
closesServers(t);
const pgTest = postgresOnly(t, 'the tests of PostgreSQL itself');

/** Runs a script of the project with tsx; resolves with its exit code and output (killed after 60 s). */
function run(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: projectRoot,
      env: { ...process.env, LOG_LEVEL: 'warn', API_TOKEN: TOKEN, HOST: '127.0.0.1', ...env },
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

pgTest('bigint columns, counts and sums come back as numbers, as SQLite answers them', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', '905320000201');
  await linkedSandbox(s, 'b', '905320000202');
  assert.is((await s.json('POST', '/api/instance/a/messages/chat', { to: '905320000202', body: 'merhaba' })).status, 200);
  const db = s.hatline.database.db;
  const row = await sql<{ n: unknown; total: unknown; newest: unknown }>`SELECT count(*) AS n, sum(timestamp) AS total, max(seq) AS newest FROM messages`.execute(db);
  const { n, total, newest } = row.rows[0]!;
  assert.is(typeof n, 'number');
  assert.is(typeof total, 'number', 'sum() of a bigint is numeric in PostgreSQL');
  assert.is(typeof newest, 'number');
  const message = (await s.json('GET', '/api/instance/a/messages')).body.items[0];
  assert.is(typeof message.timestamp, 'number');
  assert.ok(message.timestamp > 1_700_000_000 && message.timestamp < 4_000_000_000, `unix seconds: ${message.timestamp}`);
});

/**
 * Two transactions: the first draws its id and stays open; the second draws the next id and tries
 * to commit. Answers what a reader sees meanwhile (labels of the rows it sees), then lets both finish.
 */
async function raceOfTwo(db: Db, insert: (trx: DbOrTrx, label: string) => Promise<void>, visible: () => Promise<string[]>): Promise<string[]> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let drawn!: () => void;
  const firstDrawn = new Promise<void>((resolve) => (drawn = resolve));
  const first = transact(db, async (trx) => {
    await insert(trx, 'first');
    drawn();
    await gate;
  });
  await firstDrawn;
  const second = transact(db, (trx) => insert(trx, 'second'));
  // The second commits now if nothing holds it back (a few hundred ms are plenty on loopback).
  await Promise.race([second, new Promise((resolve) => setTimeout(resolve, 500))]);
  const seen = await visible();
  release();
  await Promise.all([first, second]);
  return seen;
}

pgTest('an event id never becomes visible before a smaller one: appends take turns until they commit (ids of a plain table do not)', async () => {
  const opened = await openTestDatabase();
  track(() => opened.close());
  const { db } = opened;
  await migrate(db);
  await db.insertInto('instances').values({ id: 'a', description: '', engine: 'sandbox', should_run: 0, created_at: 1, updated_at: 1 }).execute();

  // The audit log draws ids the same way, without the lock: the second id is seen alone.
  const audit = await raceOfTwo(
    db,
    (trx, label) => insertAudit(trx, { created_at: 1, actor_kind: 'system', actor_id: 'x', actor_name: 'x', action: label, instance_id: null, target: null, detail: null }),
    async () => (await db.selectFrom('audit_log').select('action').orderBy('id').execute()).map((r) => r.action),
  );
  assert.equal(audit, ['second'], 'a reader can see a later id before an earlier one commits');

  const events = await raceOfTwo(
    db,
    (trx, label) => appendEvent(trx, { instance_id: 'a', event: label, data: '{}', created_at: 1 }),
    async () => (await db.selectFrom('event_log').select('event').orderBy('seq').execute()).map((r) => r.event),
  );
  assert.equal(events, [], 'the second event waited for the first to commit');
  const after = await db.selectFrom('event_log').select(['seq', 'event']).orderBy('seq').execute();
  assert.equal(after.map((r) => r.event), ['first', 'second']);
});

pgTest('POST /api/admin/backup answers 501 naming pg_dump, and npm run backup and npm run restore refuse, changing nothing', async () => {
  const s = await testServer();
  const res = await s.json('POST', '/api/admin/backup');
  assert.is(res.status, 501);
  assert.match(res.body.error, /PostgreSQL .*pg_dump/);
  assert.not.ok(existsSync(path.join(s.config.dataDir, 'backups')), 'no backup folder was made');
  assert.is((await s.json('GET', '/api/instance')).status, 200, 'and the server works on');

  const env = { DATA_DIR: s.config.dataDir, MEDIA_DIR: s.config.mediaDir, DATABASE_URL: s.config.databaseUrl! };
  const folder = path.join(s.dir, 'nightly');
  const backup = await run('src/cli/backup.ts', [folder], env);
  assert.is(backup.code, 1);
  assert.match(backup.stderr, /nothing was backed up: .*pg_dump/);
  assert.not.ok(existsSync(folder));
  const restore = await run('src/cli/restore.ts', [folder], env);
  assert.is(restore.code, 1);
  assert.match(restore.stderr, /DATABASE_URL is set.*nothing was changed.*pg_restore/);
});

t('a server whose DATABASE_URL reaches no database stops at start, saying why, without repeating the password', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-pg-down-'));
  try {
    const port = await closedPort();
    const started = await run('src/main.ts', [], {
      PORT: String(await closedPort()),
      DATA_DIR: path.join(dir, 'data'),
      MEDIA_DIR: path.join(dir, 'media'),
      DATABASE_URL: `postgres://hatline:s3cret-pw@127.0.0.1:${port}/hatline`,
    });
    assert.is(started.code, 1);
    assert.match(started.stderr, /Hatline failed to start: .*cannot open the database: .*ECONNREFUSED/);
    assert.not.match(started.stderr + started.stdout, /s3cret-pw/);
    assert.not.ok(existsSync(path.join(dir, 'data', 'hatline.db')), 'no SQLite database was made instead');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

t.run();
