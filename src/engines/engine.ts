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
import type { Capabilities } from './capabilities.js';
import type { CallEvent, GroupChange, MessageEdit, MessageRevoke, PollVote, PresenceEvent, ReactionEvent } from './events.js';
import type { AckUpdate, ChatUpsert, EngineContact, EngineGroup, EngineMessage, StatusUpdate } from './types.js';
export type * from './capabilities.js';
export type * from './events.js';
export type * from './types.js';

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
  | { type: 'group_upsert'; groups: EngineGroup[] }
  /** Someone (or the linked phone) edited a message's text. */
  | { type: 'message_edit'; edit: MessageEdit }
  /** Someone deleted a message for everyone (our own revokes through the API are not reported). */
  | { type: 'message_revoke'; revoke: MessageRevoke }
  /** A reaction was set or (emoji '') removed on a message. */
  | { type: 'reaction'; reaction: ReactionEvent }
  | { type: 'poll_vote'; vote: PollVote }
  /** Members joined, left, were promoted or demoted; the subject or a setting changed. */
  | { type: 'group_change'; change: GroupChange }
  | { type: 'presence'; presence: PresenceEvent }
  | { type: 'call'; call: CallEvent };

export type EngineEventType = EngineEvent['type'];

export interface StartOptions {
  /** Pair by phone number instead of a QR: the engine reports the code in a status update. */
  pairingPhone?: string;
}

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
  /**
   * The pid of the browser this connection runs in, while one runs (/metrics reads its memory).
   * Engines without a browser of their own leave it out.
   */
  browserPid?(): number | null;
}

export interface EngineContext {
  instanceId: string;
  /** A folder of this instance's own for session files; deleted with the instance. */
  sessionDir: string;
  /** Reports what happens; called synchronously, never throws. */
  emit(event: EngineEvent): void;
}
