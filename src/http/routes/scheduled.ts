import { createRoute, z } from '@hono/zod-openapi';
import { urlTrustOf } from '../../services/access/principal.js';
import type { Services } from '../deps.js';
import { createRouter, errors, InstanceIdParam, jsonBody, jsonResponse, SuccessSchema, pageOf, pageQuery } from '../openapi.js';
import { CreateScheduledSchema, SCHEDULED_STATUSES as STATUSES } from '../schemas.js';

const tag = ['Scheduled'];
const base = '/api/instance/{instanceId}/scheduled';

const ScheduledSchema = z
  .object({
    id: z.number(),
    recipient: z.string(),
    chatId: z.string(),
    recipientName: z.string().nullable(),
    messageType: z.string(),
    body: z.string().nullable(),
    mediaUrl: z.string().nullable(),
    filename: z.string().nullable(),
    scheduledAt: z.string(),
    status: z.enum(STATUSES),
    messageId: z.string().nullable(),
    error: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .openapi('ScheduledMessage');

export function scheduledRoutes({ scheduled }: Pick<Services, 'scheduled'>) {
  const r = createRouter();

  // POST /api/instance/:instanceId/scheduled
  r.openapi(
    createRoute({
      method: 'post',
      path: base,
      tags: tag,
      summary: 'Schedule a message; due messages go out at the next 30-second tick',
      request: { params: InstanceIdParam, body: jsonBody(CreateScheduledSchema) },
      responses: {
        200: jsonResponse(z.object({ success: z.literal(true), id: z.number() }), 'Scheduled'),
        400: errors[400],
        404: errors[404],
      },
    }),
    async (c) => {
      const b = c.req.valid('json');
      const id = await scheduled.create(c.req.valid('param').instanceId, {
        recipient: b.recipient,
        recipientName: b.recipientName ?? null,
        messageType: b.messageType,
        body: b.body ?? null,
        mediaUrl: b.mediaUrl ?? null,
        filename: b.filename ?? null,
        scheduledAt: b.scheduledAt,
      }, urlTrustOf(c.get('principal')));
      return c.json({ success: true as const, id }, 200);
    },
  );

  // GET /api/instance/:instanceId/scheduled
  r.openapi(
    createRoute({
      method: 'get',
      path: base,
      tags: tag,
      summary: 'Scheduled messages, soonest first',
      request: {
        params: InstanceIdParam,
        query: z.object({
          ...pageQuery(50, 500),
          status: z.enum(STATUSES).optional(),
        }),
      },
      responses: {
        200: jsonResponse(pageOf(ScheduledSchema), 'Scheduled messages'),
        400: errors[400],
        404: errors[404],
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const { items, total } = await scheduled.list(c.req.valid('param').instanceId, q.status, q.page, q.limit);
      return c.json({ items, page: q.page, limit: q.limit, total }, 200);
    },
  );

  // DELETE /api/instance/:instanceId/scheduled/:id
  r.openapi(
    createRoute({
      method: 'delete',
      path: `${base}/{id}`,
      tags: tag,
      summary: 'Cancel a scheduled message (only while pending; 409 otherwise)',
      request: { params: InstanceIdParam.extend({ id: z.coerce.number().int().positive().openapi({ param: { name: 'id', in: 'path' } }) }) },
      responses: { 200: jsonResponse(SuccessSchema, 'Cancelled'), 400: errors[400], 404: errors[404], 409: errors[409] },
    }),
    async (c) => {
      const { instanceId, id } = c.req.valid('param');
      await scheduled.cancel(instanceId, id);
      return c.json({ success: true as const }, 200);
    },
  );

  return r;
}
