import type { DbOrTrx } from '../storage/db.js';

/** The `data` of the seed's webhook events. */
export interface MessageReceivedData {
  id: string;
  from: string;
  to: string;
  body: string;
  type: string;
  timestamp: number;
  fromMe: false;
  chatId: string;
  [extra: string]: unknown;
}

export interface MessageAckData {
  id: string;
  chatId: string;
  status: string;
  fromMe: true;
  /** With `failed`: why (WhatsApp refused the message, or the send failed). */
  error?: string;
}

export interface ConnectionStatusData {
  status: 'connected' | 'connecting' | 'disconnected';
  /** WhatsApp's reach-out timelock (463) refuses messages to new contacts until then (ISO time). */
  timelockUntil?: string;
  account?: { id: string; name: string; phone: string };
  error?: string;
  /** `deaf`: the change is liveness reconnecting an instance that was open but delivered no events (README: connected but deaf). */
  reason?: 'deaf';
}

/** A message's text was edited (by its author, or on the linked phone). */
export interface MessageEditedData {
  id: string;
  chatId: string;
  from: string;
  fromMe: boolean;
  body: string;
  /** The text before this edit, when the message is stored; null otherwise. */
  previousBody: string | null;
  timestamp: number;
}

/** A message was deleted for everyone. */
export interface MessageRevokedData {
  id: string;
  chatId: string;
  /** Who deleted it (its author, or a group admin). */
  from: string;
  fromMe: boolean;
  timestamp: number;
}

/** A reaction to a message was set, changed or (emoji '') removed. */
export interface MessageReactionData {
  /** The message reacted to. */
  id: string;
  chatId: string;
  from: string;
  fromMe: boolean;
  emoji: string;
  timestamp: number;
}

/** Someone voted on a poll (selected: the options chosen now; empty when the vote was withdrawn). */
export interface PollVoteData {
  pollId: string;
  chatId: string;
  voter: string;
  selected: string[];
  timestamp: number;
}

/** Members joined, left, were promoted or demoted; the name, description, picture or a setting changed. */
export interface GroupUpdateData {
  groupId: string;
  action: string;
  participants: string[];
  actor: string | null;
  value?: string | boolean;
  timestamp: number;
}

/** Someone is typing or recording in a chat, stopped, or came online or went offline. */
export interface PresenceUpdateData {
  chatId: string;
  from: string;
  state: string;
  lastSeen?: number | null;
}

/** An incoming call: ringing (offer), ended or missed, or rejected by Hatline (rejectCalls). */
export interface CallData {
  id: string;
  from: string;
  isVideo: boolean;
  isGroup: boolean;
  status: 'offer' | 'ended' | 'rejected';
  timestamp: number;
}

export type HatlineEvent =
  | { event: 'message_received'; data: MessageReceivedData }
  | { event: 'message_ack'; data: MessageAckData }
  | { event: 'connection_status'; data: ConnectionStatusData }
  | { event: 'message_edited'; data: MessageEditedData }
  | { event: 'message_revoked'; data: MessageRevokedData }
  | { event: 'message_reaction'; data: MessageReactionData }
  | { event: 'poll_vote'; data: PollVoteData }
  | { event: 'group_update'; data: GroupUpdateData }
  | { event: 'presence_update'; data: PresenceUpdateData }
  | { event: 'call'; data: CallData };

export type EventName = HatlineEvent['event'];
/** Every event; the ones after the seed's three are opt-in (webhookEvents). */
export const EVENT_NAMES = [
  'message_received',
  'message_ack',
  'connection_status',
  'message_edited',
  'message_revoked',
  'message_reaction',
  'poll_vote',
  'group_update',
  'presence_update',
  'call',
] as const satisfies readonly EventName[];
/** The seed's three events: what a webhook receives until webhookEvents chooses. */
export const DEFAULT_EVENT_NAMES: readonly EventName[] = EVENT_NAMES.slice(0, 3);
// Every member of the union is listed (a compile error otherwise).
const _everyEventListed: Record<EventName, true> = Object.fromEntries(EVENT_NAMES.map((e) => [e, true])) as Record<(typeof EVENT_NAMES)[number], true>;
void _everyEventListed;


/**
 * Where state changes record their events: called inside the transaction that makes the change,
 * so an event is stored if and only if its change is (the webhook outbox implements it).
 */
export interface EventSink {
  record(trx: DbOrTrx, instanceId: string, event: HatlineEvent): Promise<void>;
}
