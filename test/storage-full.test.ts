/**
 * A full disk: a media write or a database write that fails with ENOSPC / SQLITE_FULL / disk_full
 * answers 507 `storage_full` and leaves nothing half-written (no partial file, no row pointing to a
 * file that is not there, no file no row points to). The SQLite database is filled for real
 * (max_page_count makes it refuse to grow, as a full disk does); a PostgreSQL server cannot be
 * made to run out of disk from here, so a trigger raises on new messages the error PostgreSQL
 * raises when it cannot extend a file (SQLSTATE 53100 disk_full). The media disk is played by
 * replacing its write (mediaDisk), which fails after writing part of the bytes.
 */
import { createWriteStream, existsSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sql } from 'kysely';
import { mediaDisk } from '../src/media/media-store.js';
import { openDb } from '../src/storage/db.js';
import { transact } from '../src/storage/transact.js';
import { closesServers, eventually, linkedSandbox, testServer, TOKEN, type TestServer } from './support/app.js';
import { onPostgres, sqliteOnly } from './support/database.js';
import { RecordingLogger } from './support/recording-logger.js';

closesServers(test);

const original = { ...mediaDisk };
test.after.each(() => {
  Object.assign(mediaDisk, original);
});

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const png = `data:image/png;base64,${PNG.toString('base64')}`;
const noSpace = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });

/** Every name in the instance's media folder, hidden ones (temporary files) included. */
function mediaFiles(s: TestServer, instanceId: string): string[] {
  const dir = path.join(s.config.mediaDir, instanceId);
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/**
 * Lets the database grow by no page more: the next write that needs a page fails with SQLITE_FULL
 * (on PostgreSQL: a new message fails with disk_full).
 */
async function fillDatabase(s: TestServer): Promise<void> {
  if (onPostgres) {
    await sql`CREATE FUNCTION test_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'could not extend file "base/16384/16500": No space left on device' USING ERRCODE = 'disk_full';
      END $$`.execute(s.hatline.database.db);
    await sql`CREATE TRIGGER test_disk_full BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION test_disk_full()`.execute(s.hatline.database.db);
    return;
  }
  const sqlite = s.hatline.database.sqlite!;
  const pages = sqlite.pragma('page_count', { simple: true }) as number;
  sqlite.pragma(`max_page_count = ${pages + 8}`);
  sqlite.exec('create table if not exists filler (x blob)');
  const insert = sqlite.prepare('insert into filler values (?)');
  for (let i = 0; i < 10_000; i++) {
    try {
      insert.run(Buffer.alloc(1000));
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_FULL') return;
      throw err;
    }
  }
  throw new Error('the database never filled up');
}

async function freeDatabase(s: TestServer): Promise<void> {
  if (onPostgres) {
    await sql`DROP TRIGGER test_disk_full ON messages`.execute(s.hatline.database.db);
    await sql`DROP FUNCTION test_disk_full()`.execute(s.hatline.database.db);
    return;
  }
  s.hatline.database.sqlite!.pragma('max_page_count = 1073741823');
}

async function history(s: TestServer, instanceId: string) {
  return (await s.json('GET', `/api/instance/${instanceId}/messages?limit=100`)).body.items as any[];
}

/** SQLite's integrity check; PostgreSQL keeps its files itself ('ok'). */
function integrity(s: TestServer): string {
  if (onPostgres) return 'ok';
  return s.hatline.database.sqlite!.pragma('integrity_check', { simple: true }) as string;
}

test('a send whose database write finds the disk full answers 507 storage_full, keeps neither row nor media file, and goes through once there is room', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', '905320000001');
  await fillDatabase(s);

  const caption = 'x'.repeat(4000); // more than a page: the row needs pages the database cannot have
  const full = await s.json('POST', '/api/instance/a/messages/image', { to: '905551112222', image: png, caption });
  assert.is(full.status, 507, JSON.stringify(full.body));
  assert.is(full.body.code, 'storage_full');
  assert.match(full.body.error, /out of disk space/);
  assert.equal(mediaFiles(s, 'a'), [], 'the file written for the message went with it');
  const chat = await s.json('POST', '/api/instance/a/messages/chat', { to: '905551112222', body: 'y'.repeat(20_000) });
  assert.is(chat.status, 507);
  assert.is(chat.body.code, 'storage_full');

  await freeDatabase(s);
  assert.equal(await history(s, 'a'), [], 'nothing was stored');
  assert.is(integrity(s), 'ok');

  const sent = await s.json('POST', '/api/instance/a/messages/image', { to: '905551112222', image: png, caption });
  assert.is(sent.status, 200, JSON.stringify(sent.body));
  const items = await history(s, 'a');
  assert.is(items.length, 1);
  const file = decodeURIComponent(new URL(items[0].media.url).pathname.split('/').pop()!);
  assert.equal(mediaFiles(s, 'a'), [file], 'the same send stores its row and its file once there is room');
  await s.close();
});

