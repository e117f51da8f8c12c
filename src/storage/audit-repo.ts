import { sql } from 'kysely';
import type { DbOrTrx } from './db.js';
import type { AuditLogRow, NewAuditLogRow } from './schema.js';
import { readTogether } from './transact.js';

export async function insertAudit(db: DbOrTrx, row: NewAuditLogRow): Promise<void> {
  await db.insertInto('audit_log').values(row).execute();
}

/** A page of the audit log, newest first. */
export async function listAudit(
  db: DbOrTrx,
  filter: { action?: string; instanceId?: string },
  limit: number,
  offset: number,
): Promise<{ rows: AuditLogRow[]; total: number }> {
  return readTogether(db, async (trx) => {
    let q = trx.selectFrom('audit_log');
    if (filter.action) q = q.where('action', '=', filter.action);
    if (filter.instanceId) q = q.where('instance_id', '=', filter.instanceId);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute(),
      q.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  });
}
