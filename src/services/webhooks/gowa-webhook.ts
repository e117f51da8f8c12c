import { badRequest } from '../../errors.js';
import { EVENT_NAMES, type EventName, type HatlineEvent, type MessageReceivedData } from '../events.js';

/**
 * GoWA's webhook format (go-whatsapp-web-multidevice, docs/webhook-payload.md): `{ event,
 * device_id, payload }` with GoWA's event names and field names, RFC 3339 times, and a top-level
 * `timestamp` where GoWA puts one (receipts, group, presence and call events). An event GoWA has
 * no counterpart for (connection_status, poll_vote), or a state it does not report (the `sent` and
 * `failed` acks, online/offline presence, a group's name or settings changing, a call ending), is
 * not sent in this format.
 */

/** Hatline's event -> GoWA's name for it (null: GoWA has none). */
export const GOWA_EVENT_NAMES: Readonly<Record<EventName, string | null>> = Object.freeze({
  message_received: 'message',
  message_ack: 'message.ack',
  connection_status: null,
  message_edited: 'message.edited',
  message_revoked: 'message.revoked',
  message_reaction: 'message.reaction',
  poll_vote: null,
  group_update: 'group.participants',
  presence_update: 'chat_presence',
  call: 'call.offer',
});

/** GoWA's events Hatline never produces; a GoWA client may list them, and they are never sent. */
const NEVER_SENT = new Set(['message.deleted', 'group.joined', 'label.edit', 'label.association', 'newsletter.joined', 'newsletter.left', 'newsletter.message', 'newsletter.mute']);

/** Every Hatline event that has a GoWA counterpart: what an empty GoWA event list means ("all"). */
export const GOWA_SENDABLE: readonly EventName[] = EVENT_NAMES.filter((e) => GOWA_EVENT_NAMES[e] !== null);

/**
 * A GoWA event list (comma-separated, case-insensitive; empty: all) as Hatline's events; a 400
 * naming `field` for a name GoWA does not have.
 */
export function eventsOfGowaList(field: string, list: string): EventName[] {
  const names = list
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0) return [...GOWA_SENDABLE];
  const unknown = names.filter((n) => !NEVER_SENT.has(n) && !GOWA_SENDABLE.some((e) => GOWA_EVENT_NAMES[e] === n));
  if (unknown.length) throw badRequest(`${field}: unknown event ${unknown.join(', ')} (GoWA's events: ${GOWA_SENDABLE.map((e) => GOWA_EVENT_NAMES[e]).join(', ')})`);
  return GOWA_SENDABLE.filter((e) => names.includes(GOWA_EVENT_NAMES[e]!));
}

/** Hatline's events as a GoWA event list (those it has a name for). */
export function gowaListOf(events: readonly EventName[]): string {
  return events
    .map((e) => GOWA_EVENT_NAMES[e])
    .filter((n): n is string => n !== null)
    .join(',');
}

const rfc3339 = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

const RECEIPTS: Record<string, string> = {
  delivered: 'means the message was delivered to the device (but the user might not have noticed).',
  read: 'the user opened the chat and saw the message.',
  played: 'the recipient played the media.',
};

export interface GowaWebhookContext {
  /** The account's JID (`device_id`); '' when not known. */
  deviceJid: string;
  /** Now, in ms. */
  now: number;
  /** The instance declines calls at once (call.offer's `auto_rejected`). */
  rejectCalls: boolean;
}

/** The media key GoWA uses for a kind of message. */
const MEDIA_KEY: Record<string, string> = { image: 'image', video: 'video', audio: 'audio', ptt: 'audio', document: 'document', sticker: 'sticker' };

