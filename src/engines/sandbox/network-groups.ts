import { randomBytes } from 'node:crypto';
import { jidToPhone, phoneToJid } from '../../ids.js';
import { EngineError, type EngineEvent, type EngineGroup, type GroupChange, type JoinRequest, type ParticipantAction, type ParticipantResult } from '../engine.js';
import { failed, isAdmin, newInviteCode, ok, toEngineGroup, type StoredGroup } from './group-records.js';

/** What the groups need of the network around them. */
export interface GroupsHost {
  now(): number;
  /** Whether a phone number is on WhatsApp. */
  exists(phone: string): boolean;
  /** Hands an event to the peers linked to these phones (held for one that is offline, unless `live`). */
  tell(phones: string[], event: EngineEvent, live?: boolean): void;
  /** Syncs a group's metadata to these phones, `read` for each when it reaches it (null: nothing to sync). */
  sync(phones: string[], read: (phone: string) => EngineGroup | null): void;
  save(): void;
}

/**
 * The groups of the simulated network and WhatsApp's rules for them: who may change what (admins;
 * info only by admins in a locked group; messages only by admins in an announce group, where new
 * members also need an admin's approval), invite links, and the notifications every member gets.
 */
export class SandboxGroups {
  private readonly groups = new Map<string, StoredGroup>();

  constructor(
    private readonly host: GroupsHost,
    saved: StoredGroup[] = [],
  ) {
    for (const g of saved) this.groups.set(g.id, g);
  }

  all(): StoredGroup[] {
    return [...this.groups.values()];
  }

  view(id: string): EngineGroup | null {
    const g = this.groups.get(id);
    return g ? toEngineGroup(g) : null;
  }

  ofPhone(phone: string): EngineGroup[] {
    const jid = phoneToJid(phone);
    return this.all()
      .filter((g) => g.participants.some((p) => p.id === jid))
      .map(toEngineGroup);
  }

  isMember(id: string, phone: string): boolean {
    return this.groups.get(id)?.participants.some((p) => p.id === phoneToJid(phone)) ?? false;
  }

  /** Phones of the members (and of `also`), for notifications. */
  membersOf(group: StoredGroup, also: string[] = []): string[] {
    return [...new Set([...group.participants.map((p) => jidToPhone(p.id)), ...also])].filter((p): p is string => p !== null);
  }

  /** Whether this member may send messages now (announce groups: admins only). */
  mayPost(id: string, phone: string): boolean {
    const group = this.groups.get(id);
    return !group?.announce || isAdmin(group, phone);
  }

  picture(id: string): string | null {
    return this.groups.get(id)?.picture ?? null;
  }

  create(owner: string, name: string, phones: string[]): EngineGroup {
    let id: string;
    do id = `1203630${String(BigInt('0x' + randomBytes(7).toString('hex'))).slice(0, 11)}@g.us`;
    while (this.groups.has(id));
    const members = new Set([owner, ...phones.filter((p) => this.host.exists(p))]);
    const group: StoredGroup = {
      id,
      name,
      description: null,
      creation: this.nowSeconds(),
      owner: phoneToJid(owner),
      participants: [...members].map((p) => ({ id: phoneToJid(p), admin: p === owner ? ('superadmin' as const) : null })),
      announce: false,
      locked: false,
      inviteCode: newInviteCode(),
      picture: null,
      requests: [],
    };
    this.groups.set(id, group);
    this.host.save();
    this.syncMembers(group);
    return toEngineGroup(group);
  }

  /** A simulated contact writing in a group becomes a member of it (without a notification). */
  addWriter(id: string, phone: string): void {
    const group = this.groups.get(id);
    if (!group || group.participants.some((p) => p.id === phoneToJid(phone))) return;
    group.participants.push({ id: phoneToJid(phone), admin: null });
    this.host.save();
    this.syncMembers(group);
  }

