import { writePause, type DbOrTrx } from './db.js';
import { deleteMessageBatch } from './messages-repo.js';
import { deleteInstanceEvents } from './event-log-repo.js';
import { deleteEventBatch } from './webhooks-repo.js';

/**
 * Rows deleted per statement when a whole history goes. SQLite runs on the main thread, and a
 * deleted message touches six B-trees and its count (a trigger): 250 rows take about 3 ms, and
 * the event loop gets a turn between statements (BENCHMARKS.md, bench/stall.ts).
 */
export const PURGE_BATCH = 250;
/** Every this many statements, the WAL is let to be copied back (db.ts writePause). */
const PAUSE_EVERY = 40;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function inBatches(db: DbOrTrx, step: () => Promise<number>, batch: number): Promise<number> {
  let total = 0;
  for (let i = 1; ; i++) {
    const n = await step();
    total += n;
    if (n < batch) return total;
    await (i % PAUSE_EVERY === 0 ? writePause(db) : nextTurn());
  }
}

/** Deletes an instance's messages (one chat's, when given) in batches that yield; answers how many went. */
export function purgeMessages(db: DbOrTrx, instanceId: string, chatId?: string, batch = PURGE_BATCH): Promise<number> {
  return inBatches(db, () => deleteMessageBatch(db, instanceId, batch, chatId), batch);
}

/**
 * Deletes an instance's rows: the big tables in batches that yield, then the instance row, whose
 * cascade takes what is left (settings, chats, contacts, groups, jobs, rules, keys).
 */
export async function purgeInstance(db: DbOrTrx, instanceId: string, batch = PURGE_BATCH): Promise<void> {
  await purgeMessages(db, instanceId, undefined, batch);
  await inBatches(db, () => deleteEventBatch(db, instanceId, batch), batch);
  await inBatches(db, () => deleteInstanceEvents(db, instanceId, batch), batch);
  const jobs = await db.selectFrom('bulk_jobs').select('id').where('instance_id', '=', instanceId).execute();
  for (const job of jobs) {
    await db.deleteFrom('bulk_recipients').where('job_id', '=', job.id).execute();
    await nextTurn();
  }
  await db.deleteFrom('instances').where('id', '=', instanceId).execute();
}
