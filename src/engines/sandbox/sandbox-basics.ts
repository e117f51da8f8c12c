import { isGroupJid, jidToPhone, randomHex } from '../../ids.js';
import { EngineError, type MediaPayload, type MessageKind } from '../engine.js';

/** What the sandbox's capabilities and controls share: message ids, kinds, and two of WhatsApp's rules. */

/** A WhatsApp-looking message id: `3EB0` and 16 hex digits. */
export function sandboxMessageId(): string {
  return `3EB0${randomHex(8).toUpperCase()}`;
}

export function kindOfMime(mimetype: string): MessageKind {
  if (mimetype === 'image/webp') return 'sticker';
  if (mimetype.startsWith('image/')) return 'image';
  if (mimetype.startsWith('video/')) return 'video';
  if (mimetype.startsWith('audio/ogg')) return 'ptt';
  if (mimetype.startsWith('audio/')) return 'audio';
  return 'document';
}

export function requireChatTarget(chatId: string): void {
  if (!isGroupJid(chatId) && !jidToPhone(chatId)) throw new EngineError('not_found', `unknown chat ${chatId}`);
}

/** What WhatsApp takes as a profile or group picture, at most. */
const PICTURE_MAX_BYTES = 1024 * 1024;

/** A picture as the sandbox keeps and answers it: a data URI (there is no picture server to link to). */
export function pictureUri(picture: MediaPayload | null): string | null {
  if (picture === null) return null;
  if (!picture.mimetype.startsWith('image/')) throw new EngineError('rejected', `a picture must be an image, not ${picture.mimetype}`);
  if (picture.data.length > PICTURE_MAX_BYTES) {
    throw new EngineError('rejected', `the picture is ${picture.data.length} bytes; WhatsApp takes pictures up to ${PICTURE_MAX_BYTES} bytes`);
  }
  return `data:${picture.mimetype};base64,${picture.data.toString('base64')}`;
}
