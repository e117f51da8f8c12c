/**
 * The optional capability groups of an engine. An engine that lacks a group leaves it out; an
 * operation that not every engine of a group has is optional (`edit?`), and the services answer
 * 501 `unsupported` for both in one place (services/instances/capability.ts). An engine that has
 * an operation but finds WhatsApp cannot do it for this account (labels on a non-business account)
 * throws EngineError('unsupported', why).
 *
 * Ids are the API's: users `905...@s.whatsapp.net` (or `<digits>@lid` for people who hide their
 * number), groups `...@g.us`, channels `...@newsletter`.
 */
import type { ChatPresence, OwnPresence } from './events.js';
import type { EngineContact, EngineGroup, EngineMessage, MediaPayload, MessageRef, OutgoingContent, SentMessage } from './types.js';

/** What may go with any send. */
export interface SendOptions {
  /** Reply to this message (it is quoted). */
  quoted?: MessageRef;
  /** Users mentioned (the text carries `@<phone>` for each). */
  mentions?: string[];
  /** Images and videos: can be opened once. */
  viewOnce?: boolean;
  /** Text: show a preview of the first link. */
  linkPreview?: boolean;
}

/** Sending and acting on messages. */
export interface MessagesCapability {
  send(to: string, content: OutgoingContent, options?: SendOptions): Promise<SentMessage>;
  /** An empty emoji removes the reaction. */
  react(ref: MessageRef, emoji: string): Promise<void>;
  /** Deletes a message for everyone; refuses (`rejected`) what WhatsApp would only delete for me. */
  revoke(ref: MessageRef): Promise<void>;
  /** Deletes a message from this account only. */
  deleteForMe?(ref: MessageRef): Promise<void>;
  /** Changes the text of a message we sent (WhatsApp allows it for 15 minutes: `rejected` after). */
  edit?(ref: MessageRef, body: string): Promise<void>;
  /** Sends a copy of a message to another chat, marked forwarded. */
  forward?(ref: MessageRef, to: string): Promise<SentMessage>;
  star?(ref: MessageRef, starred: boolean): Promise<void>;
  /** Sends the read receipt of one incoming message. */
  markRead?(ref: MessageRef): Promise<void>;
}

/** Acting on chats (the list itself comes from storage). */
export interface ChatsCapability {
  /** Marks the chat read; `unread` are its incoming messages the store has not seen read. */
  markRead(chatId: string, unread: MessageRef[]): Promise<void>;
  setArchived(chatId: string, archived: boolean): Promise<void>;
  deleteChat(chatId: string): Promise<void>;
  markUnread?(chatId: string): Promise<void>;
  setPinned?(chatId: string, pinned: boolean): Promise<void>;
  /** Mutes until `until` (Unix seconds; null unmutes; a date far ahead mutes for good). */
  setMuted?(chatId: string, until: number | null): Promise<void>;
  /** Typing, recording a voice note, or stopped, shown in the chat. */
  sendPresence?(chatId: string, state: ChatPresence): Promise<void>;
}

/** What WhatsApp tells of a person. */
export interface ContactInfo extends EngineContact {
  /** Their "about" text, when they share it. */
  about: string | null;
  isBusiness: boolean;
  /** A URL of their profile picture, when they share it. */
  picture: string | null;
}

/** Point look-ups and actions on people. */
export interface ContactsCapability {
  /** What WhatsApp knows of one person; null when not on WhatsApp. */
  getContact(id: string): Promise<EngineContact | null>;
  /** Whether a phone number (digits) is on WhatsApp, and its id. */
  checkNumber(phone: string): Promise<{ exists: boolean; jid: string | null }>;
  getProfilePicture(id: string): Promise<string | null>;
  setBlocked(id: string, blocked: boolean): Promise<void>;
  /** Name, about, business or not, picture; null when not on WhatsApp. */
  getInfo?(id: string): Promise<ContactInfo | null>;
}

/** The answer for one participant of a group operation, as GoWA gives it. */
export interface ParticipantResult {
  participant: string;
  status: 'success' | 'error';
  /** What happened: `Action success`, or why it failed. */
  message: string;
}

export type ParticipantAction = 'add' | 'remove' | 'promote' | 'demote';

export interface JoinRequest {
  /** Who asks to join. */
  id: string;
  /** Unix seconds. */
  requestedAt: number | null;
}

