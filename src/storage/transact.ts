import type { Db, DbOrTrx } from './db-types.js';

/** Work to do once a transaction has committed (waking the webhook dispatcher, say), per transaction. */
const pending = new WeakMap<object, (() => void)[]>();

/**
 * Runs `fn` after the transaction `db` commits; at once when `db` is not a transaction (its
 * statements are committed as they run). Nothing runs for a transaction that rolls back.
 * On a pool (PostgreSQL) a reader on another connection only sees the rows after the commit, so
 * anything that wakes a reader must wait for it.
 */
export function afterCommit(db: DbOrTrx, fn: () => void): void {
  if (!db.isTransaction) {
    fn();
    return;
  }
  const list = pending.get(db);
  if (list) list.push(fn);
  else pending.set(db, [fn]);
}

/** A transaction whose afterCommit work runs once it has committed. Use it for every transaction. */
export async function transact<T>(db: Db, fn: (trx: DbOrTrx) => Promise<T>): Promise<T> {
  let used: object | null = null;
  const result = await db.transaction().execute((trx) => {
    used = trx;
    return fn(trx);
  });
  const hooks = used ? pending.get(used) : undefined;
  if (used) pending.delete(used);
  for (const hook of hooks ?? []) hook();
  return result;
}

/**
 * Reads that must agree with each other (a page and the total beside it) in one snapshot. Run one
 * after the other on the database, a write committed between them (another connection of the
 * PostgreSQL pool, or SQLite's connection taken by a write batch between two statements) makes an
 * answer whose total counts a row its page lacks. A read-only transaction in repeatable read on
 * PostgreSQL; on SQLite a deferred transaction, whose snapshot starts at its first read.
 */
export function readTogether<T>(db: DbOrTrx, fn: (trx: DbOrTrx) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  return (db as Db).transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(fn);
}
