import { createRoute, z } from '@hono/zod-openapi';
import { chatIdOrThrow } from '../../ids.js';
import type { Services } from '../deps.js';
import { requireOpenInstance } from '../middleware/instance.js';
import { createRouter, errors, InstanceIdParam, jsonBody, jsonResponse, SuccessSchema } from '../openapi.js';

const tags = ['Chats'];
const base = '/api/instance/{instanceId}/chats';
const ChatIdField = z.string().min(1).openapi({ example: '905321234567@s.whatsapp.net', description: 'A chat id, or a phone number with country code' });
const responses = { 200: jsonResponse(SuccessSchema, 'Done'), 400: errors[400], 404: errors[404], 409: errors[409], 501: errors[501], 502: errors[502] };

/** One POST .../chats/{name} with a JSON body, behind the 409 for an instance that is not connected. */
function chatRoute<S extends z.ZodObject>(name: string, summary: string, body: S, description?: string) {
  return createRoute({
    method: 'post',
    path: `${base}/${name}`,
    tags,
    summary,
    ...(description ? { description } : {}),
    middleware: [requireOpenInstance],
    request: { params: InstanceIdParam, body: jsonBody(body) },
    responses,
  });
}

/** A time as Unix seconds: a number, or an ISO 8601 date with a time. */
const Until = z
  .union([
    z.number().int().positive(),
    z.iso.datetime({ offset: true, error: 'expected Unix seconds or an ISO 8601 date with a time' }).transform((v) => Math.floor(Date.parse(v) / 1000)),
  ])
  .openapi({ example: 1767225600, description: 'When the mute ends: Unix seconds, or ISO 8601 (2026-12-31T09:00:00+03:00); left out: for good' });

/** The chat states WhatsApp shows, as the API names them (`typing` is WhatsApp's `composing`). */
const PRESENCE = { typing: 'composing', composing: 'composing', recording: 'recording', paused: 'paused' } as const;

export function chatSettingRoutes({ chats }: Pick<Services, 'chats'>) {
  const r = createRouter();

  for (const [name, pinned] of [['pin', true], ['unpin', false]] as const) {
    // POST /api/instance/:instanceId/chats/pin and .../chats/unpin
    r.openapi(chatRoute(name, pinned ? 'Pin a chat (WhatsApp pins at most 3: 409 beyond)' : 'Unpin a chat', z.object({ chatId: ChatIdField })), async (c) => {
      await chats.setPinned(c.get('instance').id, chatIdOrThrow('chatId', c.req.valid('json').chatId), pinned);
      return c.json({ success: true as const }, 200);
    });
  }

  // POST /api/instance/:instanceId/chats/mute
  r.openapi(
    chatRoute('mute', 'Mute a chat until a time, or for good', z.object({ chatId: ChatIdField, until: Until.optional() })),
    async (c) => {
      const b = c.req.valid('json');
      await chats.setMuted(c.get('instance').id, chatIdOrThrow('chatId', b.chatId), true, b.until ?? null);
      return c.json({ success: true as const }, 200);
    },
  );

  // POST /api/instance/:instanceId/chats/unmute
  r.openapi(chatRoute('unmute', 'Unmute a chat', z.object({ chatId: ChatIdField })), async (c) => {
    await chats.setMuted(c.get('instance').id, chatIdOrThrow('chatId', c.req.valid('json').chatId), false);
    return c.json({ success: true as const }, 200);
  });

  // POST /api/instance/:instanceId/chats/unread
  r.openapi(
    chatRoute('unread', 'Mark a chat unread (until it is read)', z.object({ chatId: ChatIdField })),
    async (c) => {
      await chats.markUnread(c.get('instance').id, chatIdOrThrow('chatId', c.req.valid('json').chatId));
      return c.json({ success: true as const }, 200);
    },
  );

  // POST /api/instance/:instanceId/chats/presence
  r.openapi(
    chatRoute(
      'presence',
      'Show typing, recording a voice note, or stopped (paused) in a chat',
      z.object({
        chatId: ChatIdField,
        state: z.enum(['typing', 'composing', 'recording', 'paused']).openapi({ description: 'typing (or composing), recording, paused' }),
      }),
      'WhatsApp shows typing or recording for about 25 seconds, or until a message is sent or paused is shown.',
    ),
    async (c) => {
      const b = c.req.valid('json');
      await chats.sendPresence(c.get('instance').id, chatIdOrThrow('chatId', b.chatId), PRESENCE[b.state]);
      return c.json({ success: true as const }, 200);
    },
  );

  return r;
}
