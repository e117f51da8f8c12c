/**
 * The engine interface: what Hatline needs from a WhatsApp connection. Routes, the instance
 * manager and the jobs only know this file; `wwebjs/` (real WhatsApp through whatsapp-web.js)
 * and `sandbox/` (a simulated network inside the server) implement it.
 *
 * Ids crossing this interface are the API's ids: users `905xxxxxxxxx@s.whatsapp.net`, groups
 * `...@g.us`. Engines translate their library's ids in their own mapper.
 */

export type EngineKind = 'wwebjs' | 'sandbox';

/** The seed's three words for a connection. */
export type ConnectionStatus = 'open' | 'connecting' | 'disconnected';

/** Outgoing message statuses, forward-only in this order, or `failed`. */
export type AckStatus = 'pending' | 'sent' | 'delivered' | 'read' | 'played' | 'failed';

export interface Account {
  /** `905xxxxxxxxx@s.whatsapp.net` */
  id: string;
  name: string;
  /** Digits only: `905xxxxxxxxx` */
  phone: string;
}

export interface StatusUpdate {
  status: ConnectionStatus;
  /** Set when open. */
  account?: Account;
  /** Why the instance is not open (a failed start, a lost connection, ...). */
  error?: string;
  /** Set while pairing by phone number. */
  pairingCode?: string;
}

/** Message kinds, named as whatsapp-web.js names them (`chat` is text, `ptt` a voice note). */
export type MessageKind =
  | 'chat'
  | 'image'
  | 'video'
  | 'audio'
  | 'ptt'
  | 'document'
  | 'sticker'
  | 'location'
  | 'vcard'
  | 'poll_creation'
  | 'revoked'
  | 'unknown';

export interface MediaPayload {
  mimetype: string;
  data: Buffer;
  /** A file name to show the recipient (documents); may be absent for received media. */
  filename?: string;
}

export interface LocationPayload {
  lat: number;
  lng: number;
  name?: string;
  address?: string;
}

export interface PollPayload {
  name: string;
  values: string[];
  /** 0 = any number of options, 1 = exactly one. */
  selectableCount: number;
}

/** What a send carries, one shape per kind. */
export type OutgoingContent =
  | { kind: 'chat'; body: string }
  | { kind: 'image' | 'video' | 'document' | 'audio' | 'ptt' | 'sticker'; media: MediaPayload; caption?: string }
  | { kind: 'location'; location: LocationPayload }
  | { kind: 'vcard'; vcard: string; displayName: string }
  | { kind: 'poll_creation'; poll: PollPayload };

export interface SentMessage {
  id: string;
  /** Unix seconds. */
  timestamp: number;
}

/** A message the engine saw: received from someone, or sent from the linked phone itself. */
export interface EngineMessage {
  id: string;
  /** The chat: the other user's id, or the group's id. */
  chatId: string;
  /** Who wrote it (in a group: the member). */
  from: string;
  /** Who it was addressed to (the linked account, or the group). */
  to: string;
  fromMe: boolean;
  kind: MessageKind;
  /** Text of a `chat` message, or the caption of media. */
  body: string;
  media?: MediaPayload;
  location?: LocationPayload;
  poll?: PollPayload;
  vcard?: string;
  /** The sender's push name, when known. */
  senderName?: string;
  /** Unix seconds. */
  timestamp: number;
}

export interface AckUpdate {
  id: string;
  /** The chat, when the engine knows it (the store knows it anyway). */
  chatId?: string;
  status: AckStatus;
}

export interface EngineChat {
  id: string;
  name: string;
  unreadCount: number;
  /** Unix seconds of the last message, or null. */
  lastMessage: number | null;
  archived: boolean;
  isGroup: boolean;
}

export interface EngineContact {
  id: string;
  name: string | null;
  /** The contact's own push name. */
  notify: string | null;
}

export interface GroupParticipant {
  id: string;
  /** 'superadmin' | 'admin' | null */
  admin: 'admin' | 'superadmin' | null;
}

export interface EngineGroup {
  id: string;
  name: string;
  description: string | null;
  /** Unix seconds. */
  creation: number | null;
  owner: string | null;
  participants: GroupParticipant[];
}

/** What an engine tells the instance manager. Called synchronously; the listener must not throw. */
export interface EngineListener {
  /** A new QR string to show (null when there is none any more). */
  qr(qr: string | null): void;
  status(update: StatusUpdate): void;
  message(message: EngineMessage): void;
  ack(update: AckUpdate): void;
}

export interface StartOptions {
  /** Pair by phone number instead of a QR: the engine reports the code in a status update. */
  pairingPhone?: string;
}

/** One WhatsApp connection (one instance). */
export interface Engine {
  readonly kind: EngineKind;
  /**
   * Begins connecting (resolves once the attempt is under way, not when linked). Status updates
   * and QR codes follow through the listener. Calling start on a started engine is a no-op.
   */
  start(options?: StartOptions): Promise<void>;
  /** Closes the connection and releases its resources, keeping the session for the next start. */
  stop(): Promise<void>;
  /** Unlinks the account and deletes the session; a new QR scan is needed. */
  logout(): Promise<void>;
  /** Stops and forgets everything in memory: the instance is being deleted; the engine is not used again. */
  dispose(): Promise<void>;

  send(to: string, content: OutgoingContent): Promise<SentMessage>;
  react(chatId: string, messageId: string, emoji: string): Promise<void>;
  deleteForEveryone(chatId: string, messageId: string): Promise<void>;
  /** Marks the chat read; `messageIds` are the unread incoming messages the store knows of. */
  markChatRead(chatId: string, messageIds: string[]): Promise<void>;
  setArchived(chatId: string, archived: boolean): Promise<void>;
  deleteChat(chatId: string): Promise<void>;
  getChats(): Promise<EngineChat[]>;
  getContacts(): Promise<EngineContact[]>;
  getContact(id: string): Promise<EngineContact | null>;
  /** Whether a phone number (digits) is on WhatsApp, and its id. */
  checkNumber(phone: string): Promise<{ exists: boolean; jid: string | null }>;
  getProfilePicture(id: string): Promise<string | null>;
  setBlocked(id: string, blocked: boolean): Promise<void>;
  getGroups(): Promise<EngineGroup[]>;
  getGroup(id: string): Promise<EngineGroup | null>;
}

export interface EngineContext {
  instanceId: string;
  /** A folder of this instance's own for session files; deleted with the instance. */
  sessionDir: string;
  listener: EngineListener;
}

/** The error an engine throws for an operation that its state or WhatsApp refused. */
export class EngineError extends Error {
  constructor(
    readonly reason: 'not_connected' | 'not_found' | 'rejected' | 'unsupported' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}
