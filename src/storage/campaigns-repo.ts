import { sql } from 'kysely';
import type { DbOrTrx } from './db.js';
import type { BulkJobRow, BulkJobStatus } from './schema.js';
import { readTogether, transact } from './transact.js';

// Campaigns are bulk jobs with a name (migration 013): the same tables, runner and recovery.

export interface CampaignFilter {
  /** Campaigns of these instances; 'all': of every instance. */
  instances: readonly string[] | 'all';
  status?: BulkJobStatus | undefined;
}

/** Campaigns, newest first, with how many match. */
export async function listCampaigns(db: DbOrTrx, filter: CampaignFilter, limit: number, offset: number): Promise<{ rows: BulkJobRow[]; total: number }> {
  return readTogether(db, async (trx) => {
    let q = trx.selectFrom('bulk_jobs').where('name', 'is not', null);
    const { instances } = filter;
    if (instances !== 'all') q = instances.length ? q.where('instance_id', 'in', instances) : q.where(sql<boolean>`1 = 0`);
    if (filter.status) q = q.where('status', '=', filter.status);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute(),
      q.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  });
}

export function findCampaign(db: DbOrTrx, id: number): Promise<BulkJobRow | undefined> {
  return db.selectFrom('bulk_jobs').selectAll().where('id', '=', id).where('name', 'is not', null).executeTakeFirst();
}

/** Deletes a finished campaign with its recipients; false when it is not finished (or not there). */
export async function deleteFinishedCampaign(db: DbOrTrx, id: number): Promise<boolean> {
  const write = async (trx: DbOrTrx) => {
    const job = await trx
      .selectFrom('bulk_jobs')
      .select('id')
      .where('id', '=', id)
      .where('name', 'is not', null)
      .where('status', 'in', ['completed', 'cancelled'])
      .executeTakeFirst();
    if (!job) return false;
    await trx.deleteFrom('bulk_recipients').where('job_id', '=', id).execute();
    await trx.deleteFrom('bulk_jobs').where('id', '=', id).execute();
    return true;
  };
  return db.isTransaction ? write(db) : transact(db, write);
}
