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
}

export interface ConnectionStatusData {
  status: 'connected' | 'connecting' | 'disconnected';
  account?: { id: string; name: string; phone: string };
  error?: string;
}

export type HatlineEvent =
  | { event: 'message_received'; data: MessageReceivedData }
  | { event: 'message_ack'; data: MessageAckData }
  | { event: 'connection_status'; data: ConnectionStatusData };

export type EventName = HatlineEvent['event'];
export const EVENT_NAMES: readonly EventName[] = ['message_received', 'message_ack', 'connection_status'];

/**
 * Where state changes record their events: called inside the transaction that makes the change,
 * so an event is stored if and only if its change is (the webhook outbox implements it).
 */
export interface EventSink {
  record(trx: DbOrTrx, instanceId: string, event: HatlineEvent): Promise<void>;
}
