/**
 * The fake Client's account operations (groups, invites and join requests, profile, presence,
 * channels, labels), with the library's answers as 1.34.7 gives them (Client.js): error strings
 * from createGroup, booleans from settings, false from channel calls it cannot do, a thrown
 * `[LT01]` for labels on a non-business account.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type {
  LibChannel,
  LibCreatedGroup,
  LibInviteInfo,
  LibMembershipAnswer,
  LibMembershipRequest,
  WwebjsClientActions,
} from '../../../src/engines/wwebjs/library-actions.js';
import type { LibId } from '../../../src/engines/wwebjs/library-types.js';
import { FakeGroupChat } from './group.js';
import { idOf, type FakeChat } from './model.js';

export interface FakeLabel {
  id: string;
  name: string;
  colorIndex: number;
}

export interface FakeChannel {
  id: string;
  name: string;
  description: string;
  subscribers: number;
  inviteCode: string;
  /** The account's role: `guest` when not following. */
  role: 'guest' | 'subscriber' | 'admin' | 'owner';
}

export abstract class FakeAccount extends EventEmitter implements WwebjsClientActions {
  abstract readonly chats: Map<string, FakeChat>;
  abstract info?: { wid: LibId; pushname: string; platform?: string };
  protected abstract requireReady(): LibId;

  /** WhatsApp lets this account change its name (Conn.canSetMyPushname). */
  canSetName = true;
  about = 'Hey there! I am using WhatsApp.';
  hasPicture = false;
  presence: string[] = [];
  readonly channels = new Map<string, FakeChannel>();
  readonly labels: FakeLabel[] = [];

  async createGroup(title: string, participants: string[]): Promise<LibCreatedGroup | string> {
    const me = this.requireReady();
    if (!title.trim()) return 'CreateGroupError: An unknown error occupied while creating a group';
    const gid = idOf(`120363${randomBytes(6).readUIntBE(0, 6)}@g.us`);
    const result: LibCreatedGroup = { title, gid, participants: {} };
    const added: LibId[] = [];
    for (const p of participants) {
      const found = !p.endsWith('0000@c.us');
      if (found) added.push(idOf(p));
      result.participants[p] = { statusCode: found ? 200 : 404, message: found ? 'The participant was added successfully' : 'The phone number is not registered on WhatsApp' };
    }
    this.chats.set(gid._serialized, new FakeGroupChat(gid, title, me, added));
    return result;
  }

  groupByInvite(code: string): FakeGroupChat | undefined {
    return [...this.chats.values()].find((c): c is FakeGroupChat => c instanceof FakeGroupChat && c.inviteCode === code);
  }

  async getInviteInfo(code: string): Promise<LibInviteInfo> {
    this.requireReady();
    const group = this.groupByInvite(code);
    if (!group) throw new Error('Evaluation failed: ServerStatusCodeError: item-not-found');
    return { id: group.id, subject: group.name, membershipApprovalMode: group.approval };
  }

  async acceptInvite(code: string): Promise<string> {
    const me = this.requireReady();
    const group = this.groupByInvite(code);
    if (!group) throw new Error('Evaluation failed: ServerStatusCodeError: item-not-found');
    if (group.approval) group.requests.push({ id: me._serialized, t: Math.floor(Date.now() / 1000) });
    else if (!group.member(me._serialized)) group.participants.push({ id: me, isAdmin: false, isSuperAdmin: false });
    return group.id._serialized;
  }

  async getGroupMembershipRequests(groupId: string): Promise<LibMembershipRequest[]> {
    const group = this.chats.get(groupId);
    if (!(group instanceof FakeGroupChat)) return [];
    return group.requests.map((r) => ({ id: idOf(r.id), addedBy: null, requestMethod: 'InviteLink', t: r.t }));
  }

  async approveGroupMembershipRequests(groupId: string, { requesterIds }: { requesterIds: string[] }): Promise<LibMembershipAnswer[]> {
    return this.answerRequests(groupId, requesterIds, true);
  }

  async rejectGroupMembershipRequests(groupId: string, { requesterIds }: { requesterIds: string[] }): Promise<LibMembershipAnswer[]> {
    return this.answerRequests(groupId, requesterIds, false);
  }

  private answerRequests(groupId: string, ids: string[], approve: boolean): LibMembershipAnswer[] {
    const group = this.chats.get(groupId);
    if (!(group instanceof FakeGroupChat)) return [];
    return ids.map((id) => {
      const at = group.requests.findIndex((r) => r.id === id);
      if (at < 0) return { requesterId: id, error: 404, message: 'ParticipantRequestNotFoundError' };
      group.requests.splice(at, 1);
      if (approve) group.participants.push({ id: idOf(id), isAdmin: false, isSuperAdmin: false });
      return { requesterId: id, message: `${approve ? 'Approved' : 'Rejected'} successfully` };
    });
  }

  async setDisplayName(name: string): Promise<boolean> {
    this.requireReady();
    if (!this.canSetName || !this.info) return false;
    this.info.pushname = name;
    return true;
  }
  async setStatus(status: string): Promise<void> {
    this.requireReady();
    this.about = status;
  }
  async setProfilePicture(): Promise<boolean> {
    this.requireReady();
    this.hasPicture = true;
    return true;
  }
  async deleteProfilePicture(): Promise<boolean | undefined> {
    this.requireReady();
    if (!this.hasPicture) return undefined;
    this.hasPicture = false;
    return true;
  }
  async sendPresenceAvailable(): Promise<void> {
    this.requireReady();
    this.presence.push('available');
  }
  async sendPresenceUnavailable(): Promise<void> {
    this.requireReady();
    this.presence.push('unavailable');
  }

  /** A channel as the library's Channel structure (getChatModel with isChannel). */
  channelOf(c: FakeChannel): LibChannel {
    return {
      id: idOf(c.id),
      name: c.name,
      description: c.description,
      isChannel: true,
      channelMetadata: { membershipType: c.role, subscribersCount: c.subscribers, name: c.name, description: c.description },
    };
  }
  async getChannels(): Promise<LibChannel[]> {
    this.requireReady();
    return [...this.channels.values()].filter((c) => c.role !== 'guest').map((c) => this.channelOf(c));
  }
  async getChannelByInviteCode(code: string): Promise<LibChannel | undefined> {
    this.requireReady();
    const found = [...this.channels.values()].find((c) => c.inviteCode === code);
    return found ? this.channelOf(found) : undefined;
  }
  async subscribeToChannel(id: string): Promise<boolean> {
    this.requireReady();
    const channel = this.channels.get(id);
    if (!channel || channel.role === 'owner') return false;
    channel.role = 'subscriber';
    return true;
  }
  async unsubscribeFromChannel(id: string): Promise<boolean> {
    this.requireReady();
    const channel = this.channels.get(id);
    if (!channel || channel.role === 'owner') return false;
    channel.role = 'guest';
    return true;
  }

  async addOrRemoveLabels(labelIds: string[], chatIds: string[]): Promise<void> {
    this.requireReady();
    if (!['smba', 'smbi'].includes(this.info?.platform ?? '')) throw '[LT01] Only Whatsapp business';
    for (const chatId of chatIds) {
      const chat = this.chats.get(chatId);
      if (chat) chat.labels = labelIds.filter((id) => this.labels.some((l) => l.id === id));
    }
  }
}

