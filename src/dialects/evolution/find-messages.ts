import { z } from '@hono/zod-openapi';
import { AppError } from '../../errors.js';
import type { Services } from '../../http/deps.js';
import { chatIdOrThrow } from '../../ids.js';
import { evolutionMessage } from '../../services/evolution/message-shape.js';
import type { MessageView } from '../../services/messages/message-view.js';
import { evolutionParams } from './envelope.js';
import { Paging, pageOf, secondsOf } from './paging.js';
import { instanceOf, read, type evolutionRoutes } from './route.js';

const time = z.union([z.number(), z.string()]);
const flag = z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true');

const FindMessages = Paging.extend({
  where: z
    .object({
      id: z.string().optional(),
      messageType: z.string().optional(),
      key: z.object({ id: z.string().optional(), fromMe: flag.optional(), remoteJid: z.string().optional() }).strict().optional(),
      messageTimestamp: z.object({ gte: time.optional(), lte: time.optional() }).optional(),
    })
    .strict()
    .optional(),
});

/** Evolution's messageType, as the kinds Hatline stores. */
const KINDS: Record<string, string[]> = {
  conversation: ['chat'],
  extendedTextMessage: ['chat'],
  imageMessage: ['image'],
  videoMessage: ['video'],
  audioMessage: ['audio', 'ptt'],
  documentMessage: ['document'],
  stickerMessage: ['sticker'],
  locationMessage: ['location'],
  contactMessage: ['vcard'],
  pollCreationMessageV3: ['poll_creation'],
  pollCreationMessage: ['poll_creation'],
  protocolMessage: ['revoked'],
};

/** A record of findMessages: M with its id and its status history (`MessageUpdate`). */
function record(m: MessageView, instanceId: string) {
  const { status, ...rest } = evolutionMessage(m, instanceId);
  return { id: m.id, ...rest, status, MessageUpdate: [{ status }] };
}

export function findMessagesRoutes(route: ReturnType<typeof evolutionRoutes>, { instances, messages }: Services) {
  route({
    method: 'POST',
    path: 'chat/findMessages',
    summary: 'Messages, newest first (where: key.remoteJid, key.fromMe, key.id, id, messageType, messageTimestamp; paging: page with offset or limit)',
    requirement: read,
    status: 200,
    fields: FindMessages,
    run: async (c) => {
      const id = instanceOf(c, instances).id;
      const b = await evolutionParams(c, FindMessages);
      const w = b.where ?? {};
      const { page, size } = pageOf(b, 50, 500);
      const perPage = size ?? 50;
      const one = w.key?.id ?? w.id;
      let items: MessageView[];
      let total: number;
      if (one !== undefined) {
        const found = await messages.get(id, one).catch((err) => {
          if (err instanceof AppError && err.code === 'not_found') return null;
          throw err;
        });
        const chat = w.key?.remoteJid !== undefined ? chatIdOrThrow('where.key.remoteJid', w.key.remoteJid) : undefined;
        const fits = found && (chat === undefined || found.chatId === chat) && (w.key?.fromMe === undefined || found.fromMe === w.key.fromMe);
        items = fits && page === 1 ? [found] : [];
        total = fits ? 1 : 0;
      } else {
        let types: string[] | undefined;
        if (w.messageType !== undefined) {
          types = KINDS[w.messageType];
          if (!types) throw new AppError('bad_request', `where.messageType: "${w.messageType}" is not a message type Hatline stores (${Object.keys(KINDS).join(', ')})`);
        }
        const since = secondsOf('where.messageTimestamp.gte', w.messageTimestamp?.gte);
        const until = secondsOf('where.messageTimestamp.lte', w.messageTimestamp?.lte);
        const filter = {
          ...(w.key?.remoteJid !== undefined ? { chatId: chatIdOrThrow('where.key.remoteJid', w.key.remoteJid) } : {}),
          ...(w.key?.fromMe !== undefined ? { fromMe: w.key.fromMe } : {}),
          ...(types ? { types } : {}),
          ...(since !== undefined ? { since } : {}),
          ...(until !== undefined ? { until } : {}),
        };
        ({ items, total } = await messages.history(id, filter, page, perPage));
      }
      return { messages: { total, pages: Math.ceil(total / perPage), currentPage: page, records: items.map((m) => record(m, id)) } };
    },
  });
}
