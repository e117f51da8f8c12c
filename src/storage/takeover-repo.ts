import type { DbOrTrx } from './db-types.js';
import { TEMP_ID_PREFIX } from './messages-repo.js';

// What a node settles for the instances it takes over from a node that stopped (or crashed): the
// same as a server settles for all of them at its start (messages-repo, bulk-repo,
// scheduled-repo), limited to those instances, so that the other nodes' sends under way stay as
// they are.

function chunks(ids: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += 500) out.push(ids.slice(i, i + 500));
  return out;
}

/** Outgoing messages of these instances never handed to WhatsApp (a temporary id, `pending`): `failed` with `reason`. */
export async function failInterruptedSendsOf(db: DbOrTrx, instanceIds: readonly string[], reason: string): Promise<number> {
  let n = 0;
  for (const ids of chunks(instanceIds)) {
    const r = await db
      .updateTable('messages')
      .set({ status: 'failed', error: reason })
      .where('instance_id', 'in', ids)
      .where('from_me', '=', 1)
      .where('status', '=', 'pending')
      .where('id', 'like', `${TEMP_ID_PREFIX}%`)
      .executeTakeFirst();
    n += Number(r.numUpdatedRows);
  }
  return n;
}

/** Bulk recipients of these instances' jobs left `sending` end `failed`; answers them and the unfinished jobs. */
export async function recoverJobsOf(db: DbOrTrx, instanceIds: readonly string[], reason: string): Promise<{ interrupted: number; unfinished: number[] }> {
  let interrupted = 0;
  const unfinished: number[] = [];
  for (const ids of chunks(instanceIds)) {
    const jobs = db.selectFrom('bulk_jobs').select('id').where('instance_id', 'in', ids);
    const r = await db
      .updateTable('bulk_recipients')
      .set({ status: 'failed', error: reason, updated_at: Date.now() })
      .where('status', '=', 'sending')
      .where('job_id', 'in', jobs)
      .executeTakeFirst();
    interrupted += Number(r.numUpdatedRows);
    const open = await db.selectFrom('bulk_jobs').select('id').where('instance_id', 'in', ids).where('status', 'in', ['queued', 'running']).orderBy('id').execute();
    unfinished.push(...open.map((j) => j.id));
  }
  return { interrupted, unfinished: unfinished.sort((a, b) => a - b) };
}

/** Scheduled messages of these instances left `sending` end `failed`; `queued` ones wait for the next tick again. */
export async function recoverScheduledOf(db: DbOrTrx, instanceIds: readonly string[], reason: string): Promise<number> {
  let n = 0;
  for (const ids of chunks(instanceIds)) {
    const r = await db.updateTable('scheduled_messages').set({ status: 'failed', error: reason }).where('instance_id', 'in', ids).where('status', '=', 'sending').executeTakeFirst();
    await db.updateTable('scheduled_messages').set({ status: 'pending' }).where('instance_id', 'in', ids).where('status', '=', 'queued').execute();
    n += Number(r.numUpdatedRows);
  }
  return n;
}

/** The unfinished bulk jobs of these instances (nothing is settled: their runs may be under way). */
export async function unfinishedJobsOf(db: DbOrTrx, instanceIds: readonly string[]): Promise<number[]> {
  const out: number[] = [];
  for (const ids of chunks(instanceIds)) {
    const rows = await db.selectFrom('bulk_jobs').select('id').where('instance_id', 'in', ids).where('status', 'in', ['queued', 'running']).orderBy('id').execute();
    out.push(...rows.map((r) => r.id));
  }
  return out;
}
