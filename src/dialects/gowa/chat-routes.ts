import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { badRequest } from '../../errors.js';
import type { AppEnv } from '../../http/context.js';
import type { Services } from '../../http/deps.js';
import type { ChatView } from '../../services/chats/chat-service.js';
import type { MessageView } from '../../services/messages/message-view.js';
import { validParams } from '../kit.js';
import { deviceOf } from './device.js';
import { ok } from './envelope.js';
import { chatOf, flag, required, rfc3339, whole } from './params.js';
import { manage, read, send, type gowaRoutes } from './route.js';

const GO_ZERO_TIME = '0001-01-01T00:00:00Z';
const page = (max: number, fallback: number) => whole.pipe(z.number().min(1, 'must be at least 1').max(max, `must be no greater than ${max}`)).optional().default(fallback);
const offset = whole.pipe(z.number().min(0, 'must be 0 or more')).optional().default(0);

const ListChats = z.object({ limit: page(100, 25), offset, search: z.string().optional(), has_media: flag.optional(), archived: flag.optional() });
const ChatMessages = z.object({
  limit: page(100, 50),
  offset,
  // Filters Hatline's history cannot apply: refused rather than ignored (see the README).
  start_time: z.string().optional(),
  end_time: z.string().optional(),
  media_only: flag.optional(),
  is_from_me: flag.optional(),
  search: z.string().optional(),
});
const Pin = z.object({ pinned: flag });
const Archive = z.object({ archived: flag });
const Unfollow = z.object({ newsletter_id: required('120363024512399999@newsletter').pipe(z.string().regex(/^\d+@newsletter$/, 'must be a channel id (...@newsletter)')) });

/** A chat as GoWA's ChatInfo. Hatline does not keep when a chat was created: Go's zero time, as GoWA prints a missing time. */
function chatInfo(chat: ChatView) {
  const last = chat.lastMessage === null ? GO_ZERO_TIME : rfc3339(chat.lastMessage);
  return { jid: chat.id, name: chat.name, last_message_time: last, ephemeral_expiration: 0, created_at: GO_ZERO_TIME, updated_at: last, archived: chat.archived };
}

/** A message as GoWA's MessageInfo. */
function messageInfo(m: MessageView) {
  const media = m.media;
  return {
    id: m.id,
    chat_jid: m.chatId,
    sender_jid: m.from,
    sender_display_name: m.senderName ?? '',
    content: m.body || m.caption || '',
    timestamp: rfc3339(m.timestamp),
    is_from_me: m.fromMe,
    media_type: media ? m.type : '',
    ...(m.reactions?.length
      ? { reactions: m.reactions.map((r) => ({ emoji: r.emoji, sender_jid: r.from, sender_display_name: '', is_from_me: r.fromMe, timestamp: rfc3339(r.timestamp) })) }
      : {}),
    filename: media?.filename ?? '',
    url: media?.url ?? '',
    file_length: media?.size ?? 0,
    created_at: rfc3339(m.timestamp),
    updated_at: rfc3339(m.editedAt ?? m.timestamp),
  };
}

export interface ChatRouteDeps {
  services: Pick<Services, 'instances' | 'chats' | 'messages' | 'account'>;
}

/** /chats, /chat/{chat_jid}/messages|pin|archive and /newsletter/unfollow. */
export function chatRoutes(route: ReturnType<typeof gowaRoutes>, { services: { instances, chats, messages, account } }: ChatRouteDeps) {
  const chatJid = (c: Context<AppEnv>) => chatOf('chat_jid', c.req.param('chat_jid') ?? '');

  route({
    method: 'GET',
    path: '/chats',
    summary: 'The chats, newest first (search by name, archived or not)',
    requirement: read,
    fields: ListChats,
    run: async (c) => {
      const q = await validParams(c, ListChats);
      if (q.has_media) throw badRequest('has_media: not supported by Hatline (leave it out)');
      const needle = q.search?.trim().toLocaleLowerCase();
      const all = (await chats.list(deviceOf(c, instances).id)).filter(
        (chat) => (q.archived === undefined || chat.archived === q.archived) && (!needle || chat.name.toLocaleLowerCase().includes(needle)),
      );
      return ok(c, 'Success get chat list', { data: all.slice(q.offset, q.offset + q.limit).map(chatInfo), pagination: { limit: q.limit, offset: q.offset, total: all.length } });
    },
  });

  route({
    method: 'GET',
    path: '/chat/:chat_jid/messages',
    summary: "A chat's messages, newest first, by limit and offset",
    requirement: read,
    fields: ChatMessages,
    run: async (c) => {
      const q = await validParams(c, ChatMessages);
      for (const name of ['start_time', 'end_time', 'search'] as const) if (q[name]) throw badRequest(`${name}: not supported by Hatline (leave it out)`);
      if (q.media_only || q.is_from_me !== undefined) throw badRequest(`${q.media_only ? 'media_only' : 'is_from_me'}: not supported by Hatline (leave it out)`);
      const id = deviceOf(c, instances).id;
      const jid = chatJid(c);
      const page = await messages.slice(id, { chatId: jid }, q.offset, q.limit);
      const chat = (await chats.list(id)).find((x) => x.id === jid);
      return ok(c, 'Success get chat messages', {
        data: page.items.map(messageInfo),
        pagination: { limit: q.limit, offset: q.offset, total: page.total },
        chat_info: chat ? chatInfo(chat) : { jid, name: jid.split('@')[0]!, last_message_time: GO_ZERO_TIME, ephemeral_expiration: 0, created_at: GO_ZERO_TIME, updated_at: GO_ZERO_TIME, archived: false },
      });
    },
  });

  route({
    method: 'POST',
    path: '/chat/:chat_jid/pin',
    summary: 'Pin a chat (WhatsApp pins at most 3), or unpin it',
    requirement: send,
    fields: Pin,
    run: async (c) => {
      const b = await validParams(c, Pin);
      const jid = chatJid(c);
      await chats.setPinned(deviceOf(c, instances).id, jid, b.pinned);
      const message = b.pinned ? 'Chat pinned successfully' : 'Chat unpinned successfully';
      return ok(c, message, { status: 'success', message, chat_jid: jid, pinned: b.pinned });
    },
  });

  route({
    method: 'POST',
    path: '/chat/:chat_jid/archive',
    summary: 'Archive a chat, or unarchive it',
    requirement: send,
    fields: Archive,
    run: async (c) => {
      const b = await validParams(c, Archive);
      const jid = chatJid(c);
      await chats.setArchived(deviceOf(c, instances).id, jid, b.archived);
      const message = b.archived ? 'Chat archived successfully' : 'Chat unarchived successfully';
      return ok(c, message, { status: 'success', message, chat_jid: jid, archived: b.archived });
    },
  });

  route({
    method: 'POST',
    path: '/newsletter/unfollow',
    summary: 'Stop following a channel',
    requirement: manage,
    fields: Unfollow,
    run: async (c) => {
      const b = await validParams(c, Unfollow);
      await account.unfollow(deviceOf(c, instances).id, b.newsletter_id);
      return ok(c, 'Success unfollow newsletter');
    },
  });
}