function messagePayload(d: MessageReceivedData) {
  const media = d.media as { url: string; filename: string | null } | undefined;
  const caption = d.body ? { caption: d.body } : {};
  const location = d.location as { lat: number; lng: number; name?: string; address?: string } | undefined;
  const vcard = typeof d.vcard === 'string' ? d.vcard : undefined;
  const mediaKey = MEDIA_KEY[d.type];
  return {
    id: d.id,
    chat_id: d.chatId,
    from: d.from,
    ...(d.from.endsWith('@lid') ? { from_lid: d.from } : {}),
    from_name: typeof d.senderName === 'string' ? d.senderName : '',
    timestamp: rfc3339(d.timestamp),
    is_from_me: false,
    ...(d.body ? { body: d.body } : {}),
    ...(mediaKey && media ? { [mediaKey]: d.type === 'document' ? { url: media.url, filename: media.filename ?? '', ...caption } : { url: media.url, ...caption } } : {}),
    ...(location
      ? { location: { degreesLatitude: location.lat, degreesLongitude: location.lng, ...(location.name ? { name: location.name } : {}), ...(location.address ? { address: location.address } : {}) } }
      : {}),
    ...(vcard ? { contact: { displayName: /^FN:(.*)$/m.exec(vcard)?.[1]?.trim() ?? '', vcard } } : {}),
    ...(typeof d.quotedMessageId === 'string' ? { replied_to_id: d.quotedMessageId } : {}),
    ...(d.forwarded === true ? { forwarded: true } : {}),
    ...(d.viewOnce === true ? { view_once: true } : {}),
  };
}

/** The body GoWA would send for an event, or null when GoWA sends nothing for it. */
export function gowaWebhookBody(e: HatlineEvent, ctx: GowaWebhookContext): Record<string, unknown> | null {
  const name = GOWA_EVENT_NAMES[e.event];
  if (!name) return null;
  const at = (payload: Record<string, unknown>, timestamp?: number) => ({
    event: name,
    device_id: ctx.deviceJid,
    ...(timestamp !== undefined ? { timestamp: rfc3339(timestamp) } : {}),
    payload,
  });
  const now = Math.floor(ctx.now / 1000);
  switch (e.event) {
    case 'message_received':
      return at(messagePayload(e.data));
    case 'message_ack': {
      const description = RECEIPTS[e.data.status];
      if (!description) return null; // sent (the server's ack) and failed: no receipt in GoWA
      return at({ ids: [e.data.id], chat_id: e.data.chatId, from: e.data.chatId, receipt_type: e.data.status, receipt_type_description: description }, now);
    }
    case 'message_reaction': {
      const d = e.data;
      return at({ id: d.id, chat_id: d.chatId, from: d.from, timestamp: rfc3339(d.timestamp), is_from_me: d.fromMe, reaction: d.emoji, reacted_message_id: d.id });
    }
    case 'message_revoked': {
      const d = e.data;
      return at({ id: d.id, chat_id: d.chatId, from: d.from, timestamp: rfc3339(d.timestamp), is_from_me: d.fromMe, revoked_message_id: d.id, revoked_from_me: d.fromMe, revoked_chat: d.chatId });
    }
    case 'message_edited': {
      const d = e.data;
      return at({ id: d.id, chat_id: d.chatId, from: d.from, timestamp: rfc3339(d.timestamp), is_from_me: d.fromMe, original_message_id: d.id, body: d.body });
    }
    case 'group_update': {
      const d = e.data;
      if (!['join', 'leave', 'promote', 'demote'].includes(d.action)) return null;
      return at({ chat_id: d.groupId, type: d.action, jids: d.participants }, d.timestamp);
    }
    case 'presence_update': {
      const d = e.data;
      if (d.state !== 'composing' && d.state !== 'recording' && d.state !== 'paused') return null;
      return at({ from: d.from, chat_id: d.chatId, state: d.state === 'paused' ? 'paused' : 'composing', media: d.state === 'recording' ? 'audio' : '', is_group: d.chatId.endsWith('@g.us') }, now);
    }
    case 'call': {
      const d = e.data;
      if (d.status !== 'offer') return null;
      return at({ call_id: d.id, from: d.from, auto_rejected: ctx.rejectCalls }, d.timestamp);
    }
    default:
      return null;
  }
}
