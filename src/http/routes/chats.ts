import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app.js';
import { createRouter, errors, InstanceIdParam, jsonBody, jsonResponse, SuccessSchema } from '../openapi.js';
import { chatIdOrThrow } from './message-sends.js';

const tag = ['Chats'];
const base = '/api/instance/{instanceId}/chats';
const ChatIdBody = z.object({ chatId: z.string().min(1).openapi({ example: '905321234567@s.whatsapp.net' }) });

export function chatRoutes(deps: AppDeps) {
  const r = createRouter();

  // POST /api/instance/:instanceId/chats/read
  r.openapi(
    createRoute({
      method: 'post',
      path: `${base}/read`,
      tags: tag,
      summary: "Mark a chat read: its incoming messages are read (the senders see blue ticks)",
      request: { params: InstanceIdParam, body: jsonBody(ChatIdBody) },
      responses: { 200: jsonResponse(SuccessSchema, 'Marked read'), 400: errors[400], 404: errors[404], 409: errors[409] },
    }),
    async (c) => {
      const { instanceId } = c.req.valid('param');
      const chatId = chatIdOrThrow('chatId', c.req.valid('json').chatId);
      await deps.messages.markChatRead(instanceId, chatId);
      return c.json({ success: true as const }, 200);
    },
  );

  return r;
}
