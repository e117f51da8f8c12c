import type SQLite from 'better-sqlite3';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
/** A repository function takes either the database or a transaction. */
export type DbOrTrx = Kysely<Database> | Transaction<Database>;

export type DialectName = 'sqlite' | 'postgres';

/** Where message writes go: each operation runs in a transaction and resolves once it is committed. */
export interface WriteQueue {
  run<T>(op: (trx: DbOrTrx) => Promise<T>): Promise<T>;
}

/** An open database, SQLite's (db.ts) or PostgreSQL's (postgres.ts). */
export interface OpenedDb {
  db: Db;
  dialect: DialectName;
  /** Where message writes go (group commit, one batch at a time). */
  writes: WriteQueue;
  /** SQLite's own handle, for the backup API and benchmarks that seed millions of rows; null on PostgreSQL. */
  sqlite: SQLite.Database | null;
  close(): Promise<void>;
}
