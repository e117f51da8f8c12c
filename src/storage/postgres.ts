import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import type { OpenedDb } from './db-types.js';
import { pgDriver } from './pg-driver.js';
import type { Database } from './schema.js';
import { WriteBatcher } from './write-batch.js';

/** PostgreSQL's type ids whose text node-postgres leaves as strings. */
const INT8 = 20;
const NUMERIC = 1700;

/**
 * node-postgres answers `bigint` (int8) and `numeric` as strings, as they may exceed a JS number.
 * Ours never do: int8 columns hold unix milliseconds, sequence numbers and counts, and `numeric`
 * comes only from sum() over them, all far below 2^53. Read as numbers, they are what the same
 * query answers on SQLite, so repositories and services see one kind of row.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((id: number, format?: 'text' | 'binary') =>
    id === INT8 || id === NUMERIC ? (text: string) => Number(text) : pgDriver().types.getTypeParser(id, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** Connections the server keeps open at most (node-postgres' default). */
const POOL_SIZE = 10;

/**
 * Opens a pool on a PostgreSQL database (DATABASE_URL). Connections are made when first needed:
 * a wrong URL or an unreachable server stops start-up at the first migration, with the driver's
 * reason. Message writes share a transaction per batch, one batch at a time, as on SQLite
 * (write-batch.ts). The SQLite-only parts have nothing to do here: WAL checkpoints (PostgreSQL
 * runs its own), the prepared-statement cache (the pool's connections plan each query), a full
 * disk (PostgreSQL refuses the write and keeps running; the error reaches the caller), and backups
 * (pg_dump; the admin endpoint answers 501).
 */
export function openPostgres(url: string, log: (message: string) => void = () => undefined): OpenedDb {
  const pool = new (pgDriver().Pool)({ connectionString: url, max: POOL_SIZE, types });
  // An idle connection that the server drops (a restart, a network cut) emits 'error' on the
  // pool; unhandled, that would end the process. The pool opens a new one when next needed.
  pool.on('error', (err) => log(`PostgreSQL connection lost: ${err.message}`));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    writes: new WriteBatcher(db),
    sqlite: null,
    close: () => db.destroy(),
  };
}
