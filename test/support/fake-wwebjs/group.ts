/**
 * The fake library's GroupChat: the members and settings of a group, and the administration
 * methods of whatsapp-web.js's GroupChat with their answers (GroupChat.js in 1.34.7): booleans for
 * settings, a per-participant map from addParticipants, nothing telling from remove/promote/demote.
 */
import { randomBytes } from 'node:crypto';
import type { LibAddParticipantsResult } from '../../../src/engines/wwebjs/library-actions.js';
import type { LibGroupChat, LibGroupParticipant, LibId } from '../../../src/engines/wwebjs/library-types.js';
import { FakeChat, idOf } from './model.js';

const inviteCode = () => randomBytes(11).toString('base64url').slice(0, 22);

export class FakeGroupChat extends FakeChat implements LibGroupChat {
  override isGroup = true;
  owner: LibId | undefined;
  createdAt = new Date();
  description: string | undefined = undefined;
  participants: LibGroupParticipant[];
  announce = false;
  locked = false;
  hasPicture = false;
  inviteCode = inviteCode();
  /** Admins approve who joins (membership approval mode). */
  approval = false;
  /** People asking to join: id and when (Unix seconds). */
  requests: { id: string; t: number }[] = [];
  left = false;

  constructor(
    id: LibId,
    name: string,
    owner: LibId,
    members: LibId[],
    /** The linked account's id in this group. */
    readonly me: LibId = owner,
  ) {
    super(id, name);
    this.owner = owner;
    this.participants = [{ id: owner, isAdmin: true, isSuperAdmin: true }, ...members.map((m) => ({ id: m, isAdmin: false, isSuperAdmin: false }))];
  }

  member(id: string): LibGroupParticipant | undefined {
    return this.participants.find((p) => p.id._serialized === id);
  }

  iAmAdmin(): boolean {
    return Boolean(this.member(this.me._serialized)?.isAdmin);
  }

  async addParticipants(ids: string[]): Promise<LibAddParticipantsResult> {
    if (!this.iAmAdmin()) return 'AddParticipantsError: You have no admin rights to add a participant to a group';
    const out: Exclude<LibAddParticipantsResult, string> = {};
    for (const id of ids) {
      if (id.endsWith('0000@c.us')) out[id] = { code: 404, message: 'The phone number is not registered on WhatsApp' };
      else if (this.member(id)) out[id] = { code: 409, message: 'The participant is already a group member' };
      else {
        this.participants.push({ id: idOf(id), isAdmin: false, isSuperAdmin: false });
        out[id] = { code: 200, message: 'The participant was added successfully' };
      }
    }
    return out;
  }
  async removeParticipants(ids: string[]): Promise<{ status: number }> {
    this.participants = this.participants.filter((p) => !ids.includes(p.id._serialized));
    return { status: 200 };
  }
  async promoteParticipants(ids: string[]): Promise<{ status: number }> {
    for (const p of this.participants) if (ids.includes(p.id._serialized)) p.isAdmin = true;
    return { status: 200 };
  }
  async demoteParticipants(ids: string[]): Promise<{ status: number }> {
    for (const p of this.participants) if (ids.includes(p.id._serialized) && !p.isSuperAdmin) p.isAdmin = false;
    return { status: 200 };
  }
  async getInviteCode(): Promise<string | undefined> {
    return this.iAmAdmin() ? this.inviteCode : undefined;
  }
  async revokeInvite(): Promise<string> {
    if (!this.iAmAdmin()) throw new Error('Evaluation failed: ServerStatusCodeError: not-authorized');
    this.inviteCode = inviteCode();
    return this.inviteCode;
  }
  async leave(): Promise<void> {
    this.left = true;
    this.participants = this.participants.filter((p) => p.id._serialized !== this.me._serialized);
  }
  private mayEditInfo(): boolean {
    return !this.locked || this.iAmAdmin();
  }
  async setSubject(subject: string): Promise<boolean> {
    if (!this.mayEditInfo()) return false;
    this.name = subject;
    return true;
  }
  async setDescription(description: string): Promise<boolean> {
    if (!this.mayEditInfo()) return false;
    this.description = description;
    return true;
  }
  async setPicture(): Promise<boolean> {
    if (!this.mayEditInfo()) return false;
    this.hasPicture = true;
    return true;
  }
  async deletePicture(): Promise<boolean | undefined> {
    if (!this.hasPicture || !this.mayEditInfo()) return undefined;
    this.hasPicture = false;
    return true;
  }
  async setMessagesAdminsOnly(adminsOnly = true): Promise<boolean> {
    if (!this.iAmAdmin()) return false;
    this.announce = adminsOnly;
    return true;
  }
  async setInfoAdminsOnly(adminsOnly = true): Promise<boolean> {
    if (!this.iAmAdmin()) return false;
    this.locked = adminsOnly;
    return true;
  }
}
