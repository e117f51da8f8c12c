import { randomBytes } from 'node:crypto';
import { phoneToJid } from '../../ids.js';
import type { EngineGroup, GroupParticipant, JoinRequest, ParticipantResult } from '../engine.js';

/** A group as the network keeps it (saved in the network's state file). */
export interface StoredGroup {
  id: string;
  name: string;
  description: string | null;
  creation: number;
  owner: string;
  participants: GroupParticipant[];
  announce?: boolean;
  locked?: boolean;
  inviteCode?: string;
  /** A data URI, or null. */
  picture?: string | null;
  /** Pending requests to join (announce groups ask admins to approve new members). */
  requests?: JoinRequest[];
}

/** The answer for one participant of a group operation, in GoWA's words. */
export const ok = (participant: string): ParticipantResult => ({ participant, status: 'success', message: 'Action success' });
export const failed = (participant: string, message: string): ParticipantResult => ({ participant, status: 'error', message });

export function newInviteCode(): string {
  return randomBytes(16).toString('base64url').slice(0, 22);
}

export function isAdmin(group: StoredGroup, phone: string): boolean {
  const jid = phoneToJid(phone);
  return group.participants.some((p) => p.id === jid && p.admin !== null);
}

export function toEngineGroup(g: StoredGroup): EngineGroup {
  return {
    id: g.id,
    name: g.name,
    description: g.description,
    creation: g.creation,
    owner: g.owner,
    participants: g.participants.map((p) => ({ ...p })),
    announce: g.announce ?? false,
    locked: g.locked ?? false,
  };
}
