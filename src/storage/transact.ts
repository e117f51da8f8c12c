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
