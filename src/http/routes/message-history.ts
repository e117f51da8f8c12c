import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app.js';
import { rowToMessage } from '../../messaging/message-view.js';
import { clearMessages, countByStatus, listMessages } from '../../storage/messages-repo.js';
import { createRouter, errors, InstanceIdParam, jsonResponse, SuccessSchema, pageOf, pageQuery } from '../openapi.js';
import { chatIdOrThrow } from './message-sends.js';

const tag = ['Messages'];
const base = '/api/instance/{instanceId}/messages';

export const MessageSchema = z
  .object({
    id: z.string(),
    chatId: z.string(),
    from: z.string(),
    to: z.string(),
    fromMe: z.boolean(),
    type: z.string().openapi({ example: 'chat', description: 'chat, image, video, audio, ptt, document, sticker, location, vcard, poll_creation, revoked' }),
    body: z.string(),
    caption: z.string().optional(),
    status: z.string().openapi({ description: 'pending, sent, delivered, read, played, failed; received for incoming messages' }),
    timestamp: z.number().openapi({ description: 'Unix seconds' }),
    senderName: z.string().optional(),
    error: z.string().optional(),
    media: z.object({ url: z.string(), mimetype: z.string(), filename: z.string().nullable(), size: z.number().nullable() }).optional(),
    location: z.object({ lat: z.number(), lng: z.number(), name: z.string().optional(), address: z.string().optional() }).optional(),
    poll: z.object({ name: z.string(), values: z.array(z.string()), selectableCount: z.number() }).optional(),
    vcard: z.string().optional(),
  })
  .openapi('Message');

export const HISTORY_STATUSES = ['sent', 'received', 'pending', 'failed', 'delivered', 'read', 'played'] as const;

export function messageHistoryRoutes(deps: AppDeps) {
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
        }),
      },
      responses: {
        200: jsonResponse(
          pageOf(MessageSchema),
          'A page of messages',
        ),
        400: errors[400],
        404: errors[404],
      },
    }),
    async (c) => {
      const { instanceId } = c.req.valid('param');
      const q = c.req.valid('query');
      deps.manager.get(instanceId);
      const chatId = q.chatId !== undefined ? chatIdOrThrow('chatId', q.chatId) : undefined;
      const { rows, total } = await listMessages(
        deps.db,
        instanceId,
        { ...(q.status ? { status: q.status } : {}), ...(chatId ? { chatId } : {}) },
        q.limit,
        (q.page - 1) * q.limit,
      );
      return c.json({ items: rows.map((row) => rowToMessage(row, deps.config.publicUrl)), page: q.page, limit: q.limit, total }, 200);
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
    async (c) => {
      const { instanceId } = c.req.valid('param');
      deps.manager.get(instanceId);
      const n = await countByStatus(deps.db, instanceId);
      const get = (s: string) => n[s] ?? 0;
      const read = get('read') + get('played');
      const delivered = get('delivered') + read;
      const sent = get('sent') + delivered;
      const total = Object.values(n).reduce((a, b) => a + b, 0);
      return c.json({ total, sent, received: get('received'), pending: get('pending'), delivered, failed: get('failed'), read }, 200);
    },
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
        const { instanceId } = c.req.valid('param');
        deps.manager.get(instanceId);
        await clearMessages(deps.db, instanceId);
        return c.json({ success: true as const }, 200);
      },
    );
  }

  return r;
}
