import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../http/context.js';
import type { Services } from '../../http/deps.js';
import { badRequest } from '../../errors.js';
import { isGroupJid } from '../../ids.js';
import { urlTrustOf } from '../../services/access/principal.js';
import type { Outgoing } from '../../services/messages/message-service.js';
import type { FileSend, MediaSend, Sent, SendExtras } from '../../services/messages/quick-sends.js';
import { buildVCard } from '../../services/messages/vcard.js';
import { validParams } from '../kit.js';
import { deviceOf } from './device.js';
import { ok } from './envelope.js';
import { chatOf, duration, file, fileOrUrl, flag, formFile, goTime, isForwarded, list, required, userOf } from './params.js';
import { send, type gowaRoutes } from './route.js';

// What every send takes besides its content (GoWA's BaseRequest and the reply).
const base = { phone: required('905321234567@s.whatsapp.net'), duration, is_forwarded: isForwarded };
const reply = { reply_message_id: z.string().trim().optional() };

const Text = z.object({ ...base, ...reply, message: required('Merhaba, bu bir test mesajıdır.'), mentions: list(['905321234567']).optional() });
const caption = z.string().max(4096).optional();
const Image = z.object({ ...base, ...reply, caption, view_once: flag.optional(), image: file, image_url: z.string().optional(), compress: flag.optional(), hd: flag.optional() });
const Audio = z.object({ ...base, ...reply, audio: file, audio_url: z.string().optional(), ptt: flag.optional() });
const Document = z.object({ ...base, ...reply, caption, file, file_url: z.string().optional() });
const Video = z.object({
  ...base,
  ...reply,
  caption,
  view_once: flag.optional(),
  video: file,
  video_url: z.string().optional(),
  compress: flag.optional(),
  hd: flag.optional(),
  gif_playback: flag.optional(),
});
const Sticker = z.object({ ...base, sticker: file, sticker_url: z.string().optional() });
/** The files GoWA turns into stickers (by the form part's Content-Type). */
const STICKER_TYPES = ['image/jpeg', 'image/jpg', 'image/png', 'image/webp', 'image/gif'];
const Contact = z.object({ ...base, contact_name: required('Ahmet Yılmaz'), contact_phone: required('905321234567') });
const Link = z.object({ ...base, link: z.url({ protocol: /^https?$/, error: 'must be a valid http(s) URL' }).max(2048), caption });
const coordinate = (min: number, max: number, what: string) =>
  z
    .union([z.number(), z.string().trim().regex(/^-?\d+(\.\d+)?$/, `must be a valid ${what}`).transform(Number)], { error: blankOr(what) })
    .pipe(z.number().min(min, `must be a valid ${what}`).max(max, `must be a valid ${what}`))
    .openapi({ type: 'string', description: 'A string or a number' });
const Location = z.object({ ...base, latitude: coordinate(-90, 90, 'latitude'), longitude: coordinate(-180, 180, 'longitude') });
const Poll = z.object({
  ...base,
  question: required('En sevdiğiniz renk hangisi?'),
  options: list(['Mavi', 'Yeşil', 'Kırmızı'])
    .refine((o) => o.length >= 2 && o.length <= 12, 'a poll needs 2 to 12 options')
    .refine((o) => new Set(o).size === o.length, 'options must be unique'),
  max_answer: positiveWhole(),
});
const Presence = z.object({ type: z.enum(['available', 'unavailable'], { error: 'must be available or unavailable' }), is_forwarded: isForwarded });
const ChatPresence = z.object({ phone: required('905321234567@s.whatsapp.net'), action: z.enum(['start', 'stop'], { error: 'must be start or stop' }) });

function blankOr(what: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? 'cannot be blank' : `must be a valid ${what}`);
}

function positiveWhole() {
  return z
    .union([z.number(), z.string().trim().regex(/^\d+$/, 'must be a whole number').transform(Number)], { error: blankOr('number') })
    .pipe(z.number().int().min(1, 'must be at least 1'))
    .openapi({ type: 'integer', example: 1 });
}

export interface SendRouteDeps {
  services: Pick<Services, 'instances' | 'sends' | 'groups' | 'account' | 'chats'>;
}

