/**
 * whatsapp-web.js objects -> the engine's types. Every id goes through the LidResolver, so no
 * `@c.us` leaves this engine; callers resolve LIDs for a whole batch before mapping it.
 */
import type { Logger } from '../../logger.js';
import type {
  AckStatus,
  Account,
  ChatUpsert,
  EngineContact,
  EngineGroup,
  EngineMessage,
  MessageKind,
  PollPayload,
} from '../engine.js';
import { phoneOf, type LidResolver } from './ids.js';
import { DEFAULT_MEDIA_LIMITS, downloadIncomingMedia, type MediaLimits } from './incoming-media.js';
import { serializedKeyOf } from './keys.js';
import type { LibChat, LibContact, LibGroupChat, LibId, LibMessage } from './library-types.js';
import type { GroupRecord } from './page-ops.js';

/** The library's MessageAck: ACK_ERROR -1 ... ACK_PLAYED 4. */
const ACKS: Record<number, AckStatus> = { [-1]: 'failed', 0: 'pending', 1: 'sent', 2: 'delivered', 3: 'read', 4: 'played' };

export function ackStatus(ack: number): AckStatus | null {
  return ACKS[ack] ?? null;
}

const KINDS = new Set<MessageKind>([
  'chat', 'image', 'video', 'audio', 'ptt', 'document', 'sticker', 'location', 'vcard', 'poll_creation', 'revoked',
]);

/**
 * System entries WhatsApp Web keeps in the message list; they are not messages anyone wrote (the
 * page reads of the history capability skip them too, so their limits count messages only).
 */
export const NOT_MESSAGE_TYPES: readonly string[] = [
  'e2e_notification', 'notification', 'notification_template', 'gp2', 'group_notification', 'protocol',
  'call_log', 'ciphertext', 'debug', 'broadcast_notification', 'reaction', 'pinned_message', 'keep_in_chat',
];
const NOT_MESSAGES = new Set(NOT_MESSAGE_TYPES);

export function messageKind(type: string): MessageKind {
  if (type === 'multi_vcard') return 'vcard';
  return KINDS.has(type as MessageKind) ? (type as MessageKind) : 'unknown';
}

/** Every id a message mentions, for one LID lookup. */
export function idsOfMessage(msg: LibMessage): string[] {
  return [msg.from, msg.to, msg.author].filter((id): id is string => typeof id === 'string');
}

export function accountOf(info: { wid: LibId; pushname: string } | undefined, ids: LidResolver): Account | null {
  if (!info?.wid?._serialized) return null;
  const id = ids.toApi(info.wid._serialized);
  const phone = phoneOf(id);
  if (!phone) return null;
  return { id, name: info.pushname ?? '', phone };
}

function raw(msg: LibMessage): Record<string, unknown> {
  return msg.rawData as Record<string, unknown>;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function pollOf(msg: LibMessage): PollPayload {
  const values = (msg.pollOptions ?? []).map((o) =>
    typeof o === 'string' ? o : typeof o === 'object' && o !== null && 'name' in o ? String(o.name) : String(o),
  );
  const count = raw(msg).pollSelectableOptionsCount;
  const selectableCount = typeof count === 'number' ? count : msg.allowMultipleAnswers ? 0 : 1;
  return { name: msg.pollName ?? msg.body, values, selectableCount };
}

/**
 * A library message as an EngineMessage, or null for what is not a message (status updates,
 * system notices). `me` is the linked account. LIDs must have been resolved beforehand.
 */
export async function toEngineMessage(
  msg: LibMessage,
  me: Account,
  ids: LidResolver,
  log: Logger,
  limits: MediaLimits = DEFAULT_MEDIA_LIMITS,
): Promise<EngineMessage | null> {
  if (msg.isStatus || msg.from === 'status@broadcast' || msg.to === 'status@broadcast') return null;
  if (NOT_MESSAGES.has(msg.type)) return null;
  const kind = messageKind(msg.type);
  const chatId = ids.toApi(msg.fromMe ? msg.to : msg.from);
  const from = msg.fromMe ? me.id : ids.toApi(msg.author ?? msg.from);
  const to = msg.fromMe ? chatId : chatId.endsWith('@g.us') ? chatId : me.id;
  const nativeKey = serializedKeyOf(msg.id);
  const message: EngineMessage = {
    id: msg.id.id,
    ...(nativeKey ? { nativeKey } : {}),
    chatId,
    from,
    to,
    fromMe: msg.fromMe,
    kind,
    body: msg.body ?? '',
    timestamp: msg.timestamp || Math.floor(Date.now() / 1000),
  };
  const senderName = msg.fromMe ? me.name : text(raw(msg).notifyName);
  if (senderName) message.senderName = senderName;
  if (msg.hasMedia) {
    const media = await downloadIncomingMedia(msg, limits, log);
    if (media) message.media = media;
  }
  if (kind === 'location' && msg.location) {
    const { latitude, longitude, name, address } = msg.location;
    message.location = { lat: Number(latitude), lng: Number(longitude), ...(name ? { name } : {}), ...(address ? { address } : {}) };
    // The body of a location is a JPEG thumbnail in base64, not text.
    message.body = [name, address].filter(Boolean).join('\n');
  }
  if (kind === 'vcard') message.vcard = msg.vCards.join('\n') || msg.body;
  if (kind === 'poll_creation') {
    message.poll = pollOf(msg);
    message.body = message.poll.name;
  }
  return message;
}

export function toEngineChat(chat: LibChat, ids: LidResolver): ChatUpsert {
  return {
    id: ids.toApi(chat.id._serialized),
    isGroup: chat.isGroup,
    ...(chat.name ? { name: chat.name } : {}),
    unreadCount: Math.max(0, chat.unreadCount ?? 0),
    lastMessage: chat.timestamp ? chat.timestamp : null,
    archived: Boolean(chat.archived),
  };
}

export function toEngineContact(contact: LibContact, ids: LidResolver): EngineContact {
  return {
    id: ids.toApi(contact.id._serialized),
    name: contact.name || null,
    notify: contact.pushname || null,
  };
}

/** A group of the library (getChats) as the page reads one (page-ops.ts readGroup). */
export function groupRecordOf(group: LibGroupChat): GroupRecord {
  const created = group.createdAt instanceof Date ? group.createdAt.getTime() : NaN;
  return {
    id: group.id._serialized,
    subject: group.name,
    desc: group.description || null,
    creation: Number.isFinite(created) && created > 0 ? Math.floor(created / 1000) : null,
    owner: group.owner?._serialized ?? null,
    participants: (group.participants ?? []).map((p) => ({ id: p.id._serialized, isAdmin: p.isAdmin, isSuperAdmin: p.isSuperAdmin })),
  };
}

/** Every id a group mentions, for one LID lookup. */
export function idsOfGroup(group: GroupRecord): string[] {
  const out = group.participants.map((p) => p.id);
  if (group.owner) out.push(group.owner);
  return out;
}

export function toEngineGroup(group: GroupRecord, ids: LidResolver): EngineGroup {
  return {
    id: group.id,
    name: group.subject,
    description: group.desc,
    creation: group.creation,
    owner: group.owner ? ids.toApi(group.owner) : null,
    participants: group.participants.map((p) => ({
      id: ids.toApi(p.id),
      admin: p.isSuperAdmin ? 'superadmin' : p.isAdmin ? 'admin' : null,
    })),
  };
}

/** Whether a library chat or contact id is a person or a group (not a channel, broadcast or status). */
export function isPersonOrGroup(id: string): boolean {
  return id.endsWith('@c.us') || id.endsWith('@g.us') || id.endsWith('@lid');
}
