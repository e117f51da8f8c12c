import type { Db, DbOrTrx, WriteQueue } from './db-types.js';
import { transact } from './transact.js';

export type { WriteQueue } from './db-types.js';

interface Queued {
  op: (trx: DbOrTrx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: write operations submitted in the same turn of the event loop run in one
 * transaction, so a burst of sends and receipts pays one commit instead of one each. Each promise
 * resolves only once its batch is committed, so a caller may rely on its write as it would on its
 * own transaction. When an operation throws, the whole batch is rolled back and each operation is
 * run again in a transaction of its own, so the failure stays its own (on PostgreSQL, a batch that
 * lost a deadlock with another connection is retried that way too). Operations must therefore
 * only touch the database (their afterCommit work runs once, after the commit that counts).
 *
 * Batches are written one at a time, in order: on SQLite's single connection they would wait for
 * each other anyway; on a PostgreSQL pool this keeps the same order (an instance's messages and
 * their events commit in the order they were stored).
 */
export class WriteBatcher implements WriteQueue {
  private queue: Queued[] = [];
  private scheduled = false;
  /** The batch being written: the next starts once it is done, so batches commit in the order their writes came. */
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly db: Db) {}

  run<T>(op: (trx: DbOrTrx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.writing = this.writing.then(() => this.flush());
        });
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