/** /send/*: text, media (a file in the form or a URL), contact, link, location, poll, presence. */
export function sendRoutes(route: ReturnType<typeof gowaRoutes>, { services: { instances, sends, groups, account, chats } }: SendRouteDeps) {
  /** `{ message_id, status }`, with the status as GoWA words it, also as the message. */
  const answer = (c: Context<AppEnv>, sent: Sent, words: string, chatId: string) => {
    const status = `${words} ${chatId} (server timestamp: ${goTime(sent.timestamp ?? Math.floor(Date.now() / 1000))})`;
    return ok(c, status, { message_id: sent.id, status });
  };
  const key = (c: Context<AppEnv>) => c.req.header('idempotency-key');

  /** The reply and mentions of a send; `@everyone` mentions every member of the group it goes to. */
  const extrasOf = async (instanceId: string, chatId: string, b: { reply_message_id?: string | undefined; mentions?: string[] | undefined }): Promise<SendExtras> => {
    const mentions: string[] = [];
    for (const [i, m] of (b.mentions ?? []).entries()) {
      if (m === '@everyone' && isGroupJid(chatId)) mentions.push(...(await groups.get(instanceId, chatId)).participants.map((p) => p.id));
      else mentions.push(userOf(`mentions.${i}`, m));
    }
    return { ...(b.reply_message_id ? { quotedMessageId: b.reply_message_id } : {}), ...(mentions.length ? { mentions } : {}) };
  };

  /** A media send from a form file or a URL. */
  const media = async (c: Context<AppEnv>, phone: string, field: string, given: { file?: File | undefined; url?: string | undefined }, options: Omit<MediaSend, 'field' | 'url' | 'trust'>) => {
    const id = deviceOf(c, instances).id;
    const chatId = chatOf('phone', phone);
    const source = fileOrUrl(field, given);
    if ('file' in source) {
      const input: FileSend = { ...options, field, file: await formFile(source.file) };
      return { chatId, sent: await sends.upload(id, chatId, input, key(c)) };
    }
    return { chatId, sent: await sends.file(id, chatId, { ...options, field: `${field}_url`, url: source.url, trust: urlTrustOf(c.get('principal')) }, key(c)) };
  };

  route({
    method: 'POST',
    path: '/send/message',
    summary: 'Send a text (a reply with reply_message_id; mentions by phone, or @everyone in a group)',
    requirement: send,
    fields: Text,
    run: async (c) => {
      const b = await validParams(c, Text);
      const id = deviceOf(c, instances).id;
      const chatId = chatOf('phone', b.phone);
      const sent = await sends.text(id, chatId, b.message, key(c), await extrasOf(id, chatId, b));
      return answer(c, sent, 'Message sent to', chatId);
    },
  });

  route({
    method: 'POST',
    path: '/send/image',
    summary: 'Send an image: the file in the form field image, or image_url',
    requirement: send,
    fields: Image,
    multipart: true,
    run: async (c) => {
      const b = await validParams(c, Image);
      const extras: SendExtras = { ...(b.reply_message_id ? { quotedMessageId: b.reply_message_id } : {}), ...(b.view_once ? { viewOnce: true } : {}) };
      const { chatId, sent } = await media(c, b.phone, 'image', { file: b.image, url: b.image_url }, { kind: 'image', expect: 'image', caption: b.caption, extras });
      return answer(c, sent, 'Message sent to', chatId);
    },
  });

  route({
    method: 'POST',
    path: '/send/audio',
    summary: 'Send an audio file (ptt: as a voice note): the file in audio, or audio_url',
    requirement: send,
    fields: Audio,
    multipart: true,
    run: async (c) => {
      const b = await validParams(c, Audio);
      const extras: SendExtras = b.reply_message_id ? { quotedMessageId: b.reply_message_id } : {};
      const { chatId, sent } = await media(c, b.phone, 'audio', { file: b.audio, url: b.audio_url }, { kind: b.ptt ? 'ptt' : 'audio', expect: 'audio', extras });
      return answer(c, sent, 'Send audio success', chatId);
    },
  });

  route({
    method: 'POST',
    path: '/send/file',
    summary: 'Send a document: the file in file, or file_url',
    requirement: send,
    fields: Document,
    multipart: true,
    run: async (c) => {
      const b = await validParams(c, Document);
      const extras: SendExtras = b.reply_message_id ? { quotedMessageId: b.reply_message_id } : {};
      const { chatId, sent } = await media(c, b.phone, 'file', { file: b.file, url: b.file_url }, { kind: 'document', caption: b.caption, extras });
      return answer(c, sent, 'Document sent to', chatId);
    },
  });

  route({
    method: 'POST',
    path: '/send/video',
    summary: 'Send a video: the file in video, or video_url',
    requirement: send,
    fields: Video,
    multipart: true,
    run: async (c) => {
      const b = await validParams(c, Video);
      const extras: SendExtras = { ...(b.reply_message_id ? { quotedMessageId: b.reply_message_id } : {}), ...(b.view_once ? { viewOnce: true } : {}) };
      const { chatId, sent } = await media(c, b.phone, 'video', { file: b.video, url: b.video_url }, { kind: 'video', expect: 'video', caption: b.caption, extras });
      return answer(c, sent, 'Video sent to', chatId);
    },
  });

  route({
    method: 'POST',
    path: '/send/sticker',
    summary: 'Send a sticker made from an image (jpg, png, webp or gif): the file in sticker, or sticker_url',
    requirement: send,
    fields: Sticker,
    multipart: true,
    run: async (c) => {
      const b = await validParams(c, Sticker);
      if (b.sticker && b.sticker_url?.trim()) throw badRequest('sticker: give either sticker (a file) or sticker_url, not both');
      if (b.sticker && !STICKER_TYPES.includes(b.sticker.type)) throw badRequest(`sticker: ${b.sticker.type || 'a file without a type'} is not allowed; use jpg/jpeg/png/webp/gif`);
      const { chatId, sent } = await media(c, b.phone, 'sticker', { file: b.sticker, url: b.sticker_url }, { kind: 'sticker', expect: 'image' });
      return answer(c, sent, 'Sticker sent to', chatId);
    },
  });

  /** A send of content built from the fields: a contact card, a link, a location, a poll. */
  const content = async (c: Context<AppEnv>, phone: string, build: (chatId: string) => Outgoing['content'], extras: SendExtras = {}) => {
    const id = deviceOf(c, instances).id;
    const chatId = chatOf('phone', phone);
    return { chatId, sent: await sends.content(id, chatId, build(chatId), extras, key(c)) };
  };

  route({
    method: 'POST',
    path: '/send/contact',
    summary: 'Send a contact card',
    requirement: send,
    fields: Contact,
    run: async (c) => {
      const b = await validParams(c, Contact);
      const phone = userOf('contact_phone', b.contact_phone).split('@')[0]!;
      const { chatId, sent } = await content(c, b.phone, () => ({ kind: 'vcard', vcard: buildVCard(b.contact_name, phone), displayName: b.contact_name }));
      return answer(c, sent, 'Contact sent to', chatId);
    },
  });

  route({
    method: 'POST',
    path: '/send/link',
    summary: 'Send a link with its preview (the caption above it)',
    requirement: send,
    fields: Link,
    run: async (c) => {
      const b = await validParams(c, Link);
      const { chatId, sent } = await content(c, b.phone, () => ({ kind: 'chat', body: b.caption ? `${b.caption}\n${b.link}` : b.link }), { linkPreview: true });
      return answer(c, sent, 'Link sent to', chatId);
    },
  });

  route({
    method: 'POST',
    path: '/send/location',
    summary: 'Send a map location (latitude and longitude as strings or numbers)',
    requirement: send,
    fields: Location,
    run: async (c) => {
      const b = await validParams(c, Location);
      const { chatId, sent } = await content(c, b.phone, () => ({ kind: 'location', location: { lat: b.latitude, lng: b.longitude } }));
      return answer(c, sent, 'Send location success', chatId);
    },
  });

  route({
    method: 'POST',
    path: '/send/poll',
    summary: 'Send a poll (max_answer 1: one answer; more: several)',
    requirement: send,
    fields: Poll,
    run: async (c) => {
      const b = await validParams(c, Poll);
      if (b.max_answer > b.options.length) throw badRequest(`max_answer: must be no greater than ${b.options.length} (the number of options)`);
      // WhatsApp polls allow one answer or any number: GoWA's max_answer above 1 is "several".
      const { chatId, sent } = await content(c, b.phone, () => ({ kind: 'poll_creation', poll: { name: b.question, values: b.options, selectableCount: b.max_answer === 1 ? 1 : 0 } }));
      return answer(c, sent, 'Send poll success', chatId);
    },
  });

  route({
    method: 'POST',
    path: '/send/presence',
    summary: 'Be online (available) or offline (unavailable) for everyone',
    requirement: send,
    fields: Presence,
    run: async (c) => {
      const b = await validParams(c, Presence);
      await account.setPresence(deviceOf(c, instances).id, b.type);
      const status = `Send presence success ${b.type}`;
      return ok(c, status, { message_id: 'presence', status });
    },
  });

  route({
    method: 'POST',
    path: '/send/chat-presence',
    summary: 'Show typing in a chat (start), or stop',
    requirement: send,
    fields: ChatPresence,
    run: async (c) => {
      const b = await validParams(c, ChatPresence);
      const chatId = chatOf('phone', b.phone);
      await chats.sendPresence(deviceOf(c, instances).id, chatId, b.action === 'start' ? 'composing' : 'paused');
      const status = `Send chat presence ${b.action} typing success ${chatId}`;
      return ok(c, status, { message_id: `chat-presence-${b.action}`, status });
    },
  });
}
