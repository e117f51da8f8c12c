import { jidToPhone } from '../../ids.js';
import { EngineError, type GroupsCapability } from '../engine.js';
import { pictureUri } from './sandbox-basics.js';
import type { SandboxSelf } from './sandbox-self.js';

/** Groups on the simulated network: every rule is the network's (network-groups.ts), acted as this phone. */
export function groupsCapability(engine: SandboxSelf): GroupsCapability {
  const groups = engine.network.groups;
  const myPhone = () => engine.requireOpen().phone;

  return {
    async getGroup(id) {
      return groups.isMember(id, myPhone()) ? groups.view(id) : null;
    },
    async create(name, participants) {
      const phones = participants.map((id) => jidToPhone(id)).filter((p): p is string => p !== null);
      return groups.create(myPhone(), name, phones);
    },
    async updateParticipants(groupId, action, participants) {
      return groups.updateParticipants(myPhone(), groupId, action, participants);
    },
    async getInviteCode(groupId) {
      return groups.inviteCode(myPhone(), groupId);
    },
    async revokeInviteCode(groupId) {
      return groups.revokeInvite(myPhone(), groupId);
    },
    async join(code) {
      const joined = groups.joinByCode(myPhone(), code);
      if (joined.status === 'requested') {
        throw new EngineError('rejected', `group ${joined.groupId} asks its admins to approve new members: the request to join is pending`);
      }
      return joined.groupId;
    },
    async leave(groupId) {
      groups.leave(myPhone(), groupId);
    },
    async joinRequests(groupId) {
      return groups.requests(myPhone(), groupId);
    },
    async answerJoinRequests(groupId, participants, approve) {
      return groups.answerRequests(myPhone(), groupId, participants, approve);
    },
    async setSubject(groupId, subject) {
      groups.setSubject(myPhone(), groupId, subject);
    },
    async setDescription(groupId, description) {
      groups.setDescription(myPhone(), groupId, description);
    },
    async setPicture(groupId, picture) {
      groups.setPicture(myPhone(), groupId, pictureUri(picture));
    },
    async setAnnounce(groupId, announce) {
      groups.setSetting(myPhone(), groupId, 'announce', announce);
    },
    async setLocked(groupId, locked) {
      groups.setSetting(myPhone(), groupId, 'locked', locked);
    },
  };
}
