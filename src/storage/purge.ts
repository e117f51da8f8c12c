import type { DbOrTrx } from './db.js';
import { deleteMessageBatch } from './messages-repo.js';
import { deleteEventBatch } from './webhooks-repo.js';

/**
 * Rows deleted per statement when a whole history goes. SQLite runs on the main thread and each
 * deleted message also updates its count (a trigger): about 2,000 rows keep one statement well
 * under 50 ms, and the event loop gets a turn between statements (BENCHMARKS.md).
 */
export const PURGE_BATCH = 2000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function inBatches(step: () => Promise<number>, batch: number): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await step();
    total += n;
    if (n < batch) return total;
    await nextTurn();
  }
}

/** Deletes an instance's messages (one chat's, when given) in batches that yield; answers how many went. */
export function purgeMessages(db: DbOrTrx, instanceId: string, chatId?: string, batch = PURGE_BATCH): Promise<number> {
  return inBatches(() => deleteMessageBatch(db, instanceId, batch, chatId), batch);
}

/**
 * Deletes an instance's rows: the big tables in batches that yield, then the instance row, whose
 * cascade takes what is left (settings, chats, contacts, groups, jobs, rules, keys).
 */
export async function purgeInstance(db: DbOrTrx, instanceId: string, batch = PURGE_BATCH): Promise<void> {
  await purgeMessages(db, instanceId, undefined, batch);
  await inBatches(() => deleteEventBatch(db, instanceId, batch), batch);
  const jobs = await db.selectFrom('bulk_jobs').select('id').where('instance_id', '=', instanceId).execute();
  for (const job of jobs) {
    await db.deleteFrom('bulk_recipients').where('job_id', '=', job.id).execute();
    await nextTurn();
  }
  await db.deleteFrom('instances').where('id', '=', instanceId).execute();
}
