import type { Context } from 'hono';
import { AppError, type ErrorBody } from '../../errors.js';
import type { AppEnv } from '../../http/context.js';
import type { Services } from '../../http/deps.js';
import { isGroupJid, jidToPhone, toChatId, USER_SUFFIX } from '../../ids.js';
import { mimeOfName } from '../../media/mime.js';
import { urlTrustOf } from '../../services/access/principal.js';
import { evolutionMessage } from '../../services/evolution/message-shape.js';
import type { Outgoing } from '../../services/messages/message-service.js';
import { EvolutionError } from './envelope.js';
import { pause } from './route.js';
import type { MetadataInput } from './send-bodies.js';

/** Evolution's answer for a number that is not on WhatsApp: 400 with the check's result. */
export function notOnWhatsApp(number: string, jid: string): EvolutionError {
  return new EvolutionError('bad_request', `${number} is not on WhatsApp`, [{ jid, exists: false, number }]);
}

/** The first bytes of common files, for base64 media sent without a MIME type. */
function sniff(data: Buffer): string | null {
  const hex = data.subarray(0, 12).toString('hex');
  if (hex.startsWith('89504e47')) return 'image/png';
  if (hex.startsWith('ffd8ff')) return 'image/jpeg';
  if (hex.startsWith('47494638')) return 'image/gif';
  if (hex.startsWith('52494646') && data.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  if (hex.startsWith('25504446')) return 'application/pdf';
  if (hex.startsWith('4f676753')) return 'audio/ogg';
  if (hex.startsWith('494433') || hex.startsWith('fffb')) return 'audio/mpeg';
  if (data.subarray(4, 8).toString('latin1') === 'ftyp') return 'video/mp4';
  return null;
}

const BASE64 = /^[A-Za-z0-9+/=\s_-]+$/;

/**
 * Media as Evolution takes it (an http(s) URL, base64 without a data: prefix, or a multipart
 * `file`) in the form the media service reads: a URL or a data URI. A 400 otherwise.
 */
export async function mediaInput(field: string, value: unknown, file: unknown, mimetype?: string, fileName?: string): Promise<string> {
  if (file instanceof File) {
    const data = Buffer.from(await file.arrayBuffer());
    const type = mimetype ?? (file.type || null) ?? sniff(data) ?? mimeOfName(fileName ?? file.name);
    return `data:${type};base64,${data.toString('base64')}`;
  }
  if (typeof value !== 'string' || value.trim() === '') throw new AppError('bad_request', `instance requires property "${field}"`);
  const text = value.trim();
  if (/^https?:\/\//i.test(text) || text.startsWith('data:')) return text;
  if (BASE64.test(text) && text.length >= 8) {
    const data = Buffer.from(text, 'base64');
    const type = mimetype ?? sniff(data) ?? (fileName ? mimeOfName(fileName) : 'application/octet-stream');
    return `data:${type};base64,${text.replace(/\s+/g, '')}`;
  }
  throw new AppError('bad_request', 'Owned media must be a url or base64');
}

/**
 * Sends as Evolution does: the number must be on WhatsApp (400 with the check otherwise), the
 * `delay` shows "typing..." first, `quoted`, `mentioned` and `mentionsEveryOne` go with the
 * message; answers the sent message in Evolution's shape.
 */
export function evolutionSender(services: Pick<Services, 'messages' | 'contacts' | 'chats' | 'groups'>) {
  const { messages, contacts, chats, groups } = services;

  /** The chat of `number`: a group, or a user who is on WhatsApp. */
  const recipient = async (instanceId: string, number: string): Promise<string> => {
    const chatId = toChatId(number);
    if (!chatId) throw notOnWhatsApp(number, number.includes('@') ? number : `${number.replace(/\D/g, '')}${USER_SUFFIX}`);
    const phone = jidToPhone(chatId);
    if (phone) {
      const check = await contacts.check(instanceId, chatId);
      if (!check.exists) throw notOnWhatsApp(number, chatId);
    }
    return chatId;
  };

  const mentionsOf = async (instanceId: string, chatId: string, b: MetadataInput): Promise<string[]> => {
    const ids = (b.mentioned ?? []).map((m) => toChatId(m)).filter((id): id is string => !!id && !isGroupJid(id));
    if ((b.mentionsEveryOne ?? b.everyOne) && isGroupJid(chatId)) ids.push(...(await groups.get(instanceId, chatId)).participants.map((p) => p.id));
    return [...new Set(ids)];
  };

  const typing = async (instanceId: string, chatId: string, ms: number, signal?: AbortSignal) => {
    await chats.sendPresence(instanceId, chatId, 'composing').catch(() => undefined);
    await pause(ms, signal);
    await chats.sendPresence(instanceId, chatId, 'paused').catch(() => undefined);
  };

  return {
    recipient,
    /** Sends what `build` makes for the chat; answers the message as Evolution shows it. */
    async send(c: Context<AppEnv>, instanceId: string, b: MetadataInput, build: (chatId: string) => Promise<Outgoing>, extra: Record<string, unknown> = {}) {
      const chatId = await recipient(instanceId, b.number);
      const mentions = await mentionsOf(instanceId, chatId, b);
      if (b.delay) await typing(instanceId, chatId, b.delay, c.get('work')?.signal);
      const answer = await messages.submit(
        instanceId,
        async () => ({
          ...(await build(chatId)),
          ...(b.quoted ? { quotedMessageId: b.quoted.key.id } : {}),
          ...(mentions.length ? { mentions } : {}),
          ...(b.linkPreview ? { linkPreview: true } : {}),
        }),
        c.req.header('idempotency-key'),
      );
      if (answer.replayed) c.header('Idempotent-Replayed', 'true');
      const body = answer.body as { id?: string } & Partial<ErrorBody>;
      if (answer.status !== 200 || !body.id) throw new AppError(body.code ?? 'failed', body.error ?? 'the send failed');
      return { ...evolutionMessage(await messages.get(instanceId, body.id), instanceId), ...extra };
    },
    trust: (c: Context<AppEnv>) => urlTrustOf(c.get('principal')),
  };
}