  requireMember(id: string, phone: string): StoredGroup {
    const group = this.groups.get(id);
    if (!group || !group.participants.some((p) => p.id === phoneToJid(phone))) {
      throw new EngineError('not_found', `group ${id} not found, or this account is not in it`);
    }
    return group;
  }

  requireAdmin(id: string, phone: string, doing: string): StoredGroup {
    const group = this.requireMember(id, phone);
    if (!isAdmin(group, phone)) throw new EngineError('rejected', `only admins of group ${id} may ${doing}; this account is not one`);
    return group;
  }

  updateParticipants(actor: string, id: string, action: ParticipantAction, jids: string[]): ParticipantResult[] {
    const group = this.requireAdmin(id, actor, `${action} participants`);
    const results: ParticipantResult[] = [];
    const done: string[] = [];
    for (const jid of jids) {
      const member = group.participants.find((p) => p.id === jid);
      const phone = jidToPhone(jid);
      if (action === 'add') {
        if (member) results.push(failed(jid, 'already a member of the group'));
        else if (!phone || !this.host.exists(phone)) results.push(failed(jid, 'not on WhatsApp'));
        else {
          group.participants.push({ id: jid, admin: null });
          group.requests = (group.requests ?? []).filter((r) => r.id !== jid);
          done.push(jid);
          results.push(ok(jid));
        }
        continue;
      }
      if (!member) results.push(failed(jid, 'not a member of the group'));
      else if (member.admin === 'superadmin' && action !== 'promote') results.push(failed(jid, `the group's creator cannot be ${action === 'remove' ? 'removed' : 'demoted'}`));
      else if (jid === phoneToJid(actor) && action === 'remove') results.push(failed(jid, 'to leave the group, use leave'));
      else {
        if (action === 'remove') group.participants = group.participants.filter((p) => p !== member);
        if (action === 'promote' && member.admin === null) member.admin = 'admin';
        if (action === 'demote') member.admin = null;
        done.push(jid);
        results.push(ok(jid));
      }
    }
    if (done.length) {
      const kind = action === 'add' ? 'join' : action === 'remove' ? 'leave' : action;
      this.changed(group, { action: kind, participants: done, actor: phoneToJid(actor) }, action === 'remove' ? done : []);
    }
    return results;
  }

  inviteCode(actor: string, id: string): string {
    const group = this.requireAdmin(id, actor, 'see the invite link');
    group.inviteCode ??= newInviteCode();
    this.host.save();
    return group.inviteCode;
  }

  revokeInvite(actor: string, id: string): string {
    const group = this.requireAdmin(id, actor, 'reset the invite link');
    group.inviteCode = newInviteCode();
    this.host.save();
    return group.inviteCode;
  }

  /** Joins by invite code: a member at once, or a pending request where admins approve new members. */
  joinByCode(phone: string, code: string): { groupId: string; status: 'joined' | 'requested' } {
    const group = this.all().find((g) => g.inviteCode === code);
    if (!group) throw new EngineError('not_found', `no group has the invite code ${code} (it may have been reset)`);
    return { groupId: group.id, status: this.join(group, phone) };
  }

  /** A person uses the invite link of a group (a simulated contact, by group id). */
  joinById(id: string, phone: string): 'joined' | 'requested' {
    const group = this.groups.get(id);
    if (!group) throw new EngineError('not_found', `group ${id} not found`);
    return this.join(group, phone);
  }

  private join(group: StoredGroup, phone: string): 'joined' | 'requested' {
    const jid = phoneToJid(phone);
    if (group.participants.some((p) => p.id === jid)) throw new EngineError('rejected', `${jid} is already a member of group ${group.id}`);
    if (group.announce) {
      group.requests ??= [];
      if (!group.requests.some((r) => r.id === jid)) group.requests.push({ id: jid, requestedAt: this.nowSeconds() });
      this.host.save();
      return 'requested';
    }
    group.participants.push({ id: jid, admin: null });
    this.changed(group, { action: 'join', participants: [jid], actor: jid });
    return 'joined';
  }

