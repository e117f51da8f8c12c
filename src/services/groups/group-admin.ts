import type { GroupsCapability, JoinRequest, MediaPayload, ParticipantAction, ParticipantResult } from '../../engines/engine.js';
import { badRequest } from '../../errors.js';
import * as chatsRepo from '../../storage/chats-repo.js';
import type { Db } from '../../storage/db.js';
import * as groupsRepo from '../../storage/groups-repo.js';
import { transact } from '../../storage/transact.js';
import { capabilityOf, operationOf } from '../instances/capability.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import { toGroupView, type GroupView } from './group-service.js';

/** Where WhatsApp's invite links point. */
export const INVITE_PREFIX = 'https://chat.whatsapp.com/';

export interface InviteView {
  code: string;
  /** `https://chat.whatsapp.com/<code>` */
  link: string;
}

export interface GroupAdminOptions {
  db: Db;
  registry: InstanceRegistry;
}

/** An invite link or its code, as the code; a 400 naming `field` when there is none. */
export function inviteCodeOf(field: string, input: string): string {
  const code = input.trim().replace(/^https?:\/\/chat\.whatsapp\.com\/(?:invite\/)?/i, '').split(/[/?#]/)[0] ?? '';
  if (!/^[A-Za-z0-9_-]{6,64}$/.test(code)) throw badRequest(`${field}: "${input}" is neither an invite link (${INVITE_PREFIX}...) nor an invite code`);
  return code;
}

const inviteView = (code: string): InviteView => ({ code, link: `${INVITE_PREFIX}${code}` });

/**
 * Running groups: create, members and their roles, invite links, joining and leaving, requests to
 * join, name, description, picture and the two settings. Each checks the operation (501) and the
 * connection (409) in one place, asks WhatsApp (which answers 404 for a group the account is not in
 * and 409 for what only admins may do), and stores the group as WhatsApp then shows it.
 */
export class GroupAdminService {
  constructor(private readonly opts: GroupAdminOptions) {}

  /** Creates a group with this account as its owner; answers it as `groups/group` does. */
  async create(instanceId: string, name: string, participants: string[]): Promise<GroupView> {
    const create = this.op(instanceId, 'create');
    const group = await create(name, [...new Set(participants)]);
    await transact(this.opts.db, async (trx) => {
      await groupsRepo.upsertGroups(trx, instanceId, [group]);
      await chatsRepo.upsertChats(trx, instanceId, [{ id: group.id, isGroup: true }]);
    });
    return toGroupView(group);
  }

  /** Adds, removes, promotes or demotes members: one result per participant (`success` or `error` with why). */
  async participants(instanceId: string, groupId: string, action: ParticipantAction, participants: string[]): Promise<ParticipantResult[]> {
    const update = this.op(instanceId, 'updateParticipants');
    const results = await update(groupId, action, [...new Set(participants)]);
    await this.refresh(instanceId, groupId);
    return results;
  }

  async invite(instanceId: string, groupId: string): Promise<InviteView> {
    return inviteView(await this.op(instanceId, 'getInviteCode')(groupId));
  }

  /** Resets the invite link: the old one stops working. */
  async revokeInvite(instanceId: string, groupId: string): Promise<InviteView> {
    return inviteView(await this.op(instanceId, 'revokeInviteCode')(groupId));
  }

  /** Joins by invite code; answers the group id (409 when the group's admins must approve: the request is pending). */
  async join(instanceId: string, code: string): Promise<string> {
    const groupId = await this.op(instanceId, 'join')(code);
    await this.refresh(instanceId, groupId);
    return groupId;
  }

  /** Leaves a group: it leaves the groups list (the chat and its messages stay). */
  async leave(instanceId: string, groupId: string): Promise<void> {
    await this.op(instanceId, 'leave')(groupId);
    await groupsRepo.deleteGroup(this.opts.db, instanceId, groupId);
  }

  requests(instanceId: string, groupId: string): Promise<JoinRequest[]> {
    return this.op(instanceId, 'joinRequests')(groupId);
  }

  async answerRequests(instanceId: string, groupId: string, participants: string[], approve: boolean): Promise<ParticipantResult[]> {
    const results = await this.op(instanceId, 'answerJoinRequests')(groupId, [...new Set(participants)], approve);
    await this.refresh(instanceId, groupId);
    return results;
  }

  async setName(instanceId: string, groupId: string, name: string): Promise<void> {
    await this.op(instanceId, 'setSubject')(groupId, name);
    await this.refresh(instanceId, groupId);
  }

  /** '' removes the description. */
  async setDescription(instanceId: string, groupId: string, description: string): Promise<void> {
    await this.op(instanceId, 'setDescription')(groupId, description);
    await this.refresh(instanceId, groupId);
  }

  /** null removes the picture. */
  async setPicture(instanceId: string, groupId: string, picture: MediaPayload | null): Promise<void> {
    await this.op(instanceId, 'setPicture')(groupId, picture);
  }

  /** Only admins send messages (true), or everyone (false). */
  async setAnnounce(instanceId: string, groupId: string, announce: boolean): Promise<void> {
    await this.op(instanceId, 'setAnnounce')(groupId, announce);
    await this.refresh(instanceId, groupId);
  }

  /** Only admins edit the group's info (true), or everyone (false). */
  async setLocked(instanceId: string, groupId: string, locked: boolean): Promise<void> {
    await this.op(instanceId, 'setLocked')(groupId, locked);
    await this.refresh(instanceId, groupId);
  }

  private op<M extends keyof GroupsCapability & string>(instanceId: string, method: M) {
    return operationOf(this.opts.registry, instanceId, 'groups', method);
  }

  /** Stores the group as WhatsApp shows it now (a group the account is no longer in leaves the list). */
  private async refresh(instanceId: string, groupId: string): Promise<void> {
    const group = await capabilityOf(this.opts.registry, instanceId, 'groups').getGroup(groupId);
    await transact(this.opts.db, async (trx) => {
      if (!group) {
        await groupsRepo.deleteGroup(trx, instanceId, groupId);
        return;
      }
      await groupsRepo.upsertGroups(trx, instanceId, [group]);
      await chatsRepo.upsertChats(trx, instanceId, [{ id: group.id, isGroup: true }]);
    });
  }
}
