import { createRoute, z } from '@hono/zod-openapi';
import { chatIdOrThrow } from '../../ids.js';
import type { Services } from '../deps.js';
import { createRouter, errors, InstanceIdParam, jsonBody, jsonResponse, SuccessSchema } from '../openapi.js';
import { EmojiField, MessageIdField } from '../schemas.js';

const tags = ['Messages'];
const base = '/api/instance/{instanceId}/messages';

const To = z.string().min(1).openapi({ example: '+905321234567', description: 'The chat the message is in: a phone number, user id or group id' });
const MsgId = MessageIdField;
const OnMessage = z.object({ to: To, msgId: MsgId });

const actionErrors = { 400: errors[400], 404: errors[404], 409: errors[409], 501: errors[501], 502: errors[502] };

/** One POST .../messages/{name} that acts on a stored message. */
function actionRoute<S extends z.ZodObject, R extends z.ZodType>(name: string, summary: string, body: S, answer: R, description?: string) {
  return createRoute({
    method: 'post',
    path: `${base}/${name}`,
    tags,
    summary,
    ...(description ? { description } : {}),
    request: { params: InstanceIdParam, body: jsonBody(body) },
    responses: { 200: jsonResponse(answer, 'Done'), ...actionErrors },
  });
}

export function messageActionRoutes({ messageActions: actions }: Pick<Services, 'messageActions'>) {
  const r = createRouter();

  // POST /api/instance/:instanceId/messages/reaction
  r.openapi(
    actionRoute(
      'reaction',
      'React to a message with an emoji (an empty emoji removes the reaction)',
      OnMessage.extend({ emoji: EmojiField }),
      z.object({ sent: z.literal(true), id: z.string() }),
    ),
    async (c) => {
      const b = c.req.valid('json');
      await actions.react(c.get('instance').id, chatIdOrThrow('to', b.to), b.msgId, b.emoji);
      return c.json({ sent: true as const, id: b.msgId }, 200);
    },
  );

  // POST /api/instance/:instanceId/messages/delete
  r.openapi(
    actionRoute(
      'delete',
      'Delete a message for everyone, or (forEveryone false) for this account only',
      OnMessage.extend({
        forEveryone: z.boolean().default(true).openapi({ description: 'true (default): for everyone, as the seed does; false: from this account only (it leaves the history)' }),
      }),
      z.object({ deleted: z.literal(true) }),
      'For everyone: your own messages (in a group, an admin may delete others\' too), within the time WhatsApp allows; the stored message becomes type `revoked`. For me: any message; it is deleted from the store too.',
    ),
    async (c) => {
      const b = c.req.valid('json');
      const chatId = chatIdOrThrow('to', b.to);
      if (b.forEveryone) await actions.deleteForEveryone(c.get('instance').id, chatId, b.msgId);
      else await actions.deleteForMe(c.get('instance').id, chatId, b.msgId);
      return c.json({ deleted: true as const }, 200);
    },
  );

  // POST /api/instance/:instanceId/messages/edit
  r.openapi(
    actionRoute(
      'edit',
      'Edit the text (or caption) of a message this account sent',
      OnMessage.extend({ body: z.string().min(1).max(65536).openapi({ example: 'Merhaba! (düzeltildi)' }) }),
      SuccessSchema,
      'WhatsApp allows an edit for 15 minutes after sending (409 after). The stored message keeps its first text as `originalBody` and gets `editedAt`.',
    ),
    async (c) => {
      const b = c.req.valid('json');
      await actions.edit(c.get('instance').id, chatIdOrThrow('to', b.to), b.msgId, b.body);
      return c.json({ success: true as const }, 200);
    },
  );

  // POST /api/instance/:instanceId/messages/forward
  r.openapi(
    actionRoute(
      'forward',
      'Forward a stored message to another chat',
      z.object({
        to: z.string().min(1).openapi({ example: '+905321234568', description: 'Where to forward it: a phone number, user id or group id' }),
        msgId: MsgId,
        chatId: z.string().min(1).optional().openapi({ description: 'The chat the message is in (optional; checked when given)' }),
      }),
      z.object({ sent: z.literal(true), id: z.string() }),
      'Sent through the send queue and stored like any send (marked `forwarded`).',
    ),
    async (c) => {
      const b = c.req.valid('json');
      const to = chatIdOrThrow('to', b.to);
      const chatId = b.chatId !== undefined ? chatIdOrThrow('chatId', b.chatId) : undefined;
      const sent = await actions.forward(c.get('instance').id, b.msgId, to, chatId);
      return c.json({ sent: true as const, id: sent.id }, 200);
    },
  );

  for (const [name, starred] of [['star', true], ['unstar', false]] as const) {
    // POST /api/instance/:instanceId/messages/star and .../unstar
    r.openapi(actionRoute(name, starred ? 'Star a message' : 'Unstar a message', OnMessage, SuccessSchema), async (c) => {
      const b = c.req.valid('json');
      await actions.star(c.get('instance').id, chatIdOrThrow('to', b.to), b.msgId, starred);
      return c.json({ success: true as const }, 200);
    });
  }

  // POST /api/instance/:instanceId/messages/read
  r.openapi(
    actionRoute('read', 'Mark one incoming message read (its sender sees blue ticks for it)', OnMessage, SuccessSchema),
    async (c) => {
      const b = c.req.valid('json');
      await actions.markRead(c.get('instance').id, chatIdOrThrow('to', b.to), b.msgId);
      return c.json({ success: true as const }, 200);
    },
  );

  return r;
}
