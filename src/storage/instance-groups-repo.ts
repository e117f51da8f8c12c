import type { DbOrTrx } from './db.js';
import type { GroupColor, InstanceGroupRow } from './schema.js';

export function listInstanceGroups(db: DbOrTrx): Promise<InstanceGroupRow[]> {
  return db.selectFrom('instance_groups').selectAll().orderBy('name').orderBy('id').execute();
}

export function findInstanceGroup(db: DbOrTrx, id: number): Promise<InstanceGroupRow | undefined> {
  return db.selectFrom('instance_groups').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertInstanceGroup(db: DbOrTrx, name: string, color: GroupColor, now: number): Promise<number> {
  const row = await db.insertInto('instance_groups').values({ name, color, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function updateInstanceGroup(db: DbOrTrx, id: number, patch: { name?: string; color?: GroupColor }, now: number): Promise<void> {
  await db.updateTable('instance_groups').set({ ...patch, updated_at: now }).where('id', '=', id).execute();
}

/** Deletes the group; its instances are left without one (ON DELETE SET NULL). */
export async function deleteInstanceGroup(db: DbOrTrx, id: number): Promise<boolean> {
  const r = await db.deleteFrom('instance_groups').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function setInstanceGroup(db: DbOrTrx, instanceId: string, groupId: number | null): Promise<void> {
  await db.updateTable('instances').set({ group_id: groupId, updated_at: Date.now() }).where('id', '=', instanceId).execute();
}
