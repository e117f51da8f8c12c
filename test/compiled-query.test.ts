import { Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type CompiledQuery, type DatabaseConnection, type QueryResult } from 'kysely';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compiledOnce } from '../src/storage/compiled-query.js';
import { migrate, openDb } from '../src/storage/db.js';
import type { Database } from '../src/storage/schema.js';
import { transact } from '../src/storage/transact.js';

const instance = (id: string) => ({ id, description: '', engine: 'sandbox', should_run: 0, account_id: null, account_name: null, account_phone: null, created_at: 1, updated_at: 1 });

const insertInstance = compiledOnce<{ id: string; description: string; now: number }, { id: string }>((db, $) =>
  db
    .insertInto('instances')
    .values({ ...instance($('id')), description: $('description'), created_at: $('now'), updated_at: $('now') })
    .returning('id'),
);

test('a query compiled once runs with the parameters of each call, on the database and in a transaction', async () => {
  const { db, close } = openDb(':memory:');
  await migrate(db);
  const first = await insertInstance.run(db, { id: 'a', description: 'first', now: 10 });
  assert.equal(first.rows, [{ id: 'a' }]);
  await insertInstance.run(db, { id: 'b', description: 'second', now: 20 });
  try {
    await transact(db, async (trx) => {
      await insertInstance.run(trx, { id: 'c', description: 'rolled back', now: 30 });
      throw new Error('roll back');
    });
  } catch {
    // expected
  }
  const rows = await db.selectFrom('instances').select(['id', 'description', 'created_at', 'updated_at']).orderBy('id').execute();
  assert.equal(rows, [
    { id: 'a', description: 'first', created_at: 10, updated_at: 10 },
    { id: 'b', description: 'second', created_at: 20, updated_at: 20 },
  ]);
  await close();
});

test('it is compiled for each dialect: PostgreSQL gets its own SQL, with the parameters in their places', async () => {
  const seen: CompiledQuery[] = [];
  const connection: DatabaseConnection = {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      seen.push(query);
      return { rows: [] };
    },
    // eslint-disable-next-line require-yield
    async *streamQuery() {
      throw new Error('not streamed');
    },
  };
  const pg = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => ({
        init: async () => undefined,
        acquireConnection: async () => connection,
        beginTransaction: async () => undefined,
        commitTransaction: async () => undefined,
        rollbackTransaction: async () => undefined,
        releaseConnection: async () => undefined,
        destroy: async () => undefined,
      }),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  // Compiled for SQLite first (by the test above, or here), then run on PostgreSQL.
  const { db, close } = openDb(':memory:');
  await migrate(db);
  await insertInstance.run(db, { id: 'a', description: 'x', now: 1 });
  await insertInstance.run(pg, { id: 'p', description: 'on postgres', now: 5 });
  await insertInstance.run(pg, { id: 'q', description: 'again', now: 6 });
  assert.match(seen[0]!.sql, /\$1/);
  assert.not.match(seen[0]!.sql, /\?/);
  assert.equal(seen[0]!.parameters, ['p', 'on postgres', 'sandbox', 0, null, null, null, 5, 5]);
  assert.equal(seen[1]!.parameters, ['q', 'again', 'sandbox', 0, null, null, null, 6, 6]);
  await pg.destroy();
  await close();
});

test('a parameter left undefined is bound as NULL', async () => {
  const { db, close } = openDb(':memory:');
  await migrate(db);
  await db.insertInto('instances').values(instance('a')).execute();
  const setName = compiledOnce<{ id: string; name?: string | null }>((d, $) => d.updateTable('instances').set({ account_name: $('name') ?? null }).where('id', '=', $('id')));
  await db.updateTable('instances').set({ account_name: 'before' }).where('id', '=', 'a').execute();
  await setName.run(db, { id: 'a' });
  assert.is((await db.selectFrom('instances').select('account_name').executeTakeFirstOrThrow()).account_name, null);
  await close();
});

test.run();
