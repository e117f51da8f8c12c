import type { GroupView } from '../../services/groups/group-service.js';
import type { InstanceState } from '../../services/instances/instance-state.js';
import type { InstanceSettings } from '../../services/settings/settings-store.js';
import { EVOLUTION_EVENTS } from '../../services/evolution/events.js';

/** The connection in Evolution's (Baileys') words. */
export function stateOf(s: Pick<InstanceState, 'status'>): 'open' | 'connecting' | 'close' {
  return s.status === 'disconnected' ? 'close' : s.status;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Evolution's settings of an instance. Hatline declines calls (rejectCall, msgCall); the others
 * are Evolution's own behaviours that Hatline does not have, so they are always false.
 */
export function settingsOf(s: InstanceSettings) {
  return {
    rejectCall: s.rejectCalls,
    msgCall: s.rejectCallsMessage,
    groupsIgnore: false,
    alwaysOnline: false,
    readMessages: false,
    readStatus: false,
    syncFullHistory: false,
    wavoipToken: '',
  };
}

/** Settings fields Evolution has and Hatline does not: accepted, and named in the answer when set to true. */
export const IGNORED_SETTINGS = ['groupsIgnore', 'alwaysOnline', 'readMessages', 'readStatus', 'syncFullHistory', 'historySyncDays'] as const;

/** One row of fetchInstances (Evolution's Instance record); `token` only when the owner chose to expose it. */
export function instanceRow(s: InstanceState, settings: InstanceSettings, counts: { messages: number; chats: number; contacts: number }, token: string | null) {
  return {
    id: s.id,
    name: s.id,
    connectionStatus: stateOf(s),
    ownerJid: s.account?.id ?? null,
    profileName: s.account?.name ?? null,
    profilePicUrl: null,
    integration: 'WHATSAPP-BAILEYS',
    number: s.account?.phone ?? null,
    businessId: null,
    token,
    clientName: 'hatline',
    disconnectionReasonCode: null,
    disconnectionObject: s.status === 'disconnected' && s.error ? JSON.stringify({ error: s.error }) : null,
    disconnectionAt: null,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.createdAt),
    Chatwoot: null,
    Proxy: null,
    Rabbitmq: null,
    Nats: null,
    Sqs: null,
    Websocket: null,
    Setting: { id: s.id, ...settingsOf(settings), createdAt: iso(s.createdAt), updatedAt: iso(s.createdAt), instanceId: s.id },
    _count: { Message: counts.messages, Contact: counts.contacts, Chat: counts.chats },
  };
}

/** A group as Baileys' groupMetadata (what Evolution's group routes answer). */
export function groupObject(g: GroupView, withParticipants = true) {
  return {
    id: g.id,
    subject: g.name,
    subjectOwner: g.owner,
    subjectTime: g.creation,
    pictureUrl: null,
    size: g.participants.length,
    creation: g.creation,
    owner: g.owner,
    desc: g.description ?? undefined,
    descId: undefined,
    restrict: g.locked ?? false,
    announce: g.announce ?? false,
    isCommunity: false,
    isCommunityAnnounce: false,
    ...(withParticipants ? { participants: g.participants.map((p) => ({ id: p.id, admin: p.admin })) } : {}),
  };
}

/** The webhook as Evolution's Webhook record; null when none was ever set. */
export function webhookRow(instanceId: string, s: InstanceSettings) {
  if (!s.webhookUrl) return null;
  return {
    id: instanceId,
    url: s.webhookUrl,
    headers: s.evolution.headers,
    enabled: s.webhookEnabled,
    events: s.evolution.events ?? [...EVOLUTION_EVENTS],
    webhookByEvents: s.evolution.byEvents,
    webhookBase64: s.evolution.base64,
    // Hatline's own: which payloads the receiver gets (Evolution's, or the seed's envelope).
    webhookFormat: s.webhookFormat,
    instanceId,
  };
}
