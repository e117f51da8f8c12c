import type { Db, DbOrTrx } from './db-types.js';
import { transact } from './transact.js';

/** Where message writes go: each operation runs in a transaction and resolves once it is committed. */
export interface WriteQueue {
  run<T>(op: (trx: DbOrTrx) => Promise<T>): Promise<T>;
}

/** Every operation in a transaction of its own (PostgreSQL: a pool commits in parallel anyway). */
export function directWrites(db: Db): WriteQueue {
  return { run: (op) => transact(db, op) };
}

interface Queued {
  op: (trx: DbOrTrx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for SQLite's single connection: write operations submitted in the same turn of the
 * event loop run in one transaction, so a burst of sends and receipts pays one commit instead of
 * one each. Each promise resolves only once its batch is committed, so a caller may rely on its
 * write as it would on its own transaction. When an operation throws, the whole batch is rolled
 * back and each operation is run again in a transaction of its own, so the failure stays its own.
 * Operations must therefore only touch the database (their afterCommit work runs once, after the
 * commit that counts).
 */
export class WriteBatcher implements WriteQueue {
  private queue: Queued[] = [];
  private scheduled = false;

  constructor(private readonly db: Db) {}

  run<T>(op: (trx: DbOrTrx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    if (batch.length > 1) {
      const values: unknown[] = [];
      try {
        await transact(this.db, async (trx) => {
          for (const item of batch) values.push(await item.op(trx));
        });
        batch.forEach((item, i) => item.resolve(values[i]));
        return;
      } catch {
        // one of them failed: everything was rolled back; run each alone below
      }
    }
    for (const item of batch) {
      try {
        item.resolve(await transact(this.db, (trx) => item.op(trx)));
      } catch (err) {
        item.reject(err);
      }
    }
  }
}
