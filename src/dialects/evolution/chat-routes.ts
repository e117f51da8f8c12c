import { z } from '@hono/zod-openapi';
import { AppError } from '../../errors.js';
import type { Services } from '../../http/deps.js';
import { chatIdOrThrow, isGroupJid, jidToPhone, toChatId } from '../../ids.js';
import { evolutionMessage } from '../../services/evolution/message-shape.js';
import { evolutionParams } from './envelope.js';
import { Paging, pageOf, secondsOf } from './paging.js';
import { instanceOf, pause, read, send, type evolutionRoutes } from './route.js';
import { evolutionSender, notOnWhatsApp } from './sender.js';
import { findMessagesRoutes } from './find-messages.js';

const iso = (seconds: number | null) => (seconds === null ? null : new Date(seconds * 1000).toISOString());
const time = z.union([z.number(), z.string()]);

const FindChats = Paging.extend({
  where: z.object({ remoteJid: z.string().optional(), messageTimestamp: z.object({ gte: time.optional(), lte: time.optional() }).optional() }).passthrough().optional(),
});
const FindContacts = Paging.extend({ where: z.object({ remoteJid: z.string().optional(), id: z.string().optional(), pushName: z.string().optional() }).passthrough().optional() });
const ReadMessages = z.object({ readMessages: z.array(z.object({ id: z.string().min(1), fromMe: z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true'), remoteJid: z.string().min(1) })).min(1).max(500) });
const Media = z.object({ message: z.object({ key: z.object({ id: z.string().min(1) }).passthrough() }).passthrough(), convertToMp4: z.unknown().optional() });
const Number_ = z.object({ number: z.union([z.string(), z.number()]).transform(String).optional() });
const Numbers = z.object({ numbers: z.array(z.union([z.string(), z.number()]).transform(String)).min(1).max(500) });
const Presence = z.object({
  number: z.union([z.string(), z.number()]).transform(String),
  presence: z.enum(['unavailable', 'available', 'composing', 'recording', 'paused']),
  delay: z.union([z.number(), z.string().regex(/^\s*\d+\s*$/).transform(Number)]).pipe(z.number().int().min(0).max(300_000, 'at most 300000 ms')),
});

export function chatRoutes(route: ReturnType<typeof evolutionRoutes>, services: Services) {
  const { instances, chats, contacts, groups, messages, messageActions, media, account } = services;
  const sender = evolutionSender(services);

  route({
    method: 'POST',
    path: 'chat/findChats',
    summary: 'Chats, newest first, each with its last message (paging: take/skip, or limit with page)',
    requirement: read,
    status: 200,
    fields: FindChats,
    run: async (c) => {
      const id = instanceOf(c, instances).id;
      const b = await evolutionParams(c, FindChats);
      const gte = secondsOf('where.messageTimestamp.gte', b.where?.messageTimestamp?.gte);
      const lte = secondsOf('where.messageTimestamp.lte', b.where?.messageTimestamp?.lte);
      const wanted = b.where?.remoteJid !== undefined ? chatIdOrThrow('where.remoteJid', b.where.remoteJid) : undefined;
      const list = (await chats.list(id))
        .filter((chat) => wanted === undefined || chat.id === wanted)
        .filter((chat) => (gte === undefined || (chat.lastMessage ?? 0) >= gte) && (lte === undefined || (chat.lastMessage ?? 0) <= lte));
      const { size, start } = pageOf(b, null, 1000);
      const page = list.slice(start, size === null ? undefined : start + size);
      return Promise.all(
        page.map(async (chat) => {
          const last = (await messages.historyPage(id, { chatId: chat.id }, {}, 1)).items[0];
          return {
            id: chat.id,
            remoteJid: chat.id,
            pushName: chat.name,
            profilePicUrl: null,
            updatedAt: iso(chat.lastMessage),
            windowStart: null,
            windowExpires: null,
            windowActive: false,
            lastMessage: last ? { id: last.id, ...evolutionMessage(last, id) } : null,
            unreadCount: chat.unreadCount,
            isSaved: false,
          };
        }),
      );
    },
  });

  findMessagesRoutes(route, services);

  route({
    method: 'POST',
    path: 'chat/markMessageAsRead',
    summary: 'Send read receipts for incoming messages',
    requirement: send,
    status: 201,
    fields: ReadMessages,
    run: async (c) => {
      const id = instanceOf(c, instances).id;
      const b = await evolutionParams(c, ReadMessages);
      // Receipts are for what others sent: one's own messages have none to send.
      for (const [i, m] of b.readMessages.entries()) if (!m.fromMe) await messageActions.markRead(id, chatIdOrThrow(`readMessages.${i}.remoteJid`, m.remoteJid), m.id);
      return { message: 'Read messages', read: 'success' };
    },
  });

  route({
    method: 'POST',
    path: 'chat/getBase64FromMediaMessage',
    summary: "A stored message's media as base64",
    requirement: read,
    status: 201,
    fields: Media,
    run: async (c) => {
      const id = instanceOf(c, instances).id;
      const b = await evolutionParams(c, Media);
      const m = await messages.get(id, b.message.key.id, 'message.key.id');
      if (!m.media) throw new AppError('bad_request', `message.key.id: message ${m.id} has no media`);
      const file = await media.resolve('message', m.media.url, 'operator');
      const { messageType } = evolutionMessage(m, id);
      return {
        mediaType: messageType,
        fileName: m.media.filename ?? file.filename ?? null,
        caption: m.caption ?? null,
        size: { fileLength: file.data.length, height: null, width: null },
        mimetype: m.media.mimetype,
        base64: file.data.toString('base64'),
        buffer: null,
      };
    },
  });

  route({
    method: 'POST',
    path: 'chat/findContacts',
    summary: 'Contacts and groups (where: remoteJid, id, pushName)',
    requirement: read,
    status: 200,
    fields: FindContacts,
    run: async (c) => {
      const id = instanceOf(c, instances).id;
      const b = await evolutionParams(c, FindContacts);
      const people = (await contacts.list(id)).map((p) => ({ id: p.id, remoteJid: p.id, pushName: p.notify ?? p.name, isGroup: false, isSaved: p.name !== null, type: 'contact' }));
      const teams = (await groups.list(id)).map((g) => ({ id: g.id, remoteJid: g.id, pushName: g.name, isGroup: true, isSaved: false, type: 'group' }));
      const w = b.where ?? {};
      const jid = w.remoteJid ?? w.id;
      const wantedJid = jid === undefined ? undefined : (toChatId(jid) ?? jid);
      const all = [...people, ...teams]
        .filter((x) => wantedJid === undefined || x.remoteJid === wantedJid)
        .filter((x) => w.pushName === undefined || (x.pushName ?? '').toLowerCase().includes(w.pushName.toLowerCase()));
      const { size, start } = pageOf(b, null, 5000);
      return all.slice(start, size === null ? undefined : start + size).map((x) => ({ ...x, profilePicUrl: null, createdAt: null, updatedAt: null, instanceId: id }));
    },
  });

  route({
    method: 'POST',
    path: 'chat/fetchProfile',
    summary: "A person's profile (this account's own without number)",
    requirement: read,
    status: 200,
    fields: Number_,
    run: async (c) => {
      const id = instanceOf(c, instances).id;
      const b = await evolutionParams(c, Number_);
      if (b.number === undefined) {
        const own = await account.profile(id);
        return { wuid: own.id, name: own.name, numberExists: true, picture: own.picture, status: own.about, isBusiness: false, email: null, description: null, website: null };
      }
      const jid = await sender.recipient(id, b.number);
      const info = await account.contactInfo(id, jid).catch((err) => {
        if (err instanceof AppError && err.code === 'not_found') throw notOnWhatsApp(b.number!, jid);
        throw err;
      });
      return { wuid: jid, name: info.name ?? info.notify ?? null, numberExists: true, picture: info.picture, status: info.about, isBusiness: info.isBusiness, email: null, description: null, website: null };
    },
  });

  route({
    method: 'POST',
    path: 'chat/fetchProfilePictureUrl',
    summary: "A person's or group's picture URL (null when hidden or none)",
    requirement: read,
    status: 200,
    fields: Number_,
    run: async (c) => {
      const id = instanceOf(c, instances).id;
      const b = await evolutionParams(c, Number_.required({ number: true }));
      const jid = chatIdOrThrow('number', b.number);
      return { wuid: jid, profilePictureUrl: await contacts.picture(id, jid) };
    },
  });

  route({
    method: 'POST',
    path: 'chat/whatsappNumbers',
    summary: 'Which numbers are on WhatsApp (groups: whether this account is in them)',
    requirement: read,
    status: 200,
    fields: Numbers,
    run: async (c) => {
      const id = instanceOf(c, instances).id;
      const b = await evolutionParams(c, Numbers);
      const out = [];
      for (const number of b.numbers) {
        const jid = toChatId(number);
        if (jid && isGroupJid(jid)) {
          const group = await groups.get(id, jid).catch(() => null);
          out.push({ jid, exists: group !== null, number, ...(group ? { name: group.name } : {}) });
        } else if (jid && jidToPhone(jid)) {
          const check = await contacts.check(id, jid);
          out.push({ jid: check.jid ?? jid, exists: check.exists, number });
        } else {
          out.push({ jid: jid ?? number, exists: false, number });
        }
      }
      return out;
    },
  });

  route({
    method: 'POST',
    path: 'chat/sendPresence',
    summary: 'Show typing, recording, paused (in a chat) or online/offline (everywhere) for `delay` ms',
    requirement: send,
    status: 201,
    fields: Presence,
    run: async (c) => {
      const id = instanceOf(c, instances).id;
      const b = await evolutionParams(c, Presence);
      const chatId = chatIdOrThrow('number', b.number);
      if (b.presence === 'available' || b.presence === 'unavailable') await account.setPresence(id, b.presence);
      else await chats.sendPresence(id, chatId, b.presence);
      await pause(b.delay, c.get('work')?.signal);
      if (b.presence === 'composing' || b.presence === 'recording') await chats.sendPresence(id, chatId, 'paused').catch(() => undefined);
      return { presence: b.presence };
    },
  });
}
