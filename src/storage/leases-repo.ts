import { sql } from 'kysely';
import type { DbOrTrx, DialectName } from './db-types.js';
import type { InstanceLeaseRow, InstanceRow, NodeRow } from './schema.js';

// The nodes sharing the database and the lease by which one of them owns each instance
// (migration 015). Every claim is one conditional UPDATE that takes a lease only while it is
// free (expired or released), so two nodes can never both hold one.

export interface NodeIdentity {
  id: string;
  url: string;
  secret: string;
}

/** Says the node is alive (and where it answers), registering it on its first call. */
export async function heartbeat(db: DbOrTrx, node: NodeIdentity, now: number): Promise<void> {
  await db
    .insertInto('nodes')
    .values({ id: node.id, url: node.url, secret: node.secret, heartbeat_at: now, started_at: now })
    .onConflict((oc) => oc.column('id').doUpdateSet({ url: node.url, secret: node.secret, heartbeat_at: now }))
    .execute();
}

/** The node stopped (cleanly): it is no longer counted among the live ones. */
export async function removeNode(db: DbOrTrx, nodeId: string): Promise<void> {
  await db.deleteFrom('nodes').where('id', '=', nodeId).execute();
}

/** Nodes that said they were alive after `since` (unix ms). */
export function liveNodes(db: DbOrTrx, since: number): Promise<NodeRow[]> {
  return db.selectFrom('nodes').selectAll().where('heartbeat_at', '>', since).orderBy('id').execute();
}

/** Deletes the rows of nodes silent since before `before` (their leases expired long ago). */
export async function forgetSilentNodes(db: DbOrTrx, before: number): Promise<void> {
  await db.deleteFrom('nodes').where('heartbeat_at', '<', before).execute();
}

/** Gives every instance without a lease row an unclaimed one (instances created since the last look). */
export async function addMissingLeases(db: DbOrTrx): Promise<void> {
  await db
    .insertInto('instance_leases')
    .columns(['instance_id', 'node_id', 'expires_at'])
    .expression((eb) =>
      eb
        .selectFrom('instances')
        .select(['instances.id', sql.lit('').as('node_id'), sql.lit(0).as('expires_at')])
        .where((w) => w.not(w.exists(w.selectFrom('instance_leases').select('instance_leases.instance_id').whereRef('instance_leases.instance_id', '=', 'instances.id')))),
    )
    .onConflict((oc) => oc.column('instance_id').doNothing())
    .execute();
}

/** The unclaimed lease row of one instance (a no-op when it has one, or when the instance is gone). */
export async function addLease(db: DbOrTrx, instanceId: string): Promise<void> {
  await db
    .insertInto('instance_leases')
    .columns(['instance_id', 'node_id', 'expires_at'])
    .expression((eb) => eb.selectFrom('instances').select(['instances.id', sql.lit('').as('node_id'), sql.lit(0).as('expires_at')]).where('instances.id', '=', instanceId))
    .onConflict((oc) => oc.column('instance_id').doNothing())
    .execute();
}

/** Extends the node's leases that still hold at `now` to `until`; answers their instances. Expired ones are not renewed: they are free for any node. */
export async function renewLeases(db: DbOrTrx, nodeId: string, now: number, until: number): Promise<string[]> {
  const rows = await db
    .updateTable('instance_leases')
    .set({ expires_at: until })
    .where('node_id', '=', nodeId)
    .where('expires_at', '>', now)
    .returning('instance_id')
    .execute();
  return rows.map((r) => r.instance_id);
}

/**
 * Takes up to `limit` free leases (expired or released at `now`) for the node until `until`;
 * answers the instances taken. On PostgreSQL the candidates are locked with FOR UPDATE SKIP
 * LOCKED, so nodes claiming at the same moment take different instances instead of waiting for
 * each other; the outer condition re-checks that each lease is still free, on either database.
 */
