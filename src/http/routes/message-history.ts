import { createRoute, z } from '@hono/zod-openapi';
import { chatIdOrThrow } from '../../ids.js';
import type { Services } from '../deps.js';
import { createRouter, cursorQuery, errors, historyAnswer, historyPageOf, InstanceIdParam, jsonResponse, SuccessSchema, pageQuery } from '../openapi.js';
import { MessageSchema } from '../schemas.js';

const tag = ['Messages'];
const base = '/api/instance/{instanceId}/messages';



const HISTORY_STATUSES = ['sent', 'received', 'pending', 'failed', 'delivered', 'read', 'played'] as const;

export function messageHistoryRoutes({ messages }: Pick<Services, 'messages'>) {
  const r = createRouter();

  // GET /api/instance/:instanceId/messages
  r.openapi(
    createRoute({
      method: 'get',
      path: base,
      tags: tag,
      summary: 'Message history, newest first, paginated',
      request: {
        params: InstanceIdParam,
        query: z.object({
          ...pageQuery(100, 1000),
          status: z.enum(HISTORY_STATUSES).optional().openapi({ description: 'Only messages with exactly this status (received = incoming)' }),
          chatId: z.string().optional().openapi({ description: 'Only this chat (a phone number or chat id)' }),
          ...cursorQuery,
        }),
      },
      responses: {
        200: jsonResponse(historyPageOf(MessageSchema), 'A page of messages'),
        400: errors[400],
        404: errors[404],
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const chatId = q.chatId !== undefined ? chatIdOrThrow('chatId', q.chatId) : undefined;
      const filter = { ...(q.status ? { status: q.status } : {}), ...(chatId ? { chatId } : {}) };
      return c.json(await historyAnswer(messages, c.req.valid('param').instanceId, filter, q), 200);
    },
  );

  // GET /api/instance/:instanceId/messages/statistics
  r.openapi(
    createRoute({
      method: 'get',
      path: `${base}/statistics`,
      tags: tag,
      summary: 'Message counts',
      description:
        'total = received + sent + pending + failed. sent counts outgoing messages WhatsApp accepted (whatever came after); delivered and read count those that got at least that far.',
      request: { params: InstanceIdParam },
      responses: {
        200: jsonResponse(
          z.object({ total: z.number(), sent: z.number(), received: z.number(), pending: z.number(), delivered: z.number(), failed: z.number(), read: z.number() }),
          'Counts',
        ),
        404: errors[404],
      },
    }),
    async (c) => c.json(await messages.statistics(c.req.valid('param').instanceId), 200),
  );

  for (const method of ['post', 'delete'] as const) {
    // POST|DELETE /api/instance/:instanceId/messages/clear
    r.openapi(
      createRoute({
        method,
        path: `${base}/clear`,
        tags: tag,
        summary: 'Delete the whole message history from the database',
        request: { params: InstanceIdParam },
        responses: { 200: jsonResponse(SuccessSchema, 'Cleared'), 404: errors[404] },
      }),
      async (c) => {
        await messages.clear(c.req.valid('param').instanceId);
        return c.json({ success: true as const }, 200);
      },
    );
  }

  return r;
}
