import { sql } from 'kysely';
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
 * The other tables of an instance that grow with its use (a row per chat, contact, group,
 * reaction, vote, key or hour), each with a column that picks a batch of its rows: left to the
 * instance row's cascade, a thousand chats would go in one statement that holds the thread.
 */
const GROWING: readonly (readonly [table: string, column: string])[] = [
  ['chats', 'chat_id'],
  ['contacts', 'contact_id'],
  ['chat_groups', 'group_id'],
  ['message_reactions', 'message_id'],
  ['poll_votes', 'poll_id'],
  ['idempotency_keys', 'key'],
  ['message_stats', 'hour'],
];

async function deleteRowsBatch(db: DbOrTrx, table: string, column: string, instanceId: string, batch: number): Promise<number> {
  const picked = sql`select ${sql.ref(column)} from ${sql.table(table)} where instance_id = ${instanceId} limit ${batch}`;
  const result = await sql`delete from ${sql.table(table)} where instance_id = ${instanceId} and ${sql.ref(column)} in (${picked})`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * Deletes an instance's rows: the big tables in batches that yield, then the instance row, whose
 * cascade takes what is left (settings, rules, jobs, keys: a few rows each).
 */
export async function purgeInstance(db: DbOrTrx, instanceId: string, batch = PURGE_BATCH): Promise<void> {
  await purgeMessages(db, instanceId, undefined, batch);
  await inBatches(db, () => deleteEventBatch(db, instanceId, batch), batch);
  await inBatches(db, () => deleteInstanceEvents(db, instanceId, batch), batch);
  for (const [table, column] of GROWING) await inBatches(db, () => deleteRowsBatch(db, table, column, instanceId, batch), batch);
  const jobs = await db.selectFrom('bulk_jobs').select('id').where('instance_id', '=', instanceId).execute();
  for (const job of jobs) {
    const positions = (from: number) =>
      db.deleteFrom('bulk_recipients').where('job_id', '=', job.id).where('position', '>=', from).where('position', '<', from + batch).executeTakeFirst();
    const last = await db.selectFrom('bulk_recipients').select((eb) => eb.fn.max('position').as('last')).where('job_id', '=', job.id).executeTakeFirst();
    for (let from = 0; from <= Number(last?.last ?? -1); from += batch) {
      await positions(from);
      await nextTurn();
    }
  }
  await db.deleteFrom('instances').where('id', '=', instanceId).execute();
}
