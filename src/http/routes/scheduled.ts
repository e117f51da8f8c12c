import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app.js';
import { AppError, badRequest, notFound } from '../../errors.js';
import { checkJobMessage, JOB_MESSAGE_TYPES } from '../../jobs/job-content.js';
import * as repo from '../../storage/scheduled-repo.js';
import type { ScheduledMessageRow } from '../../storage/schema.js';
import { createRouter, errors, InstanceIdParam, jsonBody, jsonResponse, SuccessSchema, pageOf, pageQuery } from '../openapi.js';
import { chatIdOrThrow } from './message-sends.js';

const tag = ['Scheduled'];
const base = '/api/instance/{instanceId}/scheduled';
const STATUSES = ['pending', 'queued', 'sending', 'sent', 'failed', 'cancelled'] as const;

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

// ISO 8601 with a date and a time; a missing offset means UTC (stated so clients are not surprised).
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

const CreateScheduledSchema = z
  .object({
    recipient: z.string().min(1).openapi({ example: '+905321234567' }),
    recipientName: z.string().max(256).optional(),
    messageType: z.enum(JOB_MESSAGE_TYPES as [string, ...string[]]).default('text'),
    body: z.string().max(65536).optional(),
    mediaUrl: z.string().min(1).optional(),
    filename: z.string().min(1).max(255).optional(),
    scheduledAt: z.string().openapi({ example: '2026-12-01T09:00:00+03:00', description: 'ISO 8601, in the future; no offset means UTC' }),
  })
  .openapi('CreateScheduled');

function view(row: ScheduledMessageRow) {
  return {
    id: row.id,
    recipient: row.recipient,
    chatId: row.chat_id,
    recipientName: row.recipient_name,
    messageType: row.message_type,
    body: row.body,
    mediaUrl: row.media_url,
    filename: row.filename,
    scheduledAt: new Date(row.scheduled_at).toISOString(),
    status: row.status as (typeof STATUSES)[number],
    messageId: row.message_id,
    error: row.error,
    createdAt: new Date(row.created_at).toISOString(),
    sentAt: row.sent_at === null ? null : new Date(row.sent_at).toISOString(),
  };
}

export function scheduledRoutes(deps: AppDeps) {
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
      const { instanceId } = c.req.valid('param');
      const b = c.req.valid('json');
      deps.manager.get(instanceId);
      const chatId = chatIdOrThrow('recipient', b.recipient);
      const raw = b.scheduledAt.trim();
      const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/.test(raw);
      const at = ISO.test(raw) ? Date.parse(hasOffset ? raw : `${raw}Z`) : NaN;
      if (Number.isNaN(at)) throw badRequest(`scheduledAt: "${b.scheduledAt}" is not an ISO 8601 date and time like 2026-12-01T09:00:00+03:00`);
      if (at <= Date.now()) throw badRequest(`scheduledAt: ${new Date(at).toISOString()} is not in the future`);
      const message = { messageType: b.messageType, body: b.body ?? null, mediaUrl: b.mediaUrl ?? null, filename: b.filename ?? null };
      checkJobMessage(message);
      if (message.mediaUrl && !/^(https?:\/\/|data:|\/media\/)/i.test(message.mediaUrl)) {
        throw badRequest('mediaUrl: expected an http(s) URL, a base64 data URI, or a URL from media/upload');
      }
      const id = await repo.insertScheduled(deps.db, {
        instance_id: instanceId,
        recipient: b.recipient,
        chat_id: chatId,
        recipient_name: b.recipientName ?? null,
        message_type: message.messageType,
        body: message.body,
        media_url: message.mediaUrl,
        filename: message.filename,
        scheduled_at: at,
      });
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
      const { instanceId } = c.req.valid('param');
      const q = c.req.valid('query');
      deps.manager.get(instanceId);
      const { rows, total } = await repo.listScheduled(deps.db, instanceId, q.status, q.limit, (q.page - 1) * q.limit);
      return c.json({ items: rows.map(view), page: q.page, limit: q.limit, total }, 200);
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
      deps.manager.get(instanceId);
      const row = await repo.findScheduled(deps.db, instanceId, id);
      if (!row) throw notFound(`scheduled message ${id} not found`);
      if (!(await repo.cancelScheduled(deps.db, instanceId, id))) {
        throw new AppError('conflict', `scheduled message ${id} is ${row.status}; only pending messages can be cancelled`);
      }
      return c.json({ success: true as const }, 200);
    },
  );

  return r;
}
