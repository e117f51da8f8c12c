import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../http/context.js';
import type { Services } from '../../http/deps.js';
import { notFound } from '../../errors.js';
import { validParams } from '../kit.js';
import { deviceOf } from './device.js';
import { ok } from './envelope.js';
import { chatOf, duration, flag, goTime, required } from './params.js';
import { read, send, type gowaRoutes } from './route.js';

const OnChat = z.object({ phone: required('905321234567@s.whatsapp.net').openapi({ description: 'The chat the message is in' }) });
const Reaction = OnChat.extend({ emoji: z.string().optional().openapi({ example: '👍', description: 'Empty or left out: the reaction is removed' }) });
const Update = OnChat.extend({ message: required('Düzenlenmiş mesaj içeriği.') });
const Forward = z.object({ phone: required('905321234567@s.whatsapp.net').openapi({ description: 'Where the copy goes' }), duration, force_reupload: flag.optional() });

/** GoWA's media types: a voice note is audio. */
const MEDIA_TYPE: Record<string, string> = { ptt: 'audio' };

export interface MessageRouteDeps {
  services: Pick<Services, 'instances' | 'messageActions' | 'messages' | 'files'>;
  now: () => number;
}

/** /message/{message_id}/*: acting on a stored message; `phone` is the chat it is in (for forward: where it goes). */
export function messageRoutes(route: ReturnType<typeof gowaRoutes>, { services: { instances, messageActions: actions, messages, files }, now }: MessageRouteDeps) {
  const timestamp = () => goTime(Math.floor(now() / 1000));
  /** The device, the chat and the message a request names. */
  const target = async <S extends typeof OnChat>(c: Context<AppEnv>, schema: S) => {
    const b = await validParams(c, schema);
    return { b, id: deviceOf(c, instances).id, chatId: chatOf('phone', b.phone), messageId: c.req.param('message_id')! };
  };
  /** `{ message_id, status }` with the status as the message too. */
  const done = (c: Context<AppEnv>, messageId: string, status: string) => ok(c, status, { message_id: messageId, status });

  route({
    method: 'POST',
    path: '/message/:message_id/revoke',
    summary: 'Delete a message for everyone',
    requirement: send,
    fields: OnChat,
    run: async (c) => {
      const { id, chatId, messageId } = await target(c, OnChat);
      await actions.deleteForEveryone(id, chatId, messageId);
      return done(c, messageId, `Revoke success ${chatId} (server timestamp: ${timestamp()})`);
    },
  });

  route({
    method: 'POST',
    path: '/message/:message_id/delete',
    summary: 'Delete a message for this account only',
    requirement: send,
    fields: OnChat,
    run: async (c) => {
      const { id, chatId, messageId } = await target(c, OnChat);
      await actions.deleteForMe(id, chatId, messageId);
      return ok(c, 'Message deleted successfully');
    },
  });

  route({
    method: 'POST',
    path: '/message/:message_id/reaction',
    summary: 'React to a message (an empty emoji removes the reaction)',
    requirement: send,
    fields: Reaction,
    run: async (c) => {
      const { b, id, chatId, messageId } = await target(c, Reaction);
      await actions.react(id, chatId, messageId, b.emoji ?? '');
      return done(c, messageId, `Reaction sent to ${chatId} (server timestamp: ${timestamp()})`);
    },
  });

  route({
    method: 'POST',
    path: '/message/:message_id/update',
    summary: 'Change the text of a message this account sent',
    requirement: send,
    fields: Update,
    run: async (c) => {
      const { b, id, chatId, messageId } = await target(c, Update);
      await actions.edit(id, chatId, messageId, b.message);
      return done(c, messageId, `Update message success ${chatId} (server timestamp: ${timestamp()})`);
    },
  });

  route({
    method: 'POST',
    path: '/message/:message_id/read',
    summary: 'Send the read receipt of an incoming message',
    requirement: send,
    fields: OnChat,
    run: async (c) => {
      const { id, chatId, messageId } = await target(c, OnChat);
      await actions.markRead(id, chatId, messageId);
      return done(c, messageId, `Mark as read success ${messageId}`);
    },
  });

  for (const [name, starred, words] of [
    ['star', true, 'Starred message successfully'],
    ['unstar', false, 'Unstarred message successfully'],
  ] as const) {
    route({
      method: 'POST',
      path: `/message/:message_id/${name}`,
      summary: starred ? 'Star a message' : 'Unstar a message',
      requirement: send,
      fields: OnChat,
      run: async (c) => {
        const { id, chatId, messageId } = await target(c, OnChat);
        await actions.star(id, chatId, messageId, starred);
        return ok(c, words);
      },
    });
  }

  route({
    method: 'POST',
    path: '/message/:message_id/forward',
    summary: 'Forward a stored message to another chat (phone)',
    requirement: send,
    fields: Forward,
    run: async (c) => {
      const b = await validParams(c, Forward);
      const to = chatOf('phone', b.phone);
      const sent = await actions.forward(deviceOf(c, instances).id, c.req.param('message_id')!, to);
      return done(c, sent.id, `Message forwarded to ${to} (server timestamp: ${goTime(sent.timestamp)})`);
    },
  });

  route({
    method: 'GET',
    path: '/message/:message_id/download',
    summary: "A stored message's media (received or sent): where Hatline keeps it and its public URL",
    requirement: read,
    fields: OnChat,
    run: async (c) => {
      const { id, chatId, messageId } = await target(c, OnChat);
      const message = await messages.inChat(id, chatId, messageId, 'message_id');
      if (!message.media) throw notFound(`message ${messageId} does not contain downloadable media`);
      // Hatline keeps every message's media from when it arrived or was sent: nothing is fetched
      // now. The path is the file's place below PUBLIC_URL, `media/{instance}/{file}` (the URL's
      // last two parts; on disk the file is in MEDIA_DIR/{instance}/).
      const file = await files.describe(c.get('principal'), `message:${messageId}`, id);
      const filePath = ['media', ...file.url.split('/').slice(-2).map(decodeURIComponent)].join('/');
      const status = `Media downloaded successfully to ${filePath}`;
      return ok(c, status, {
        message_id: messageId,
        status,
        media_type: MEDIA_TYPE[message.type] ?? message.type,
        filename: file.filename,
        file_path: filePath,
        file_url: file.url,
        file_size: file.size,
      });
    },
  });
}
