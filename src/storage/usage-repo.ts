import { sql } from 'kysely';
import type { DbOrTrx } from './db.js';
import type { InstanceUsageRow } from './schema.js';

/** Adds a flush of message counters to an instance's figures (nothing for an instance deleted meanwhile). */
export async function addInstanceUsage(db: DbOrTrx, instanceId: string, add: { sent: number; received: number }, now: number): Promise<void> {
  const exists = await db.selectFrom('instances').select('id').where('id', '=', instanceId).executeTakeFirst();
  if (!exists) return;
  await db
    .insertInto('instance_usage')
    .values({ instance_id: instanceId, messages_sent: add.sent, messages_received: add.received, updated_at: now })
    .onConflict((oc) =>
      oc.column('instance_id').doUpdateSet({
        messages_sent: sql<number>`instance_usage.messages_sent + excluded.messages_sent`,
        messages_received: sql<number>`instance_usage.messages_received + excluded.messages_received`,
        updated_at: now,
      }),
    )
    .execute();
}

export function listInstanceUsage(db: DbOrTrx): Promise<InstanceUsageRow[]> {
  return db.selectFrom('instance_usage').selectAll().orderBy('instance_id').execute();
}
