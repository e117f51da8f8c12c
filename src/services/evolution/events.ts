/**
 * Evolution API's webhook events: the ids a client subscribes to (`events: ["MESSAGES_UPSERT"]`)
 * and the dotted names its payloads carry (`"event": "messages.upsert"`), as Evolution v2 spells
 * them. Every id is accepted in a subscription (clients send the whole list); the ones Hatline
 * emits are in EVOLUTION_EMITTED.
 */
export const EVOLUTION_EVENTS = [
  'APPLICATION_STARTUP',
  'QRCODE_UPDATED',
  'MESSAGES_SET',
  'MESSAGES_UPSERT',
  'MESSAGES_EDITED',
  'MESSAGES_UPDATE',
  'MESSAGES_DELETE',
  'SEND_MESSAGE',
  'SEND_MESSAGE_UPDATE',
  'CONTACTS_SET',
  'CONTACTS_UPSERT',
  'CONTACTS_UPDATE',
  'PRESENCE_UPDATE',
  'CHATS_SET',
  'CHATS_UPSERT',
  'CHATS_UPDATE',
  'CHATS_DELETE',
  'GROUPS_UPSERT',
  'GROUP_UPDATE',
  'GROUP_PARTICIPANTS_UPDATE',
  'CONNECTION_UPDATE',
  'LABELS_EDIT',
  'LABELS_ASSOCIATION',
  'CALL',
  'TYPEBOT_START',
  'TYPEBOT_CHANGE_STATUS',
  'MESSAGING_HISTORY_SET',
  'REMOVE_INSTANCE',
  'LOGOUT_INSTANCE',
  'INSTANCE_CREATE',
  'INSTANCE_DELETE',
  'STATUS_INSTANCE',
] as const;
export type EvolutionEventId = (typeof EVOLUTION_EVENTS)[number];

/** The wire name of each event Hatline emits in Evolution's format, by id. */
export const EVOLUTION_EMITTED = {
  QRCODE_UPDATED: 'qrcode.updated',
  MESSAGES_UPSERT: 'messages.upsert',
  MESSAGES_EDITED: 'messages.edited',
  MESSAGES_UPDATE: 'messages.update',
  MESSAGES_DELETE: 'messages.delete',
  SEND_MESSAGE: 'send.message',
  PRESENCE_UPDATE: 'presence.update',
  GROUP_UPDATE: 'groups.update',
  GROUP_PARTICIPANTS_UPDATE: 'group-participants.update',
  CONNECTION_UPDATE: 'connection.update',
  CALL: 'call',
} as const satisfies Partial<Record<EvolutionEventId, string>>;
export type EvolutionEmitted = keyof typeof EVOLUTION_EMITTED;
export type EvolutionWireName = (typeof EVOLUTION_EMITTED)[EvolutionEmitted];

export function isEvolutionEvent(id: string): id is EvolutionEventId {
  return (EVOLUTION_EVENTS as readonly string[]).includes(id);
}

/** Whether a subscription (null: every event) takes this event. */
export function subscribed(events: readonly string[] | null, id: EvolutionEmitted): boolean {
  return events === null || events.length === 0 || events.includes(id);
}

/** Where an event goes when webhookByEvents is on: `<url>/messages-upsert`, as Evolution builds it. */
export function byEventUrl(url: string, wireName: string): string {
  return `${url.replace(/\/+$/, '')}/${wireName.replace(/[._]/g, '-').toLowerCase()}`;
}
