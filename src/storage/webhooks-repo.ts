import { sql } from 'kysely';
import { compiledOnce } from './compiled-query.js';
import type { DbOrTrx } from './db.js';
import { inEventOrder } from './event-order.js';
import type { DeliveryStatus, NewWebhookEventRow, WebhookEventRow } from './schema.js';
import { readTogether } from './transact.js';

// Every stored message and receipt writes one outbox row and marks it delivered: both built once.
type OutboxRow = Required<Omit<NewWebhookEventRow, 'seq'>>;
const insertQuery = compiledOnce<OutboxRow>((db, $) =>
  db.insertInto('webhook_events').values({
    format: $('format'),
    instance_id: $('instance_id'),
    webhook_id: $('webhook_id'),
    event: $('event'),
    payload: $('payload'),
    status: $('status'),
    created_at: $('created_at'),
    next_attempt_at: $('next_attempt_at'),
    expires_at: $('expires_at'),
    attempts: $('attempts'),
    last_attempt_at: $('last_attempt_at'),
    delivered_at: $('delivered_at'),
    last_error: $('last_error'),
    response_code: $('response_code'),
    url: $('url'),
  }),
);

/** The webhook outbox: one row per event to deliver, in `seq` order per instance. */
export async function insertEvent(db: DbOrTrx, row: NewWebhookEventRow): Promise<void> {
  await inEventOrder(db);
  await insertQuery.run(db, {
    ...row,
    attempts: row.attempts ?? 0,
    format: row.format ?? 'native',
    last_attempt_at: row.last_attempt_at ?? null,
    delivered_at: row.delivered_at ?? null,
    last_error: row.last_error ?? null,
    response_code: row.response_code ?? null,
    url: row.url ?? null,
  });
}

/** Instances with something still to deliver (after a restart). */
export async function instancesWithPending(db: DbOrTrx): Promise<string[]> {
  const rows = await db.selectFrom('webhook_events').select('instance_id').where('status', '=', 'pending').distinct().execute();
  return rows.map((r) => r.instance_id);
}

/** The oldest pending events of an instance. */
export function oldestPending(db: DbOrTrx, instanceId: string, limit: number): Promise<WebhookEventRow[]> {
  return db
    .selectFrom('webhook_events')
    .selectAll()
    .where('instance_id', '=', instanceId)
    .where('status', '=', 'pending')
    .orderBy('seq')
    .limit(limit)
    .execute();
}

type Delivered = { seq: number; attempts: number; attemptedAt: number; deliveredAt: number; responseCode: number | null; url: string };
const deliveredQuery = compiledOnce<Delivered>((db, $) =>
  db
    .updateTable('webhook_events')
    .set({
      status: 'delivered',
      attempts: $('attempts'),
      last_attempt_at: $('attemptedAt'),
      delivered_at: $('deliveredAt'),
      response_code: $('responseCode'),
      last_error: null,
      url: $('url'),
    })
    .where('seq', '=', $('seq')),
);

export async function markDelivered(db: DbOrTrx, seq: number, outcome: Omit<Delivered, 'seq'>): Promise<void> {
  await deliveredQuery.run(db, { seq, ...outcome });
}

export async function markAttemptFailed(
  db: DbOrTrx,
  seq: number,
  outcome: { attempts: number; attemptedAt: number; nextAttemptAt: number; responseCode: number | null; error: string; url: string },
): Promise<void> {
  await db
    .updateTable('webhook_events')
    .set({
      attempts: outcome.attempts,
      last_attempt_at: outcome.attemptedAt,
      next_attempt_at: outcome.nextAttemptAt,
      response_code: outcome.responseCode,
      last_error: outcome.error,
      url: outcome.url,
    })
    .where('seq', '=', seq)
    .execute();
}

export async function giveUp(db: DbOrTrx, seq: number, error: string): Promise<void> {
  await db.updateTable('webhook_events').set({ status: 'failed', last_error: error }).where('seq', '=', seq).execute();
}

/** Deletes delivered events created before `deliveredBefore` and failed ones before `failedBefore`. */
export async function prune(db: DbOrTrx, deliveredBefore: number, failedBefore: number): Promise<number> {
  const a = await db.deleteFrom('webhook_events').where('status', '=', 'delivered').where('created_at', '<', deliveredBefore).executeTakeFirst();
  const b = await db.deleteFrom('webhook_events').where('status', '=', 'failed').where('created_at', '<', failedBefore).executeTakeFirst();
  return Number(a.numDeletedRows) + Number(b.numDeletedRows);
}

/** A page of an instance's deliveries, newest first. */
export async function listDeliveries(
  db: DbOrTrx,
  instanceId: string,
  status: DeliveryStatus | undefined,
  limit: number,
  offset: number,
): Promise<{ rows: WebhookEventRow[]; total: number }> {
  return readTogether(db, async (trx) => {
    let q = trx.selectFrom('webhook_events').where('instance_id', '=', instanceId);
    if (status) q = q.where('status', '=', status);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('seq', 'desc').limit(limit).offset(offset).execute(),
      q.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  });
}

/** Makes a delivery pending again, due now, with `expiresAt` as its new give-up time; false when there is none. */
export async function retryDelivery(db: DbOrTrx, instanceId: string, seq: number, now: number, expiresAt: number): Promise<boolean> {
  const result = await db
    .updateTable('webhook_events')
    .set({ status: 'pending', next_attempt_at: now, expires_at: expiresAt, delivered_at: null })
    .where('instance_id', '=', instanceId)
    .where('seq', '=', seq)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Deletes at most `limit` events of an instance (batched deletion of an instance). */
export async function deleteEventBatch(db: DbOrTrx, instanceId: string, limit: number): Promise<number> {
  const batch = db.selectFrom('webhook_events').select('seq').where('instance_id', '=', instanceId).limit(limit);
  const result = await db.deleteFrom('webhook_events').where('seq', 'in', batch).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Per instance with events waiting: how many, and when the oldest of them was recorded (ms). */
export async function pendingBacklog(db: DbOrTrx): Promise<{ instanceId: string; pending: number; oldestAt: number }[]> {
  const rows = await db
    .selectFrom('webhook_events')
    .select((eb) => ['instance_id', eb.fn.countAll<number>().as('pending'), eb.fn.min('created_at').as('oldest')])
    .where('status', '=', 'pending')
    .groupBy('instance_id')
    .execute();
  return rows.map((r) => ({ instanceId: r.instance_id, pending: Number(r.pending), oldestAt: Number(r.oldest) }));
}
