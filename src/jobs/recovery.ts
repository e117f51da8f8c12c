import * as bulkRepo from '../storage/bulk-repo.js';
import type { Db } from '../storage/db.js';
import * as messagesRepo from '../storage/messages-repo.js';
import * as scheduledRepo from '../storage/scheduled-repo.js';
import { transact } from '../storage/transact.js';
import { INTERRUPTED } from './outcomes.js';

export interface Reconciled {
  /** Messages stored for a job but never handed to WhatsApp: deleted (the job sends them again). */
  unsent: number;
  /** Job sends whose outcome is unknown: the job's row and its message both end `failed`, with one reason. */
  interrupted: number;
}

/**
 * At start-up, before anything else reads the history: makes bulk recipients and scheduled
 * messages agree with the messages stored for them. A job's row and its message move together
 * (SendOptions.record), so what a crash leaves is either a message stored `pending` for a row
 * that was never claimed (never handed to WhatsApp: the message goes, the job sends it again, and
 * no phantom `failed` row stays in the history) or a row claimed `sending` (the outcome unknown:
 * both end `failed` with the same reason, never sent again).
 */
export async function reconcileJobsWithHistory(db: Db, instanceIds: readonly string[] | null = null): Promise<Reconciled> {
  // A node that takes over some instances settles theirs only (null: every instance).
  const only = instanceIds === null ? null : new Set(instanceIds);
  const mine = (instanceId: string) => only === null || only.has(instanceId);
  return transact(db, async (trx) => {
    let unsent = 0;
    let interrupted = 0;
    for (const r of await bulkRepo.recipientsToReconcile(trx)) {
      if (!mine(r.instance_id)) continue;
      if (r.status === 'pending') {
        if (await messagesRepo.deletePendingOutgoing(trx, r.instance_id, r.message_id)) unsent++;
        await bulkRepo.linkRecipientMessage(trx, r.job_id, r.position, null);
      } else {
        await messagesRepo.failPendingOutgoing(trx, r.instance_id, r.message_id, INTERRUPTED);
        if (await bulkRepo.settleRecipient(trx, r.job_id, r.position, ['sending'], { status: 'failed', error: INTERRUPTED })) interrupted++;
      }
    }
    for (const row of await scheduledRepo.scheduledToReconcile(trx)) {
      if (!mine(row.instance_id)) continue;
      if (row.status === 'queued') {
        if (await messagesRepo.deletePendingOutgoing(trx, row.instance_id, row.message_id)) unsent++;
        await scheduledRepo.setScheduled(trx, row.id, 'queued', { status: 'pending', message_id: null });
      } else {
        await messagesRepo.failPendingOutgoing(trx, row.instance_id, row.message_id, INTERRUPTED);
        if (await scheduledRepo.setScheduled(trx, row.id, 'sending', { status: 'failed', error: INTERRUPTED })) interrupted++;
      }
    }
    return { unsent, interrupted };
  });
}
