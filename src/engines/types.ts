/** The data that crosses the engine seam (engine.ts): accounts, messages, contents, references, upserts. */

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
  /**
   * How far WhatsApp had it when the send answered: `sent` (its server has it; the default when
   * left out) or `pending` (only the local client took it, as whatsapp-web.js's send answers with
   * ack 0: the server's ack comes later as an `ack` event, or never).
   */
  status?: 'pending' | 'sent';
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
  /** The id of the message this one replies to (quotes), when it is a reply. */
  quotedId?: string;
  /** Users mentioned in it. */
  mentions?: string[];
  /** Marked forwarded by WhatsApp. */
  forwarded?: boolean;
  /** An image or video that can be opened once. */
  viewOnce?: boolean;
}

export interface AckUpdate {
  id: string;
  /** The chat, when the engine knows it (the store knows it anyway). */
  chatId?: string;
  status: AckStatus;
  /** Why, when WhatsApp refused the message after taking it (`failed`). */
  error?: string;
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
  /** Only admins send messages (left out when the engine does not know). */
  announce?: boolean;
  /** Only admins edit the group's info (left out when the engine does not know). */
  locked?: boolean;
}
