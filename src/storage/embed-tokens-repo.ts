import type { DbOrTrx } from './db.js';
import type { EmbedTokenRow, NewEmbedTokenRow } from './schema.js';
import { transact } from './transact.js';

/** An embed token with the instances it reaches. */
export interface EmbedTokenWithInstances extends EmbedTokenRow {
  instanceIds: string[];
}

export async function insertEmbedToken(db: DbOrTrx, row: NewEmbedTokenRow, instanceIds: readonly string[]): Promise<void> {
  const write = async (trx: DbOrTrx) => {
    await trx.insertInto('embed_tokens').values(row).execute();
    await trx.insertInto('embed_token_instances').values(instanceIds.map((instance_id) => ({ token_id: row.id, instance_id }))).execute();
  };
  if (db.isTransaction) await write(db);
  else await transact(db, write);
}

/** Tokens not revoked that expire after `now` (what authentication needs), or every token. */
export async function listEmbedTokens(db: DbOrTrx, liveAt?: number): Promise<EmbedTokenWithInstances[]> {
  let q = db.selectFrom('embed_tokens').selectAll();
  if (liveAt !== undefined) q = q.where('revoked_at', 'is', null).where('expires_at', '>', liveAt);
  const [rows, links] = await Promise.all([
    q.orderBy('created_at', 'desc').orderBy('id').execute(),
    db.selectFrom('embed_token_instances').selectAll().orderBy('instance_id').execute(),
  ]);
  const byToken = new Map<string, string[]>();
  for (const l of links) {
    const list = byToken.get(l.token_id);
    if (list) list.push(l.instance_id);
    else byToken.set(l.token_id, [l.instance_id]);
  }
  return rows.map((r) => ({ ...r, instanceIds: byToken.get(r.id) ?? [] }));
}

export async function findEmbedToken(db: DbOrTrx, id: string): Promise<EmbedTokenWithInstances | undefined> {
  const row = await db.selectFrom('embed_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const links = await db.selectFrom('embed_token_instances').select('instance_id').where('token_id', '=', id).orderBy('instance_id').execute();
  return { ...row, instanceIds: links.map((l) => l.instance_id) };
}

/** Marks the token revoked; false when it was already (or does not exist). */
export async function revokeEmbedToken(db: DbOrTrx, id: string, at: number): Promise<boolean> {
  const result = await db.updateTable('embed_tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
