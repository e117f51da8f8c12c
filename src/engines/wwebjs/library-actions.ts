/**
 * The part of whatsapp-web.js the engine's account operations use (groups, profile, channels,
 * labels) and the payloads of the library events it turns into engine events, as structural types
 * (see library-types.ts). Shapes are the library's own, as 1.34.7 builds them (Client.js,
 * structures/*.js); fields WhatsApp Web may leave out are optional.
 */
import type WAWebJS from 'whatsapp-web.js';
import type { AnyMessageId } from './keys.js';
import type { LibId } from './library-ids.js';

type Media = WAWebJS.MessageMedia;

/** What createGroup answers per participant (keyed by the id passed in, or the member's phone id). */
export interface LibCreatedParticipant {
  statusCode: number;
  message: string;
}

/** createGroup's answer; a string (`CreateGroupError: ...`) when WhatsApp refused to create it. */
export interface LibCreatedGroup {
  title: string;
  gid: LibId;
  participants: Record<string, LibCreatedParticipant>;
}

/** GroupChat.addParticipants: per participant id; a string (`AddParticipantsError: ...`) when nobody could be added. */
export type LibAddParticipantsResult = Record<string, { code: number; message: string; isInviteV4Sent?: boolean }> | string;

/** A request to join a group that asks admins to approve (WAWebApiMembershipApprovalRequestStore). */
export interface LibMembershipRequest {
  /** A Wid (`{ _serialized }`) as it crossed from the page, or its string. */
  id: unknown;
  addedBy?: unknown;
  requestMethod?: string;
  /** Unix seconds. */
  t?: number;
}

/** The answer to approving or rejecting one request (WWebJS.membershipRequestAction). */
export interface LibMembershipAnswer {
  requesterId: string | string[] | null;
  /** WhatsApp's error code, when it failed. */
  error?: number;
  message: string;
}

/** What WhatsApp tells about an invite code before joining (WAWebGroupQueryJob.queryGroupInvite). */
export interface LibInviteInfo {
  id?: LibId | string;
  subject?: string;
  /** Admins approve who joins. */
  membershipApprovalMode?: boolean;
}

/** The group administration a GroupChat offers. */
export interface LibGroupAdmin {
  addParticipants(ids: string[], options?: { sleep?: null | number | number[]; autoSendInviteV4?: boolean }): Promise<LibAddParticipantsResult>;
  removeParticipants(ids: string[]): Promise<unknown>;
  promoteParticipants(ids: string[]): Promise<unknown>;
  demoteParticipants(ids: string[]): Promise<unknown>;
  /** undefined when this account may not see it (not an admin). */
  getInviteCode(): Promise<string | undefined>;
  revokeInvite(): Promise<string>;
  leave(): Promise<void>;
  /** false when WhatsApp refused (only admins may, in a locked group). */
  setSubject(subject: string): Promise<boolean>;
  setDescription(description: string): Promise<boolean>;
  setPicture(media: Media): Promise<boolean>;
  deletePicture(): Promise<boolean | undefined>;
  setMessagesAdminsOnly(adminsOnly?: boolean): Promise<boolean>;
  setInfoAdminsOnly(adminsOnly?: boolean): Promise<boolean>;
}

/** A channel as the library hands it out (structures/Channel.js). */
export interface LibChannel {
  id: LibId;
  name: string;
  description?: string;
  isChannel?: boolean;
  /** WhatsApp Web's newsletter metadata, serialised. */
  channelMetadata?: { membershipType?: string; subscribersCount?: number; name?: string; description?: string } | null;
}

/** The account operations of the Client. */
export interface WwebjsClientActions {
  createGroup(title: string, participants: string[], options?: object): Promise<LibCreatedGroup | string>;
  /** Joins by invite code; answers the group id. */
  acceptInvite(code: string): Promise<string>;
  getInviteInfo(code: string): Promise<LibInviteInfo | null | undefined>;
  getGroupMembershipRequests(groupId: string): Promise<LibMembershipRequest[]>;
  approveGroupMembershipRequests(groupId: string, options: { requesterIds: string[]; sleep: null }): Promise<LibMembershipAnswer[]>;
  rejectGroupMembershipRequests(groupId: string, options: { requesterIds: string[]; sleep: null }): Promise<LibMembershipAnswer[]>;
  /** false when WhatsApp does not let this account change its name. */
  setDisplayName(name: string): Promise<boolean>;
  setStatus(status: string): Promise<void>;
  setProfilePicture(media: Media): Promise<boolean>;
  deleteProfilePicture(): Promise<boolean | undefined>;
  sendPresenceAvailable(): Promise<unknown>;
  sendPresenceUnavailable(): Promise<unknown>;
  getChannels(): Promise<LibChannel[]>;
  getChannelByInviteCode(code: string): Promise<LibChannel | undefined>;
  /** false when WhatsApp Web has no such channel, or the account owns it. */
  subscribeToChannel(id: string): Promise<boolean>;
  unsubscribeFromChannel(id: string, options?: { deleteLocalModels?: boolean }): Promise<boolean>;
  /** Sets exactly these labels on these chats (business accounts; throws `[LT01] ...` otherwise). */
  addOrRemoveLabels(labelIds: string[], chatIds: string[]): Promise<unknown>;
}

/** A reaction as the library's `message_reaction` hands it (structures/Reaction.js). */
export interface LibReaction {
  /** The reaction's own key. */
  id: AnyMessageId;
  /** The key of the message reacted to. */
  msgId: AnyMessageId;
  senderId: string;
  /** '' when removed. */
  reaction: string;
  /** Unix seconds. */
  timestamp: number;
}

/** A poll vote as the library's `vote_update` hands it (structures/PollVote.js). */
export interface LibPollVote {
  voter: string;
  selectedOptions: { name?: string; localId: number }[];
  /** Milliseconds. */
  interractedAtTs?: number;
  /** The poll message (a library Message). */
  parentMessage: { id: AnyMessageId; fromMe?: boolean };
  parentMsgKey: AnyMessageId;
}

/** A group notification (structures/GroupNotification.js); `type` is WhatsApp Web's gp2 subtype. */
export interface LibGroupNotification {
  chatId?: string;
  type?: string;
  body?: string;
  author?: string;
  recipientIds?: string[];
  /** Unix seconds. */
  timestamp?: number;
}

/** A call as the library's `call` event hands it (structures/Call.js; Events.INCOMING_CALL is `call`). */
export interface LibCall {
  id: string;
  from: string;
  isVideo: boolean;
  isGroup: boolean;
  fromMe: boolean;
  timestamp?: number;
}
