import { PostgresAdapter, sql } from 'kysely';
import type { DbOrTrx } from './db-types.js';

/** The advisory lock key of event appends (any fixed number; this one spells "HATL"). */
const EVENT_ORDER_LOCK = 0x4841544c;

/** Transactions that hold the lock already (one round trip per transaction, not per event). */
const holding = new WeakSet<object>();

/**
 * Readers follow the event log and the webhook outbox by `seq`: a stream reads what is after the
 * last id it sent, the dispatcher delivers an instance's oldest pending event first. So an id must
 * not become visible before a smaller one. SQLite writes one transaction at a time, and ids commit
 * in the order they are drawn. On PostgreSQL transactions commit in parallel: one that drew seq 10
 * could commit after one that drew 11, and a reader that saw 11 would never look back for 10. A
 * transaction that appends an event therefore first takes this transaction-level lock (released
 * at its commit or rollback), so the appends, and their commits, take turns.
 */
export async function inEventOrder(db: DbOrTrx): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  // Outside a transaction the insert commits by itself at once: the lock would be released before it.
  if (!db.isTransaction) return;
  if (holding.has(db)) return;
  await sql`SELECT pg_advisory_xact_lock(${EVENT_ORDER_LOCK})`.execute(db);
  holding.add(db);
}