export async function claimFreeLeases(db: DbOrTrx, dialect: DialectName, nodeId: string, now: number, until: number, limit: number): Promise<string[]> {
  if (limit <= 0) return [];
  let candidates = db.selectFrom('instance_leases').select('instance_id').where('expires_at', '<=', now).orderBy('instance_id').limit(limit);
  if (dialect === 'postgres') candidates = candidates.forUpdate().skipLocked();
  const rows = await db
    .updateTable('instance_leases')
    .set({ node_id: nodeId, expires_at: until, state: null })
    .where('instance_id', 'in', candidates)
    .where('expires_at', '<=', now)
    .returning('instance_id')
    .execute();
  return rows.map((r) => r.instance_id).sort();
}

/**
 * Takes back the node's own leases that are free at `now` (it was stopped, or paused past them,
 * and nobody took them since: a lease taken by another node names that node): a node started
 * again under the same NODE_ID serves its instances again at once.
 */
export async function reclaimOwnLeases(db: DbOrTrx, nodeId: string, now: number, until: number): Promise<string[]> {
  const rows = await db
    .updateTable('instance_leases')
    .set({ expires_at: until, state: null })
    .where('node_id', '=', nodeId)
    .where('expires_at', '<=', now)
    .returning('instance_id')
    .execute();
  return rows.map((r) => r.instance_id).sort();
}

/** Takes the lease of one instance if it is free at `now`; true when taken (false: another node holds it, or no such instance). */
export async function claimLease(db: DbOrTrx, nodeId: string, instanceId: string, now: number, until: number): Promise<boolean> {
  await addLease(db, instanceId);
  const rows = await db
    .updateTable('instance_leases')
    .set({ node_id: nodeId, expires_at: until, state: null })
    .where('instance_id', '=', instanceId)
    .where('expires_at', '<=', now)
    .returning('instance_id')
    .execute();
  return rows.length > 0;
}

/**
 * Gives up the node's leases (all, or those of `instanceIds`): any node may take them at once.
 * They still name the node, which takes them back first if it starts again under the same id.
 */
export async function releaseLeases(db: DbOrTrx, nodeId: string, instanceIds?: readonly string[]): Promise<void> {
  if (instanceIds && instanceIds.length === 0) return;
  let q = db.updateTable('instance_leases').set({ expires_at: 0 }).where('node_id', '=', nodeId);
  if (instanceIds) q = q.where('instance_id', 'in', instanceIds);
  await q.execute();
}

/** Every lease row (one per instance). */
export function allLeases(db: DbOrTrx): Promise<InstanceLeaseRow[]> {
  return db.selectFrom('instance_leases').selectAll().orderBy('instance_id').execute();
}

/** One instance's lease row, or undefined. */
export function leaseOf(db: DbOrTrx, instanceId: string): Promise<InstanceLeaseRow | undefined> {
  return db.selectFrom('instance_leases').selectAll().where('instance_id', '=', instanceId).executeTakeFirst();
}

/** The node holding the instance's lease at `now`, with where it answers; undefined when none does. */
export function holderOf(db: DbOrTrx, instanceId: string, now: number): Promise<NodeRow | undefined> {
  return db
    .selectFrom('instance_leases')
    .innerJoin('nodes', 'nodes.id', 'instance_leases.node_id')
    .select(['nodes.id', 'nodes.url', 'nodes.secret', 'nodes.heartbeat_at', 'nodes.started_at'])
    .where('instance_leases.instance_id', '=', instanceId)
    .where('instance_leases.expires_at', '>', now)
    .executeTakeFirst();
}

/** The owner's word on the instance's live state; written only while the node holds the lease. */
export async function setLeaseState(db: DbOrTrx, nodeId: string, instanceId: string, state: string): Promise<void> {
  await db.updateTable('instance_leases').set({ state }).where('instance_id', '=', instanceId).where('node_id', '=', nodeId).execute();
}

/** The stored rows of some instances (those a node takes over, or learns of); chunked for long lists. */
export async function instanceRows(db: DbOrTrx, instanceIds: readonly string[]): Promise<InstanceRow[]> {
  const rows: InstanceRow[] = [];
  for (let i = 0; i < instanceIds.length; i += 500) {
    rows.push(...(await db.selectFrom('instances').selectAll().where('id', 'in', instanceIds.slice(i, i + 500)).orderBy('created_at').orderBy('id').execute()));
  }
  return rows;
}
