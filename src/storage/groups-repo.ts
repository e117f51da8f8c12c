import type { DbOrTrx } from './db.js';
import type { ChatGroupRow } from './schema.js';

export interface GroupParticipantRow {
  id: string;
  admin: 'admin' | 'superadmin' | null;
}

/** A group as an engine reports it. */
export interface GroupReport {
  id: string;
  name: string;
  description: string | null;
  /** Unix seconds. */
  creation: number | null;
  owner: string | null;
  participants: GroupParticipantRow[];
  /** Only admins send messages (left out: not known, the stored value stays). */
  announce?: boolean;
  /** Only admins edit the group's info (left out: not known). */
  locked?: boolean;
}

export async function upsertGroups(db: DbOrTrx, instanceId: string, groups: GroupReport[]): Promise<void> {
  const now = Date.now();
  for (const g of groups) {
    const row = {
      name: g.name,
      description: g.description,
      owner: g.owner,
      creation: g.creation,
      participants: JSON.stringify(g.participants),
      updated_at: now,
      ...(g.announce !== undefined ? { announce: g.announce ? 1 : 0 } : {}),
      ...(g.locked !== undefined ? { locked: g.locked ? 1 : 0 } : {}),
    };
    await db
      .insertInto('chat_groups')
      .values({ instance_id: instanceId, group_id: g.id, ...row })
      .onConflict((oc) => oc.columns(['instance_id', 'group_id']).doUpdateSet(row))
      .execute();
  }
}

/** What a group change tells: the fields given change. */
export interface GroupPatch {
  name?: string;
  description?: string | null;
  participants?: GroupParticipantRow[];
  announce?: boolean;
  locked?: boolean;
}

export async function updateGroup(db: DbOrTrx, instanceId: string, groupId: string, patch: GroupPatch): Promise<void> {
  await db
    .updateTable('chat_groups')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.participants !== undefined ? { participants: JSON.stringify(patch.participants) } : {}),
      ...(patch.announce !== undefined ? { announce: patch.announce ? 1 : 0 } : {}),
      ...(patch.locked !== undefined ? { locked: patch.locked ? 1 : 0 } : {}),
      updated_at: Date.now(),
    })
    .where('instance_id', '=', instanceId)
    .where('group_id', '=', groupId)
    .execute();
}

export async function deleteGroup(db: DbOrTrx, instanceId: string, groupId: string): Promise<void> {
  await db.deleteFrom('chat_groups').where('instance_id', '=', instanceId).where('group_id', '=', groupId).execute();
}

export function listGroups(db: DbOrTrx, instanceId: string): Promise<ChatGroupRow[]> {
  return db.selectFrom('chat_groups').selectAll().where('instance_id', '=', instanceId).orderBy('name').orderBy('group_id').execute();
}

export function findGroup(db: DbOrTrx, instanceId: string, groupId: string): Promise<ChatGroupRow | undefined> {
  return db.selectFrom('chat_groups').selectAll().where('instance_id', '=', instanceId).where('group_id', '=', groupId).executeTakeFirst();
}

export function participantsOf(row: ChatGroupRow): GroupParticipantRow[] {
  try {
    const parsed = JSON.parse(row.participants) as GroupParticipantRow[];
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}
