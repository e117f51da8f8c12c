/**
 * The part of whatsapp-web.js the engine uses, as structural types. The real `Client` satisfies
 * `WwebjsClient` (client-factory.ts assigns one to it, so the compiler checks), and the tests'
 * fake implements it, so both are held to the library's own names and shapes.
 */
import type { ChildProcess } from 'node:child_process';
import type WAWebJS from 'whatsapp-web.js';
import type { LibCall, LibGroupAdmin, LibGroupNotification, LibPollVote, LibReaction, WwebjsClientActions } from './library-actions.js';
import type { LibId } from './library-ids.js';

export type { LibId } from './library-ids.js';

export type LibMessageId = WAWebJS.MessageId;

export interface LibMessage {
  id: LibMessageId;
  ack: number;
  /** Text, caption of media, vCard of a contact card, name of a poll. */
  body: string;
  type: string;
  /** Unix seconds. */
  timestamp: number;
  from: string;
  to: string;
  /** In groups, the member who wrote. */
  author?: string | undefined;
  fromMe: boolean;
  hasMedia: boolean;
  /** Starred by this account (the library's `isStarred`). */
  isStarred?: boolean;
  isStatus: boolean;
  location?: WAWebJS.Location | undefined;
  vCards: string[];
  pollName?: string;
  /** Typed as strings by the library; WhatsApp Web hands `{ name, localId }` objects. */
  pollOptions?: unknown[];
  allowMultipleAnswers?: boolean;
  /** The raw model (`notifyName`, `pollSelectableOptionsCount`, ...). */
  rawData: object;
  downloadMedia(): Promise<WAWebJS.MessageMedia | undefined>;
  delete(everyone?: boolean): Promise<void>;
  react(reaction: string): Promise<void>;
  /** Forwards it to a chat id (resolves with nothing: the copy arrives as a `message_create`). */
  forward(chatId: string): Promise<void>;
  star(): Promise<void>;
  unstar(): Promise<void>;
}

export interface LibChat {
  id: LibId;
  name: string;
  isGroup: boolean;
  unreadCount: number;
  /** Unix seconds of the last activity. */
  timestamp: number;
  archived: boolean;
  sendSeen(): Promise<boolean>;
  archive(): Promise<void>;
  unarchive(): Promise<void>;
  delete(): Promise<boolean>;
  fetchMessages(options: { limit?: number }): Promise<LibMessage[]>;
}

export interface LibGroupParticipant {
  id: LibId;
  isAdmin: boolean;
  isSuperAdmin: boolean;
}

export interface LibGroupChat extends LibChat, LibGroupAdmin {
  owner: LibId | undefined;
  createdAt: Date;
  description: string | undefined;
  participants: LibGroupParticipant[];
}

export interface LibContact {
  id: LibId;
  name?: string | undefined;
  pushname?: string | undefined;
  isGroup: boolean;
  isUser: boolean;
  isMe: boolean;
  isBusiness?: boolean;
  isEnterprise?: boolean;
  block(): Promise<boolean>;
  unblock(): Promise<boolean>;
  /** Their "about" text; null when they do not share it. */
  getAbout(): Promise<string | null>;
}

/** What the engine needs of the puppeteer Page WhatsApp Web runs in (page-ops.ts). */
export interface LibPage {
  /** Evaluates an expression in the page (a promise it gives is awaited). */
  evaluate(expression: string): Promise<unknown>;
}

/** What the supervisor needs of the puppeteer Browser the client runs in. */
export interface LibBrowser {
  once(event: 'disconnected', handler: () => void): unknown;
  off(event: 'disconnected', handler: () => void): unknown;
  isConnected(): boolean;
  process(): ChildProcess | null;
}

export type LibContent = WAWebJS.MessageContent;
export type LibSendOptions = WAWebJS.MessageSendOptions;