  leave(phone: string, id: string): void {
    const group = this.requireMember(id, phone);
    const jid = phoneToJid(phone);
    group.participants = group.participants.filter((p) => p.id !== jid);
    this.changed(group, { action: 'leave', participants: [jid], actor: jid }, [jid]);
    // WhatsApp makes someone else an admin when the last one leaves.
    const next = group.participants[0];
    if (next && !group.participants.some((p) => p.admin)) {
      next.admin = 'admin';
      this.changed(group, { action: 'promote', participants: [next.id], actor: null });
    }
  }

  requests(actor: string, id: string): JoinRequest[] {
    return structuredClone(this.requireAdmin(id, actor, 'see the requests to join').requests ?? []);
  }

  answerRequests(actor: string, id: string, jids: string[], approve: boolean): ParticipantResult[] {
    const group = this.requireAdmin(id, actor, `${approve ? 'approve' : 'reject'} requests to join`);
    const results: ParticipantResult[] = [];
    const joined: string[] = [];
    for (const jid of jids) {
      const pending = group.requests?.some((r) => r.id === jid);
      if (!pending) {
        results.push(failed(jid, 'no request to join from this person'));
        continue;
      }
      group.requests = group.requests!.filter((r) => r.id !== jid);
      if (approve) {
        group.participants.push({ id: jid, admin: null });
        joined.push(jid);
      }
      results.push(ok(jid));
    }
    if (joined.length) this.changed(group, { action: 'join', participants: joined, actor: phoneToJid(actor) });
    else this.host.save();
    return results;
  }

  setSubject(actor: string, id: string, subject: string): void {
    const group = this.requireInfoEditor(actor, id, 'change the name');
    group.name = subject;
    this.changed(group, { action: 'subject', participants: [], actor: phoneToJid(actor), value: subject });
  }

  setDescription(actor: string, id: string, description: string): void {
    const group = this.requireInfoEditor(actor, id, 'change the description');
    group.description = description === '' ? null : description;
    this.changed(group, { action: 'description', participants: [], actor: phoneToJid(actor), value: description });
  }

  setPicture(actor: string, id: string, picture: string | null): void {
    const group = this.requireInfoEditor(actor, id, 'change the picture');
    group.picture = picture;
    this.changed(group, { action: 'picture', participants: [], actor: phoneToJid(actor), value: picture !== null });
  }

  setSetting(actor: string, id: string, setting: 'announce' | 'locked', on: boolean): void {
    const group = this.requireAdmin(id, actor, `change the ${setting} setting`);
    group[setting] = on;
    this.changed(group, { action: setting, participants: [], actor: phoneToJid(actor), value: on });
  }

  private requireInfoEditor(actor: string, id: string, doing: string): StoredGroup {
    const group = this.requireMember(id, actor);
    if (group.locked && !isAdmin(group, actor)) throw new EngineError('rejected', `group ${id} is locked: only its admins may ${doing}`);
    return group;
  }

  /** Saves, then tells every member (and `also`, members removed) what changed, and the members the group itself. */
  private changed(group: StoredGroup, change: Omit<GroupChange, 'groupId' | 'timestamp'>, also: string[] = []): void {
    this.host.save();
    const full: GroupChange = { groupId: group.id, timestamp: this.nowSeconds(), ...change };
    this.host.tell(this.membersOf(group, also.map((j) => jidToPhone(j)).filter((p): p is string => p !== null)), { type: 'group_change', change: full });
    this.syncMembers(group);
  }

  /**
   * Members' phones get the group's metadata, as WhatsApp syncs it (an offline one syncs when it
   * connects): the group as it is when the sync arrives, and only while the phone is still in it.
   */
  private syncMembers(group: StoredGroup): void {
    this.host.sync(this.membersOf(group), (phone) => {
      const now = this.groups.get(group.id);
      return now && this.isMember(now.id, phone) ? toEngineGroup(now) : null;
    });
  }

  private nowSeconds(): number {
    return Math.floor(this.host.now() / 1000);
  }
}

