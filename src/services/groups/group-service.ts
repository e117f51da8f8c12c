import type { EngineGroup } from '../../engines/engine.js';
import { notFound } from '../../errors.js';
import type { Db } from '../../storage/db.js';
import * as groupsRepo from '../../storage/groups-repo.js';
import type { GroupParticipantRow } from '../../storage/groups-repo.js';
import { capabilityOf, requireOpen } from '../instances/capability.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import type { InboundMessages } from '../messages/inbound.js';

export interface GroupSummary {
  id: string;
  name: string;
  /** How many members. */
  participants: number;
  /** Unix seconds. */
  creation: number | null;
  desc: string | null;
}

export interface GroupView {
  id: string;
  name: string;
  description: string | null;
  participants: GroupParticipantRow[];
  owner: string | null;
  /** Unix seconds. */
  creation: number | null;
  /** Only admins send messages (null: not known). */
  announce: boolean | null;
  /** Only admins edit the group's info (null: not known). */
  locked: boolean | null;
}

export function toGroupView(group: EngineGroup): GroupView {
  return {
    id: group.id,
    name: group.name,
    description: group.description,
    participants: group.participants.map((p) => ({ id: p.id, admin: p.admin })),
    owner: group.owner,
    creation: group.creation,
    announce: group.announce ?? null,
    locked: group.locked ?? null,
  };
}

export interface GroupServiceOptions {
  db: Db;
  registry: InstanceRegistry;
  inbound: Pick<InboundMessages, 'settled'>;
}

/** The groups the account is in: the list from the store, one group fresh from WhatsApp. */
export class GroupService {
  constructor(private readonly opts: GroupServiceOptions) {}

  /** By name, then id. */
  async list(instanceId: string): Promise<GroupSummary[]> {
    requireOpen(this.opts.registry, instanceId);
    await this.opts.inbound.settled(instanceId);
    const rows = await groupsRepo.listGroups(this.opts.db, instanceId);
    return rows
      .map((g) => ({ id: g.group_id, name: g.name, participants: groupsRepo.participantsOf(g).length, creation: g.creation, desc: g.description }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  /** Every group with its participants and settings as last stored (no question to WhatsApp per group), by name, then id. */
  async listViews(instanceId: string): Promise<GroupView[]> {
    requireOpen(this.opts.registry, instanceId);
    await this.opts.inbound.settled(instanceId);
    const rows = await groupsRepo.listGroups(this.opts.db, instanceId);
    return rows
      .map((g) => ({
        id: g.group_id,
        name: g.name,
        description: g.description,
        participants: groupsRepo.participantsOf(g),
        owner: g.owner,
        creation: g.creation,
        announce: g.announce === null ? null : g.announce === 1,
        locked: g.locked === null ? null : g.locked === 1,
      }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  /** One group with its participants; 404 when the account is not in it. What WhatsApp says is stored too. */
  async get(instanceId: string, groupId: string): Promise<GroupView> {
    const group = await capabilityOf(this.opts.registry, instanceId, 'groups').getGroup(groupId);
    if (!group) throw notFound(`groupId: no group ${groupId}, or this account is not in it`);
    await groupsRepo.upsertGroups(this.opts.db, instanceId, [group]);
    return toGroupView(group);
  }
}
