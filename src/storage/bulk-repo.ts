import { sql } from 'kysely';
import type { DbOrTrx } from './db.js';
import type { BulkJobRow, BulkRecipientRow, RecipientStatus } from './schema.js';
import { readTogether, transact } from './transact.js';

/** A new job: what the client chose; status, counts and times start empty. A campaign has a name and `delay_ms`. */
export type NewBulkJob = Pick<BulkJobRow, 'instance_id' | 'message_type' | 'body' | 'media_url' | 'media_url_trust' | 'filename' | 'delay'> &
  Partial<Pick<BulkJobRow, 'name' | 'delay_ms' | 'template_id'>>;

export interface NewRecipient {
  recipient: string;
  chat_id: string;
  name: string | null;
  /** JSON of the recipient's own variables, or null. */
  vars: string | null;
}

/** Creates the job and its recipients in one transaction; answers the job id. */
export async function insertJob(db: DbOrTrx, job: NewBulkJob, recipients: NewRecipient[]): Promise<number> {
  const write = async (trx: DbOrTrx) => {
    const { id } = await trx
      .insertInto('bulk_jobs')
      .values({ ...job, status: 'queued', total: recipients.length, created_at: Date.now(), started_at: null, finished_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (let i = 0; i < recipients.length; i += 500) {
      await trx
        .insertInto('bulk_recipients')
        .values(recipients.slice(i, i + 500).map((r, j) => ({ job_id: id, position: i + j, ...r, status: 'pending', message_id: null, error: null, updated_at: null })))
        .execute();
    }
    return id;
  };
  return db.isTransaction ? write(db) : transact(db, write);
}

/** A plain bulk job of the instance (campaigns are found with campaigns-repo). */
export function findJob(db: DbOrTrx, instanceId: string, id: number): Promise<BulkJobRow | undefined> {
  return db.selectFrom('bulk_jobs').selectAll().where('instance_id', '=', instanceId).where('id', '=', id).where('name', 'is', null).executeTakeFirst();
}

export function jobById(db: DbOrTrx, id: number): Promise<BulkJobRow | undefined> {
  return db.selectFrom('bulk_jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The plain bulk jobs of an instance, newest first. */
export async function listJobs(db: DbOrTrx, instanceId: string, limit: number, offset: number): Promise<{ rows: BulkJobRow[]; total: number }> {
  return readTogether(db, async (trx) => {
    const q = trx.selectFrom('bulk_jobs').where('instance_id', '=', instanceId).where('name', 'is', null);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute(),
      q.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  });
}

/** Recipient counts by status for each of the given jobs. */
export async function countsByJob(db: DbOrTrx, jobIds: number[]): Promise<Map<number, Partial<Record<RecipientStatus, number>>>> {
  const out = new Map<number, Partial<Record<RecipientStatus, number>>>();
  if (jobIds.length === 0) return out;
  const rows = await db
    .selectFrom('bulk_recipients')
    .select(['job_id', 'status', sql<number>`count(*)`.as('n')])
    .where('job_id', 'in', jobIds)
    .groupBy(['job_id', 'status'])
    .execute();
  for (const r of rows) {
    const counts = out.get(r.job_id) ?? {};
    counts[r.status] = Number(r.n);
    out.set(r.job_id, counts);
  }
  return out;
}

export function recipientsOf(db: DbOrTrx, jobId: number): Promise<BulkRecipientRow[]> {
  return db.selectFrom('bulk_recipients').selectAll().where('job_id', '=', jobId).orderBy('position').execute();
}

export function nextPending(db: DbOrTrx, jobId: number): Promise<BulkRecipientRow | undefined> {
  return db
    .selectFrom('bulk_recipients')
    .selectAll()
    .where('job_id', '=', jobId)
    .where('status', '=', 'pending')
    .orderBy('position')
    .limit(1)
    .executeTakeFirst();
}

/** The next `limit` pending recipients of a job after `position`, in order (a job that keeps several sends under way). */
export function pendingAfter(db: DbOrTrx, jobId: number, position: number, limit: number): Promise<BulkRecipientRow[]> {
  return db
    .selectFrom('bulk_recipients')
    .selectAll()
    .where('job_id', '=', jobId)
    .where('status', '=', 'pending')
    .where('position', '>', position)
    .orderBy('position')
    .limit(limit)
    .execute();
}

export async function setRecipient(
  db: DbOrTrx,
  jobId: number,
  position: number,
  patch: { status: RecipientStatus; message_id?: string | null; error?: string | null },
): Promise<void> {
  await db
    .updateTable('bulk_recipients')
    .set({ ...patch, updated_at: Date.now() })
    .where('job_id', '=', jobId)
    .where('position', '=', position)
    .execute();
}

/** Links a pending recipient to the message stored for it (`pending` in the history, not handed to WhatsApp yet). */
export async function linkRecipientMessage(db: DbOrTrx, jobId: number, position: number, messageId: string | null): Promise<void> {
  await db
    .updateTable('bulk_recipients')
    .set({ message_id: messageId })
    .where('job_id', '=', jobId)
    .where('position', '=', position)
    .where('status', '=', 'pending')
    .execute();
}

/** Settles a recipient that is in one of `from` (a settled one stays as it is); false when it was not. */
export async function settleRecipient(
  db: DbOrTrx,
  jobId: number,
  position: number,
  from: RecipientStatus[],
  patch: { status: 'sent' | 'failed'; message_id?: string | null; error: string | null },
): Promise<boolean> {
  const r = await db
    .updateTable('bulk_recipients')
    .set({ ...patch, updated_at: Date.now() })
    .where('job_id', '=', jobId)
    .where('position', '=', position)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Puts a claimed recipient back in the queue (nothing was sent: WhatsApp refused it for now). */
export async function requeueRecipient(db: DbOrTrx, jobId: number, position: number): Promise<boolean> {
  const r = await db
    .updateTable('bulk_recipients')
    .set({ status: 'pending', message_id: null, error: null, updated_at: Date.now() })
    .where('job_id', '=', jobId)
    .where('position', '=', position)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * What a crash can leave between the recipients and the history: recipients still `pending` whose
 * message was stored but never handed to WhatsApp, and recipients `sending` (the outcome unknown),
 * each with the instance and the id of its message.
 */
export function recipientsToReconcile(db: DbOrTrx): Promise<{ job_id: number; position: number; status: RecipientStatus; message_id: string; instance_id: string }[]> {
  return db
    .selectFrom('bulk_recipients')
    .innerJoin('bulk_jobs', 'bulk_jobs.id', 'bulk_recipients.job_id')
    .select(['bulk_recipients.job_id', 'bulk_recipients.position', 'bulk_recipients.status', 'bulk_recipients.message_id', 'bulk_jobs.instance_id'])
    .where('bulk_recipients.status', 'in', ['pending', 'sending'])
    .where('bulk_recipients.message_id', 'is not', null)
    .execute() as Promise<{ job_id: number; position: number; status: RecipientStatus; message_id: string; instance_id: string }[]>;
}

/** Marks a pending recipient `sending`; false when it is not pending any more (cancelled). */
export async function claimRecipient(db: DbOrTrx, jobId: number, position: number): Promise<boolean> {
  const r = await db
    .updateTable('bulk_recipients')
    .set({ status: 'sending', updated_at: Date.now() })
    .where('job_id', '=', jobId)
    .where('position', '=', position)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Marks a pending recipient `sending` when its stored message is `messageId` (stored and linked); false otherwise. */
export async function claimLinkedRecipient(db: DbOrTrx, jobId: number, position: number, messageId: string): Promise<boolean> {
  const r = await db
    .updateTable('bulk_recipients')
    .set({ status: 'sending', updated_at: Date.now() })
    .where('job_id', '=', jobId)
    .where('position', '=', position)
    .where('status', '=', 'pending')
    .where('message_id', '=', messageId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** A recipient claimed but not handed to WhatsApp, of a job cancelled meanwhile: cancelled like the pending ones. */
export async function cancelClaimed(db: DbOrTrx, jobId: number, position: number): Promise<void> {
  await db
    .updateTable('bulk_recipients')
    .set({ status: 'cancelled', message_id: null, updated_at: Date.now() })
    .where('job_id', '=', jobId)
    .where('position', '=', position)
    .where('status', '=', 'sending')
    .execute();
}

export async function setJob(db: DbOrTrx, id: number, patch: Partial<Pick<BulkJobRow, 'status' | 'started_at' | 'finished_at'>>): Promise<void> {
  await db.updateTable('bulk_jobs').set(patch).where('id', '=', id).execute();
}

/** Marks a running job completed (no pending recipient is left). */
export async function completeJob(db: DbOrTrx, id: number): Promise<void> {
  await db.updateTable('bulk_jobs').set({ status: 'completed', finished_at: Date.now() }).where('id', '=', id).where('status', '=', 'running').execute();
}

/** Cancels a job that has not finished: its pending recipients too. False when it had finished. */
export async function cancelJob(db: DbOrTrx, id: number): Promise<boolean> {
  const write = async (trx: DbOrTrx) => {
    const r = await trx
      .updateTable('bulk_jobs')
      .set({ status: 'cancelled', finished_at: Date.now() })
      .where('id', '=', id)
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return false;
    await trx
      .updateTable('bulk_recipients')
      .set({ status: 'cancelled', updated_at: Date.now() })
      .where('job_id', '=', id)
      .where('status', '=', 'pending')
      .execute();
    return true;
  };
  return db.isTransaction ? write(db) : transact(db, write);
}

/** After a crash: sends whose outcome is unknown end failed (never sent twice); unfinished jobs' ids. */
export async function recoverJobs(db: DbOrTrx, reason: string): Promise<{ interrupted: number; unfinished: number[] }> {
  const r = await db
    .updateTable('bulk_recipients')
    .set({ status: 'failed', error: reason, updated_at: Date.now() })
    .where('status', '=', 'sending')
    .executeTakeFirst();
  const jobs = await db.selectFrom('bulk_jobs').select('id').where('status', 'in', ['queued', 'running']).orderBy('id').execute();
  return { interrupted: Number(r.numUpdatedRows), unfinished: jobs.map((j) => j.id) };
}
