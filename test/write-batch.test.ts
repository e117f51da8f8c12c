import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { migrate } from '../src/storage/db.js';
import { openTestDatabase } from './support/database.js';
import type { NewMessageRow } from '../src/storage/schema.js';
import { WriteBatcher } from '../src/storage/write-batch.js';

async function fresh() {
  const opened = await openTestDatabase();
  await migrate(opened.db);
  await opened.db.insertInto('instances').values({ id: 'a', description: '', engine: 'sandbox', should_run: 0, account_id: null, account_name: null, account_phone: null, created_at: 1, updated_at: 1 }).execute();
  return opened;
}

const row = (id: string): NewMessageRow => ({ instance_id: 'a', id, chat_id: 'c', from_jid: 'f', to_jid: 't', from_me: 1, type: 'chat', body: id, caption: null, media_file: null, media_mimetype: null, media_filename: null, media_size: null, extra: null, status: 'pending', error: null, sender_name: null, timestamp: 1, native_key: null });

test('writes of one turn commit together; each resolves once committed', async () => {
  const { db, close } = await fresh();
  const batcher = new WriteBatcher(db);
  const results = await Promise.all(['m1', 'm2', 'm3'].map((id) => batcher.run((trx) => trx.insertInto('messages').values(row(id)).execute().then(() => id))));
  assert.equal(results, ['m1', 'm2', 'm3']);
  const ids = (await db.selectFrom('messages').select('id').orderBy('id').execute()).map((r) => r.id);
  assert.equal(ids, ['m1', 'm2', 'm3']);
  await close();
});

test('a failing write rejects alone and leaves nothing half-written; the others commit', async () => {
  const { db, close } = await fresh();
  const batcher = new WriteBatcher(db);
  const ok1 = batcher.run((trx) => trx.insertInto('messages').values(row('ok1')).execute());
  // Its rejection is caught at once: on a pool it may come while the test still waits for ok2.
  const bad = batcher
    .run(async (trx) => {
      await trx.insertInto('messages').values(row('half')).execute();
      throw new Error('boom');
    })
    .then(
      () => null,
      (err: unknown) => err as Error,
    );
  const ok2 = batcher.run((trx) => trx.insertInto('messages').values(row('ok2')).execute());
  await ok1;
  await ok2;
  assert.is((await bad)?.message, 'boom', 'the failing write rejects with its own error');
  const ids = (await db.selectFrom('messages').select('id').orderBy('id').execute()).map((r) => r.id);
  assert.equal(ids, ['ok1', 'ok2'], 'the failed write left no row');
  await close();
});

test('a batch starts only once the batch before it has committed, so writes commit in the order they came', async () => {
  const { db, close } = await fresh();
  const batcher = new WriteBatcher(db);
  const seen: string[] = [];
  const first = batcher.run(async (trx) => {
    seen.push('first starts');
    await trx.insertInto('messages').values(row('first')).execute();
    await new Promise((r) => setTimeout(r, 50));
    seen.push('first ends');
  });
  // A later turn of the event loop: the next batch.
  await new Promise((r) => setImmediate(r));
  const second = batcher.run(async (trx) => {
    seen.push('second starts');
    // It sees the first one's row: committed before it began.
    const rows = await trx.selectFrom('messages').select('id').execute();
    seen.push(`second sees ${rows.map((r) => r.id).join(',')}`);
  });
  await Promise.all([first, second]);
  assert.equal(seen, ['first starts', 'first ends', 'second starts', 'second sees first']);
  await close();
});

test.run();
