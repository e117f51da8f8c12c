import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type SqliteDatabase } from 'kysely';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { migrations } from '../../migrations/index.js';
import type { Db, DbOrTrx, OpenedDb } from './db-types.js';
import { openPostgres } from './postgres.js';
import type { Database } from './schema.js';
import { WriteBatcher } from './write-batch.js';

export type { Db, DbOrTrx, DialectName, OpenedDb } from './db-types.js';

/** The SQLite database's file name in DATA_DIR. */
export const DATABASE_FILE = 'hatline.db';

/** How many distinct statements are kept prepared (a query with `in (?, ?, ...)` is one per list length). */
const PREPARED_MAX = 2000;

/**
 * Kysely prepares every query it runs, which costs SQLite a parse and plan each time (a tenth of
 * the server's time on the send path). This hands Kysely the statement prepared the first time
 * that SQL was seen; the least recently used ones are dropped beyond PREPARED_MAX. (Kysely's
 * `stream()` would need its own statement, as a statement being iterated is busy: it is not used.)
 */
export function preparedOnce(sqlite: SQLite.Database, max = PREPARED_MAX): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  const rollback = rollbackIfActive(sqlite);
  return {
    prepare(sql: string) {
      if (sql === 'rollback') return rollback;
      let stmt = statements.get(sql);
      if (stmt) {
        statements.delete(sql);
        statements.set(sql, stmt);
        return stmt;
      }
      stmt = sqlite.prepare(sql);
      statements.set(sql, stmt);
      if (statements.size > max) statements.delete(statements.keys().next().value!);
      return stmt;
    },
    close: () => sqlite.close(),
  };
}

/**
 * Kysely's ROLLBACK after a failed statement, run only while a transaction is still open. SQLite
 * rolls the whole transaction back by itself on some errors (SQLITE_FULL: the disk is full), and
 * a ROLLBACK then fails with "cannot rollback - no transaction is active", an error that Kysely
 * throws in place of the one that mattered.
 */
function rollbackIfActive(sqlite: SQLite.Database): SQLite.Statement {
  const statement = sqlite.prepare('rollback');
  const wrapper = Object.create(statement) as SQLite.Statement;
  wrapper.run = (...params: unknown[]) => (sqlite.inTransaction ? statement.run(...params) : { changes: 0, lastInsertRowid: 0 });
  return wrapper;
}

/** What a long run of writes waits for now and then (see purge.ts), per database. */
const pauses = new WeakMap<object, () => Promise<unknown>>();

/** Lets the WAL be copied back before a long run of writes goes on (a no-op where there is nothing to wait for). */
export function writePause(db: DbOrTrx): Promise<unknown> {
  return pauses.get(db)?.() ?? Promise.resolve();
}

/**
 * Opens (creating if needed) the SQLite database: WAL, foreign keys, a busy timeout. On disk, WAL
 * checkpoints run on a worker thread (checkpointer.ts), never on the event loop. `:memory:` for tests.
 */
export function openDb(file: string, log: (message: string) => void = () => undefined): OpenedDb {
  const onDisk = file !== ':memory:';
  if (onDisk) mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // SQLite's own lower() folds ASCII only; PostgreSQL's folds every letter. Searches that ignore
  // case (text-search.ts) then find "Ürün" from "ürün" on both.
  sqlite.function('lower', { deterministic: true }, (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v));
  let checkpointer: Checkpointer | null = null;
  if (onDisk) {
    sqlite.pragma('wal_autocheckpoint = 0');
    sqlite.pragma('journal_size_limit = 67108864');
    checkpointer = startCheckpointer(file, {
      // Writes that never paused long enough for the worker to finish: copy the rest back here,
      // between writes, so the WAL starts over (rare; it holds the event loop once).
      onBehind: () => sqlite.pragma('wal_checkpoint(PASSIVE)'),
      onError: (message) => log(`WAL checkpoint failed: ${message}`),
    });
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: preparedOnce(sqlite) }) });
  if (checkpointer) {
    const cp = checkpointer;
    pauses.set(db, () => cp.catchUp());
  }
  return {
    db,
    dialect: 'sqlite',
    writes: new WriteBatcher(db),
    sqlite,
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

/**
 * The server's database: PostgreSQL when a DATABASE_URL is given, otherwise SQLite in `file`
 * (`:memory:` for tests).
 */
export function openDatabase(opts: { url: string | null; file: string; log?: (message: string) => void }): OpenedDb {
  return opts.url ? openPostgres(opts.url, opts.log) : openDb(opts.file, opts.log);
}

/** Brings the schema up to date; throws (stopping start-up) when a migration fails. */
export async function migrate(db: Db): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    // Branches land their migrations in parallel (010 reached main before 008): a database that
    // ran the later ones takes an earlier one that arrives afterwards instead of refusing to start.
    // Each migration touches only its own columns and tables, so the order between them is free.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const detail = error instanceof Error ? error.message : String(error ?? '');
    // No migration named: the database could not be reached or read at all (a wrong DATABASE_URL, a server down).
    throw new Error(failed ? `database migration ${failed.migrationName} failed: ${detail}` : `cannot open the database: ${detail}`);
  }
}

/**
 * A unique or primary-key violation, by the driver's error code (never its message text):
 * better-sqlite3's SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY, PostgreSQL's SQLSTATE 23505.
 */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}