/** Groups: point look-ups and administration (the list itself comes from storage). */
export interface GroupsCapability {
  /** One group's metadata, fresh from WhatsApp; null when the account is not in it. */
  getGroup(id: string): Promise<EngineGroup | null>;
  create?(name: string, participants: string[]): Promise<EngineGroup>;
  updateParticipants?(groupId: string, action: ParticipantAction, participants: string[]): Promise<ParticipantResult[]>;
  /** The invite code (the link is `https://chat.whatsapp.com/<code>`); admins only. */
  getInviteCode?(groupId: string): Promise<string>;
  /** Invalidates the invite link; answers the new code. */
  revokeInviteCode?(groupId: string): Promise<string>;
  /** Joins by invite code; answers the group id (`rejected` when the group asks admins to approve: the request is pending). */
  join?(code: string): Promise<string>;
  leave?(groupId: string): Promise<void>;
  joinRequests?(groupId: string): Promise<JoinRequest[]>;
  answerJoinRequests?(groupId: string, participants: string[], approve: boolean): Promise<ParticipantResult[]>;
  setSubject?(groupId: string, subject: string): Promise<void>;
  setDescription?(groupId: string, description: string): Promise<void>;
  /** null removes the picture. */
  setPicture?(groupId: string, picture: MediaPayload | null): Promise<void>;
  /** Only admins send messages. */
  setAnnounce?(groupId: string, announce: boolean): Promise<void>;
  /** Only admins edit the group's info. */
  setLocked?(groupId: string, locked: boolean): Promise<void>;
}

export interface OwnProfile {
  id: string;
  name: string;
  about: string | null;
  picture: string | null;
}

/** WhatsApp's privacy settings, as its words (`all`, `contacts`, `contact_blacklist`, `none`, ...). */
export interface PrivacySettings {
  lastSeen: string | null;
  online: string | null;
  profile: string | null;
  about: string | null;
  readReceipts: string | null;
  groupAdd: string | null;
}

/** The linked account itself. */
export interface ProfileCapability {
  getProfile(): Promise<OwnProfile>;
  setName?(name: string): Promise<void>;
  setAbout?(about: string): Promise<void>;
  /** null removes the picture. */
  setPicture?(picture: MediaPayload | null): Promise<void>;
  getPrivacy?(): Promise<PrivacySettings>;
  /** Online or offline for everyone (offline also stops the phone's notifications being held back). */
  setPresence?(state: OwnPresence): Promise<void>;
}

export interface Newsletter {
  /** `...@newsletter` */
  id: string;
  name: string;
  description: string | null;
  subscribers: number | null;
  /** The account's role: `subscriber`, `admin`, `owner`, or null when not following. */
  role: string | null;
}

/** Channels (WhatsApp calls them newsletters). */
export interface NewslettersCapability {
  list(): Promise<Newsletter[]>;
  /** By id, or by invite code (`https://whatsapp.com/channel/<code>`). */
  follow(idOrCode: string): Promise<Newsletter>;
  unfollow(id: string): Promise<void>;
}

export interface Label {
  id: string;
  name: string;
  /** WhatsApp's colour index. */
  color: number | null;
}

/** WhatsApp Business labels; `unsupported` on an account that is not a business one. */
export interface LabelsCapability {
  list(): Promise<Label[]>;
  /** The labels on a chat. */
  ofChat(chatId: string): Promise<Label[]>;
  setOnChat(chatId: string, labelId: string, on: boolean): Promise<void>;
}

/** Incoming calls (Hatline neither places nor answers calls). */
export interface CallsCapability {
  /** Declines a ringing call. */
  reject(callId: string, from: string): Promise<void>;
}

/** What a connection knows on its own, checked against what Hatline was told (issue 19: liveness and backfill). */
export interface HistoryProbe {
  /** False when the engine knows its event path is broken (wwebjs: the page's event hooks are gone). */
  bridge: boolean;
  /** The time (unix seconds) of the newest message the connection holds, either direction; null when none. */
  newestAt: number | null;
}

/**
 * What the connection holds, read on demand: used to notice a session that says `open` but has
 * stopped delivering events, and to fetch what arrived while Hatline was not listening.
 */
export interface HistoryCapability {
  probe(): Promise<HistoryProbe>;
  /** The chats with a message at or after `since` (unix seconds), newest first, at most `limit`. */
  recentChats(since: number, limit: number): Promise<string[]>;
  /** A chat's messages at or after `since` (unix seconds), oldest first, at most `limit` (the newest ones when there are more). */
  messagesSince(chatId: string, since: number, limit: number): Promise<EngineMessage[]>;
}

/** The optional capability groups, by name. */
export interface Capabilities {
  messages: MessagesCapability;
  chats: ChatsCapability;
  contacts: ContactsCapability;
  groups: GroupsCapability;
  profile: ProfileCapability;
  newsletters: NewslettersCapability;
  labels: LabelsCapability;
  calls: CallsCapability;
  history: HistoryCapability;
}

export type CapabilityName = keyof Capabilities;
