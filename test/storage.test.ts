/**
 * Storage on disk: WAL checkpoints happen on a worker thread (never on the event loop), the WAL is
 * copied back and starts over, and closing the database never hangs.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startCheckpointer } from '../src/storage/checkpointer.js';
import { migrate, openDb } from '../src/storage/db.js';
import { purgeInstance, purgeMessages } from '../src/storage/purge.js';
import type { NewMessageRow } from '../src/storage/schema.js';

const message = (i: number): NewMessageRow => ({
  instance_id: 'a', id: `M${i}`, chat_id: `90555${String(i % 50).padStart(7, '0')}@s.whatsapp.net`, from_jid: 'x@s.whatsapp.net', to_jid: 'y@s.whatsapp.net',
  from_me: 0, type: 'chat', body: `message ${i} with a body of an ordinary length`, caption: null, media_file: null, media_mimetype: null, media_filename: null,
  media_size: null, extra: null, status: 'received', error: null, sender_name: null, timestamp: i, native_key: null,
});

test('on disk, the server connection never checkpoints; the worker copies the WAL back, and close() does not hang', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-storage-'));
  const file = path.join(dir, 'hatline.db');
  try {
    const opened = openDb(file);
    await migrate(opened.db);
    assert.equal(opened.sqlite!.pragma('wal_autocheckpoint'), [{ wal_autocheckpoint: 0 }], 'the event loop never checkpoints');
    await opened.db.insertInto('instances').values({ id: 'a', description: '', engine: 'sandbox', should_run: 0, account_id: null, account_name: null, account_phone: null, created_at: 1, updated_at: 1 }).execute();
    for (let i = 0; i < 20; i++) {
      await opened.db.insertInto('messages').values(Array.from({ length: 100 }, (_, k) => message(i * 100 + k))).execute();
    }
    // A second connection sees the rows through the WAL; the worker then copies them into the file.
    const reader = new SQLite(file, { readonly: true });
    assert.equal(reader.prepare('select count(*) as n from messages').get(), { n: 2000 });
    reader.close();
    const walBefore = statSync(`${file}-wal`).size;
    assert.ok(walBefore > 100_000, `the WAL holds the writes (${walBefore} bytes)`);
    const removed = await purgeMessages(opened.db, 'a', undefined, 100);
    assert.is(removed, 2000, 'a purge in batches deletes everything, pausing for the worker now and then');
    const t0 = Date.now();
    await opened.close();
    assert.ok(Date.now() - t0 < 3000, `closed in ${Date.now() - t0} ms`);
    const after = new SQLite(file, { readonly: true });
    assert.equal(after.prepare('select count(*) as n from messages').get(), { n: 0 });
    after.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the checkpointer reports a WAL copied back in full (catchUp), and false when it cannot within the wait', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-checkpoint-'));
  const file = path.join(dir, 'c.db');
  let checkpointer: ReturnType<typeof startCheckpointer> | null = null;
  try {
    const db = new SQLite(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('create table t (x text)');
    const insert = db.prepare('insert into t values (?)');
    db.transaction(() => {
      for (let i = 0; i < 5000; i++) insert.run(`row ${i} `.repeat(10));
    })();
    checkpointer = startCheckpointer(file, { intervalMs: 20 });
    assert.is(await checkpointer.catchUp(5000), true, 'the worker copied every frame back');
    // Once copied back, the next write starts the WAL over from its beginning.
    insert.run('one more');
    const frames = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    assert.ok(frames[0]!.log < 10, `the WAL started over (${frames[0]!.log} frames)`);
    // A reader holding an old snapshot keeps the worker from finishing.
    const reader = new SQLite(file, { readonly: true });
    const snapshot = reader.prepare('select count(*) as n from t');
    reader.exec('begin');
    snapshot.get();
    db.transaction(() => {
      for (let i = 0; i < 500; i++) insert.run(`late ${i} `.repeat(10));
    })();
    assert.is(await checkpointer.catchUp(300), false, 'not copied back while a reader holds the old snapshot');
    reader.exec('commit');
    reader.close();
    assert.is(await checkpointer.catchUp(5000), true);
    db.close();
  } finally {
    // A failed assertion must not leave the worker running: the test process would never exit.
    await checkpointer?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

test('deleting an instance takes every row of it in batches, the growing tables and a big bulk job included, and nothing of another instance', async () => {
  const opened = openDb(':memory:');
  try {
    const { db } = opened;
    await migrate(db);
    for (const id of ['a', 'b']) {
      await db.insertInto('instances').values({ id, description: '', engine: 'sandbox', should_run: 0, account_id: null, account_name: null, account_phone: null, created_at: 1, updated_at: 1 }).execute();
      await db.insertInto('messages').values(Array.from({ length: 30 }, (_, k) => ({ ...message(k), instance_id: id }))).execute();
      await db.insertInto('chats').values(Array.from({ length: 23 }, (_, k) => ({ instance_id: id, chat_id: `c${k}`, is_group: 0, name: null, archived: 0, unread_count: 0, last_message_at: null, last_seq: null, updated_at: 1 }))).execute();
      await db.insertInto('contacts').values(Array.from({ length: 23 }, (_, k) => ({ instance_id: id, contact_id: `p${k}`, name: null, notify: null, updated_at: 1 }))).execute();
      const job = await db
        .insertInto('bulk_jobs')
        .values({ instance_id: id, status: 'completed', message_type: 'text', body: 'x', media_url: null, filename: null, delay: 0, total: 25, created_at: 1, started_at: null, finished_at: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.insertInto('bulk_recipients').values(Array.from({ length: 25 }, (_, k) => ({ job_id: job.id, position: k, recipient: `9055500${k}`, chat_id: `c${k}`, name: null, status: 'sent' as const, message_id: null, error: null, updated_at: 1 }))).execute();
    }
    const count = async (table: 'messages' | 'chats' | 'contacts' | 'bulk_jobs' | 'message_stats') =>
      Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('instance_id', '=', 'a').executeTakeFirstOrThrow()).n);
    assert.ok((await count('message_stats')) > 0, 'the analytics counters hold rows of the instance too');
    await purgeInstance(db, 'a', 7);
    for (const table of ['messages', 'chats', 'contacts', 'bulk_jobs', 'message_stats'] as const) assert.is(await count(table), 0, `${table} of a`);
    const recipients = await db.selectFrom('bulk_recipients').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    assert.is(Number(recipients.n), 25, "only b's recipients are left");
    const left = await db.selectFrom('chats').select((eb) => eb.fn.countAll().as('n')).where('instance_id', '=', 'b').executeTakeFirstOrThrow();
    assert.is(Number(left.n), 23, "b's chats are untouched");
  } finally {
    await opened.close();
  }
});
