/**
 * The engine seam: what Hatline needs from a WhatsApp connection, cut to capabilities rather than
 * to any one library. Every engine has the small core (start, stop, logout, dispose); each
 * capability group (`messages`, `chats`, `contacts`, `groups`, ...) is optional, and an engine
 * that lacks one simply leaves it out: the services answer 501 `unsupported` in one place.
 *
 * Engines tell Hatline what happens through one `emit(event)` over the EngineEvent union, report
 * chats, contacts and groups as upserts (Hatline stores them and serves every list from storage),
 * and act on an existing message through a MessageRef built from its stored row.
 *
 * Ids crossing this seam are the API's ids: users `905xxxxxxxxx@s.whatsapp.net`, groups
 * `...@g.us`. Engines translate their library's ids in their own mapper.
 */
export { EngineError, type EngineReason } from '../errors.js';

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
  /** The WhatsApp Web build the session runs (real engines), when open. */
  webVersion?: string;
}

/** Message kinds, named as the seed API names them (`chat` is text, `ptt` a voice note). */
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
  /** The engine's own key of the message, kept with it (see MessageRef.nativeKey). */
  nativeKey?: string;
}

/**
 * An existing message, as the store knows it: enough for any engine to name it to WhatsApp
 * (a Baileys-style key is `{ remoteJid: chatId, fromMe, id, participant: author }`).
 */
export interface MessageRef {
  chatId: string;
  id: string;
  fromMe: boolean;
  /** Who wrote it, in a group (the member); null in one-to-one chats. */
  author: string | null;
  /** What the engine gave when the message was seen (a serialized key, a LID chat id), if anything. */
  nativeKey: string | null;
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
  /** The engine's own key of the message, stored with it. */
  nativeKey?: string;
}

export interface AckUpdate {
  id: string;
  /** The chat, when the engine knows it (the store knows it anyway). */
  chatId?: string;
  status: AckStatus;
}

/** What an engine knows of a chat; fields it does not know are left out. */
export interface ChatUpsert {
  id: string;
  isGroup: boolean;
  /** The name WhatsApp shows for it (an address-book name); left out for the store to name it. */
  name?: string;
  archived?: boolean;
  unreadCount?: number;
  /** Unix seconds of the last message, or null. */
  lastMessage?: number | null;
}

export interface EngineContact {
  id: string;
  /** The name in the address book. */
  name: string | null;
  /** The contact's own push name. */
  notify: string | null;
}

export interface GroupParticipant {
  id: string;
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

/**
 * Everything an engine reports. Adding an event is one member here, its producer in an engine and
 * its consumer in the instance registry's handlers.
 */
export type EngineEvent =
  /** A new QR string to show (null when there is none any more). */
  | { type: 'qr'; qr: string | null }
  | { type: 'status'; update: StatusUpdate }
  | { type: 'message'; message: EngineMessage }
  | { type: 'ack'; ack: AckUpdate }
  | { type: 'chat_upsert'; chats: ChatUpsert[] }
  | { type: 'contact_upsert'; contacts: EngineContact[] }
  | { type: 'group_upsert'; groups: EngineGroup[] };

export type EngineEventType = EngineEvent['type'];

export interface StartOptions {
  /** Pair by phone number instead of a QR: the engine reports the code in a status update. */
  pairingPhone?: string;
}

/** Sending and acting on messages. */
export interface MessagesCapability {
  send(to: string, content: OutgoingContent): Promise<SentMessage>;
  /** An empty emoji removes the reaction. */
  react(ref: MessageRef, emoji: string): Promise<void>;
  /** Deletes a message for everyone; refuses (`rejected`) what WhatsApp would only delete for me. */
  revoke(ref: MessageRef): Promise<void>;
}

/** Acting on chats (the list itself comes from storage). */
export interface ChatsCapability {
  /** Marks the chat read; `unread` are its incoming messages the store has not seen read. */
  markRead(chatId: string, unread: MessageRef[]): Promise<void>;
  setArchived(chatId: string, archived: boolean): Promise<void>;
  deleteChat(chatId: string): Promise<void>;
}

/** Point look-ups and actions on people. */
export interface ContactsCapability {
  /** What WhatsApp knows of one person; null when not on WhatsApp. */
  getContact(id: string): Promise<EngineContact | null>;
  /** Whether a phone number (digits) is on WhatsApp, and its id. */
  checkNumber(phone: string): Promise<{ exists: boolean; jid: string | null }>;
  getProfilePicture(id: string): Promise<string | null>;
  setBlocked(id: string, blocked: boolean): Promise<void>;
}

/** Group look-ups (the list itself comes from storage). */
export interface GroupsCapability {
  /** One group's metadata, fresh from WhatsApp; null when the account is not in it. */
  getGroup(id: string): Promise<EngineGroup | null>;
}

/** The optional capability groups, by name. */
export interface Capabilities {
  messages: MessagesCapability;
  chats: ChatsCapability;
  contacts: ContactsCapability;
  groups: GroupsCapability;
}

export type CapabilityName = keyof Capabilities;

/** One WhatsApp connection (one instance): the core, and the capabilities the engine has. */
export interface Engine extends Partial<Readonly<Capabilities>> {
  /** The registry name of the engine (`sandbox`, `wwebjs`). */
  readonly name: string;
  /**
   * Begins connecting (resolves once the attempt is under way, not when linked). Status updates
   * and QR codes follow as events. Calling start on a started engine is a no-op.
   */
  start(options?: StartOptions): Promise<void>;
  /** Closes the connection and releases its resources, keeping the session for the next start. */
  stop(): Promise<void>;
  /** Unlinks the account and deletes the session; a new QR scan is needed. */
  logout(): Promise<void>;
  /** Stops and forgets everything in memory: the instance is being deleted; the engine is not used again. */
  dispose(): Promise<void>;
}

export interface EngineContext {
  instanceId: string;
  /** A folder of this instance's own for session files; deleted with the instance. */
  sessionDir: string;
  /** Reports what happens; called synchronously, never throws. */
  emit(event: EngineEvent): void;
}