test('a media file the full disk cut short is not kept: the send answers 507 and stores no message', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', '905320000002');
  let failures = 0;
  mediaDisk.writeFile = async (file, data) => {
    failures++;
    await writeFile(file, data.subarray(0, data.length >> 1), { flag: 'wx' }); // half of it reached the disk
    throw noSpace();
  };

  const res = await s.json('POST', '/api/instance/a/messages/image', { to: '905551112222', image: png });
  assert.is(res.status, 507, JSON.stringify(res.body));
  assert.is(res.body.code, 'storage_full');
  assert.is(failures, 1, 'the write was attempted');
  assert.equal(mediaFiles(s, 'a'), [], 'no partial or temporary file is left');
  assert.equal(await history(s, 'a'), []);

  Object.assign(mediaDisk, original);
  const ok = await s.json('POST', '/api/instance/a/messages/image', { to: '905551112222', image: png });
  assert.is(ok.status, 200);
  assert.is(mediaFiles(s, 'a').length, 1);
  assert.is((await history(s, 'a')).length, 1);
  await s.close();
});

test('an upload the full disk cut short answers 507 and leaves no file behind', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', '905320000003');
  let failures = 0;
  mediaDisk.createWriteStream = (file) => {
    const real = createWriteStream(file, { flags: 'wx' });
    return new Writable({
      write(chunk: Buffer, _encoding, cb) {
        failures++;
        real.write(chunk.subarray(0, chunk.length >> 1), () => cb(noSpace())); // part of it reached the disk
      },
      destroy(err, cb) {
        real.destroy();
        cb(err);
      },
    });
  };
  const upload = () => {
    const form = new FormData();
    form.append('file', new Blob([Buffer.alloc(200_000, 7)], { type: 'application/pdf' }), 'rapor.pdf');
    return s.hatline.app.request('/api/instance/a/media/upload', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: form });
  };

  const res = await upload();
  assert.is(res.status, 507);
  const body = (await res.json()) as { code: string };
  assert.is(body.code, 'storage_full');
  assert.ok(failures > 0, 'the write was attempted');
  assert.equal(mediaFiles(s, 'a'), []);

  Object.assign(mediaDisk, original);
  const ok = await upload();
  assert.is(ok.status, 200);
  assert.is(mediaFiles(s, 'a').length, 1);
  await s.close();
});

test('an incoming message the full database cannot take is logged as such, and its saved media file goes with it', async () => {
  const logger = new RecordingLogger();
  const s = await testServer({ logger });
  await linkedSandbox(s, 'b', '905320000004');
  await fillDatabase(s);

  const res = await s.json('POST', '/api/sandbox/b/incoming', { from: '905559998877', media: png, caption: 'z'.repeat(4000) });
  assert.is(res.status, 200);
  await eventually('the failure logged', () => logger.lines.some((l) => l.msg === 'could not store an engine event: the disk is full'));
  assert.equal(mediaFiles(s, 'b'), [], 'no file without its row');

  await freeDatabase(s);
  assert.equal(await history(s, 'b'), []);
  assert.is(integrity(s), 'ok');
  await s.json('POST', '/api/sandbox/b/incoming', { from: '905559998877', media: png, caption: 'now' });
  const items = await eventually('stored once there is room', async () => {
    const list = await history(s, 'b');
    return list.length === 1 ? list : undefined;
  });
  assert.is(mediaFiles(s, 'b').length, 1);
  assert.ok(items[0].media.url);
  await s.close();
});

sqliteOnly(test, 'the SQLITE_FULL rollback test', "SQLite's own rollback on a full disk; PostgreSQL aborts the transaction and Kysely's ROLLBACK succeeds")('a transaction that SQLite rolled back by itself on a full disk fails with SQLITE_FULL, not with a failed ROLLBACK', async () => {
  const opened = openDb(':memory:');
  try {
    const sqlite = opened.sqlite!;
    sqlite.exec('create table plain (x text)');
    sqlite.pragma(`max_page_count = ${(sqlite.pragma('page_count', { simple: true }) as number) + 4}`);
    // A plain insert needs no statement journal: on SQLITE_FULL SQLite rolls the whole transaction back.
    const grow = (n: number) => transact(opened.db, async (trx) => {
      await sql`insert into plain values ('small')`.execute(trx);
      await sql`insert into plain values (${'x'.repeat(n)})`.execute(trx);
    });
    await grow(100); // room for this one
    let failure: unknown = null;
    await grow(100_000).catch((err) => (failure = err));
    assert.is((failure as { code?: string } | null)?.code, 'SQLITE_FULL', String(failure));
    assert.not.ok(sqlite.inTransaction);
    assert.equal(sqlite.prepare('select count(*) as n from plain').get(), { n: 2 }, 'the failed transaction left nothing');
    await grow(100);
    assert.equal(sqlite.prepare('select count(*) as n from plain').get(), { n: 4 }, 'and the next one commits');
  } finally {
    await opened.close();
  }
});

test.run();