/** The library's events the engine listens to, with their argument shapes (see client-events.ts). */
export interface WwebjsClientEvents {
  on(event: 'qr' | 'code' | 'auth_failure', listener: (value: string) => void): unknown;
  on(event: 'authenticated' | 'ready', listener: () => void): unknown;
  /** Progress of the first sync after authenticating. */
  on(event: 'loading_screen', listener: (percent: string | number, message: string) => void): unknown;
  /** `reason` is a WAState or `LOGOUT`. */
  on(event: 'disconnected' | 'change_state', listener: (reason: string) => void): unknown;
  on(event: 'message' | 'message_create', listener: (message: LibMessage) => void): unknown;
  on(event: 'message_ack', listener: (message: LibMessage, ack: number) => void): unknown;
  /** The account was added to a group, or a group's members or settings changed (a GroupNotification; `chatId` is the group). */
  on(event: 'group_join' | 'group_leave' | 'group_admin_changed' | 'group_update', listener: (notification: LibGroupNotification) => void): unknown;
  /** A message's text changed (WhatsApp Web's `change:body`). */
  on(event: 'message_edit', listener: (message: LibMessage, newBody: unknown, prevBody: unknown) => void): unknown;
  on(event: 'message_revoke_everyone', listener: (message: LibMessage, before?: LibMessage | null) => void): unknown;
  on(event: 'message_reaction', listener: (reaction: LibReaction) => void): unknown;
  on(event: 'vote_update', listener: (vote: LibPollVote) => void): unknown;
  /** A call rings (the library's Events.INCOMING_CALL). */
  on(event: 'call', listener: (call: LibCall) => void): unknown;
}

export interface WwebjsClient extends WwebjsClientEvents, WwebjsClientActions {
  /** Set once ready; `platform` is `smba`/`smbi` on a WhatsApp Business account. */
  info?: { wid: LibId; pushname: string; platform?: string } | undefined;
  /** Set once `initialize` has launched the browser. */
  pupBrowser?: LibBrowser | null | undefined;
  /** WhatsApp Web's page, once `initialize` has opened it. */
  pupPage?: LibPage | null | undefined;

  initialize(): Promise<void>;
  destroy(): Promise<void>;
  logout(): Promise<void>;
  getState(): Promise<string | null>;

  /** Answers undefined when the chat does not exist. */
  sendMessage(chatId: string, content: LibContent, options?: LibSendOptions): Promise<LibMessage | undefined>;
  getMessageById(messageId: string): Promise<LibMessage | null>;
  getChatById(chatId: string): Promise<LibChat | undefined>;
  getChats(): Promise<LibChat[]>;
  getContacts(): Promise<LibContact[]>;
  getContactById(contactId: string): Promise<LibContact>;
  getNumberId(number: string): Promise<LibId | null>;
  getProfilePicUrl(contactId: string): Promise<string | undefined>;
  getContactLidAndPhone(userIds: string[]): Promise<{ lid: string; pn: string }[]>;
  /** Reacts to a message by its serialized key (resolves, doing nothing, for a key WhatsApp Web does not hold). */
  sendReaction(messageId: string, reaction: string): Promise<void>;
  /** WhatsApp Web's build, e.g. 2.3000.1043220887. */
  getWWebVersion(): Promise<string>;
}

/** What a factory gets to build one client (one instance, one attempt). */
export interface ClientParams {
  instanceId: string;
  /** The instance's session folder (LocalAuth's dataPath). */
  sessionDir: string;
  /** Pair by phone number instead of a QR. */
  pairingPhone: string | null;
}

/** The content classes sendMessage tells apart with `instanceof`: from the same library copy as the Client. */
export interface ContentClasses {
  MessageMedia: typeof WAWebJS.MessageMedia;
  Location: typeof WAWebJS.Location;
  Poll: typeof WAWebJS.Poll;
}

export type ClientFactory = ((params: ClientParams) => WwebjsClient) & {
  /** The library's content classes for this factory's clients (whatsapp-web.js as installed when absent). */
  contentClasses?: () => ContentClasses;
};

export function isGroupChat(chat: LibChat): chat is LibGroupChat {
  return chat.isGroup && 'participants' in chat;
}
