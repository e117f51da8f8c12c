import { isGroupJid } from '../../ids.js';

/**
 * Messages in Evolution API's shape (its `prepareMessage`): `{ key: { remoteJid, fromMe, id,
 * participant? }, pushName, status, message: { conversation | imageMessage | ... }, contextInfo,
 * messageType, messageTimestamp, instanceId, source }`. Built from a stored message (answers of
 * the dialect) or from the data of an event (the Evolution webhook format): both carry these facts.
 */
export interface MessageFacts {
  id: string;
  chatId: string;
  from: string;
  fromMe: boolean;
  type: string;
  body: string;
  caption?: string;
  status?: string;
  timestamp: number;
  senderName?: string;
  media?: { url: string; mimetype: string | null; filename: string | null; size: number | null };
  location?: { lat: number; lng: number; name?: string; address?: string };
  poll?: { name: string; values: string[]; selectableCount: number };
  vcard?: string;
  quotedMessageId?: string;
  mentions?: string[];
}

export interface EvolutionKey {
  remoteJid: string;
  fromMe: boolean;
  id: string;
  participant?: string;
}

export interface EvolutionMessage {
  key: EvolutionKey;
  pushName: string;
  status: string;
  message: Record<string, unknown>;
  contextInfo: Record<string, unknown> | null;
  messageType: string;
  messageTimestamp: number;
  instanceId: string;
  source: string;
}

/** Hatline's statuses as Evolution's (Baileys' ack names). An incoming message is DELIVERY_ACK, as Evolution shows it. */
const STATUS: Record<string, string> = {
  pending: 'PENDING',
  sent: 'SERVER_ACK',
  delivered: 'DELIVERY_ACK',
  read: 'READ',
  played: 'PLAYED',
  failed: 'ERROR',
  received: 'DELIVERY_ACK',
};

export function evolutionStatus(status: string): string {
  return STATUS[status] ?? 'PENDING';
}

export function keyOf(m: Pick<MessageFacts, 'id' | 'chatId' | 'from' | 'fromMe'>): EvolutionKey {
  return {
    remoteJid: m.chatId,
    fromMe: m.fromMe,
    id: m.id,
    ...(isGroupJid(m.chatId) && !m.fromMe && m.from ? { participant: m.from } : {}),
  };
}

const MEDIA_TYPE: Record<string, string> = {
  image: 'imageMessage',
  video: 'videoMessage',
  audio: 'audioMessage',
  ptt: 'audioMessage',
  document: 'documentMessage',
  sticker: 'stickerMessage',
};

/** The `message` object and its `messageType`, by kind. */
export function contentOf(m: MessageFacts): { messageType: string; message: Record<string, unknown> } {
  const mediaType = MEDIA_TYPE[m.type];
  if (mediaType) {
    const caption = m.caption ?? (m.body || undefined);
    const inner: Record<string, unknown> = {
      mimetype: m.media?.mimetype ?? null,
      ...(caption && m.type !== 'audio' && m.type !== 'ptt' && m.type !== 'sticker' ? { caption } : {}),
      ...(m.media?.size != null ? { fileLength: m.media.size } : {}),
      ...(m.type === 'document' ? { fileName: m.media?.filename ?? 'document', title: m.media?.filename ?? 'document' } : {}),
      ...(m.type === 'ptt' ? { ptt: true } : m.type === 'audio' ? { ptt: false } : {}),
    };
    // mediaUrl: where the file is (as Evolution adds it when it stores media itself).
    return { messageType: mediaType, message: { [mediaType]: inner, ...(m.media ? { mediaUrl: m.media.url } : {}) } };
  }
  switch (m.type) {
    case 'location':
      return {
        messageType: 'locationMessage',
        message: { locationMessage: { degreesLatitude: m.location?.lat ?? 0, degreesLongitude: m.location?.lng ?? 0, name: m.location?.name ?? '', address: m.location?.address ?? '' } },
      };
    case 'vcard': {
      const name = /^FN:(.*)$/m.exec(m.vcard ?? '')?.[1]?.trim() ?? '';
      return { messageType: 'contactMessage', message: { contactMessage: { displayName: name, vcard: m.vcard ?? m.body } } };
    }
    case 'poll_creation':
      return {
        messageType: 'pollCreationMessageV3',
        message: {
          pollCreationMessageV3: {
            name: m.poll?.name ?? m.body,
            options: (m.poll?.values ?? []).map((optionName) => ({ optionName })),
            selectableOptionsCount: m.poll?.selectableCount ?? 0,
          },
        },
      };
    case 'revoked':
      return { messageType: 'protocolMessage', message: { protocolMessage: { key: keyOf(m), type: 'REVOKE' } } };
    default:
      // Evolution writes texts as `conversation` (extendedTextMessage is rewritten to it).
      return { messageType: 'conversation', message: { conversation: m.body } };
  }
}

export function contextOf(m: Pick<MessageFacts, 'quotedMessageId' | 'mentions'>): Record<string, unknown> | null {
  if (!m.quotedMessageId && !m.mentions?.length) return null;
  return { ...(m.quotedMessageId ? { stanzaId: m.quotedMessageId } : {}), ...(m.mentions?.length ? { mentionedJid: m.mentions } : {}) };
}

/** A message in Evolution's shape (`M`). `status` overrides the message's own (a webhook of a moment). */
export function evolutionMessage(m: MessageFacts, instanceId: string, status?: string): EvolutionMessage {
  const { messageType, message } = contentOf(m);
  return {
    key: keyOf(m),
    pushName: m.senderName ?? '',
    status: evolutionStatus(status ?? m.status ?? (m.fromMe ? 'sent' : 'received')),
    message,
    contextInfo: contextOf(m),
    messageType,
    messageTimestamp: m.timestamp,
    instanceId,
    // Messages Hatline sends go out from WhatsApp Web; where others were written is not known.
    source: m.fromMe ? 'web' : 'unknown',
  };
}
