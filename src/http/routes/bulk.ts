import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app.js';
import { AppError, notFound } from '../../errors.js';
import { checkJobMessage, JOB_MESSAGE_TYPES, loadJobMedia } from '../../jobs/job-content.js';
import * as repo from '../../storage/bulk-repo.js';
import type { BulkJobRow, BulkRecipientRow } from '../../storage/schema.js';
import { createRouter, errors, InstanceIdParam, jsonBody, jsonResponse, SuccessSchema, pageOf, pageQuery } from '../openapi.js';
import { chatIdOrThrow } from './message-sends.js';

const tag = ['Bulk'];
const base = '/api/instance/{instanceId}/bulk';
const MAX_RECIPIENTS = 10_000;

const JobSchema = z
  .object({
    id: z.number(),
    status: z.enum(['queued', 'running', 'completed', 'cancelled']),
    messageType: z.string(),
    body: z.string().nullable(),
    mediaUrl: z.string().nullable(),
    filename: z.string().nullable(),
    delay: z.number().openapi({ description: 'Seconds between recipients' }),
    total: z.number(),
    sent: z.number(),
    failed: z.number(),
    pending: z.number().openapi({ description: 'Not sent yet (includes one being sent)' }),
    cancelled: z.number(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .openapi('BulkJob');

const RecipientSchema = z
  .object({
    position: z.number(),
    id: z.string(),
    name: z.string().nullable(),
    chatId: z.string(),
    status: z.enum(['pending', 'sending', 'sent', 'failed', 'cancelled']),
    messageId: z.string().nullable(),
    error: z.string().nullable(),
  })
  .openapi('BulkRecipient');

const CreateBulkSchema = z
  .object({
    recipients: z
      .array(z.object({ id: z.string().min(1).openapi({ example: '905321234567' }), name: z.string().max(256).optional().openapi({ example: 'Ali' }) }))
      .min(1, 'at least one recipient is needed')
      .max(MAX_RECIPIENTS, `at most ${MAX_RECIPIENTS} recipients per job`),
    messageType: z.enum(JOB_MESSAGE_TYPES as [string, ...string[]]).default('text'),
    body: z.string().max(65536).optional().openapi({ example: 'Merhaba {name}!', description: '{name} and {phone} are filled per recipient' }),
    mediaUrl: z.string().min(1).optional().openapi({ description: 'For image and document: an http(s) URL, a data URI, or a media/upload URL' }),
    filename: z.string().min(1).max(255).optional().openapi({ description: 'Document file name (default "document")' }),
    delay: z.number().min(0).max(3600).default(3).openapi({ description: 'Seconds between two recipients (default 3)' }),
  })
  .openapi('CreateBulk');

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function jobView(job: BulkJobRow, counts: Record<string, number> = {}) {
  const n = (s: string) => counts[s] ?? 0;
  return {
    id: job.id,
    status: job.status as 'queued' | 'running' | 'completed' | 'cancelled',
    messageType: job.message_type,
    body: job.body,
    mediaUrl: job.media_url,
    filename: job.filename,
    delay: job.delay,
    total: job.total,
    sent: n('sent'),
    failed: n('failed'),
    pending: n('pending') + n('sending'),
    cancelled: n('cancelled'),
    createdAt: new Date(job.created_at).toISOString(),
    startedAt: iso(job.started_at),
    finishedAt: iso(job.finished_at),
  };
}

function recipientView(r: BulkRecipientRow) {
  return {
    position: r.position,
    id: r.recipient,
    name: r.name,
    chatId: r.chat_id,
    status: r.status as 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled',
    messageId: r.message_id,
    error: r.error,
  };
}

const JobIdParam = InstanceIdParam.extend({ jobId: z.coerce.number().int().positive().openapi({ param: { name: 'jobId', in: 'path' } }) });

export function bulkRoutes(deps: AppDeps) {
  const r = createRouter();

  // POST /api/instance/:instanceId/bulk
  r.openapi(
    createRoute({
      method: 'post',
      path: base,
      tags: tag,
      summary: 'Start a bulk job: the same message to many recipients, `delay` seconds apart, in the background',
      request: { params: InstanceIdParam, body: jsonBody(CreateBulkSchema) },
      responses: {
        200: jsonResponse(z.object({ success: z.literal(true), jobId: z.number() }), 'Started'),
        400: errors[400],
        404: errors[404],
      },
    }),
    async (c) => {
      const { instanceId } = c.req.valid('param');
      const b = c.req.valid('json');
      deps.manager.get(instanceId);
      const message = { messageType: b.messageType, body: b.body ?? null, mediaUrl: b.mediaUrl ?? null, filename: b.filename ?? null };
      checkJobMessage(message);
      const recipients = b.recipients.map((rec, i) => ({ recipient: rec.id, chat_id: chatIdOrThrow(`recipients.${i}.id`, rec.id), name: rec.name ?? null }));
      // Fail fast on media that cannot be loaded, rather than failing every recipient later.
      if (message.mediaUrl && message.messageType !== 'text') await loadJobMedia(deps.mediaSources, message.mediaUrl);
      const jobId = await repo.insertJob(
        deps.db,
        { instance_id: instanceId, message_type: message.messageType, body: message.body, media_url: message.mediaUrl, filename: message.filename, delay: b.delay },
        recipients,
      );
      deps.bulk.start(jobId);
      return c.json({ success: true as const, jobId }, 200);
    },
  );

  // GET /api/instance/:instanceId/bulk
  r.openapi(
    createRoute({
      method: 'get',
      path: base,
      tags: tag,
      summary: 'Bulk jobs, newest first',
      request: {
        params: InstanceIdParam,
        query: z.object(pageQuery(20, 200)),
      },
      responses: {
        200: jsonResponse(pageOf(JobSchema), 'Jobs'),
        400: errors[400],
        404: errors[404],
      },
    }),
    async (c) => {
      const { instanceId } = c.req.valid('param');
      const q = c.req.valid('query');
      deps.manager.get(instanceId);
      const { rows, total } = await repo.listJobs(deps.db, instanceId, q.limit, (q.page - 1) * q.limit);
      const counts = await repo.countsByJob(deps.db, rows.map((j) => j.id));
      return c.json({ items: rows.map((j) => jobView(j, counts.get(j.id))), page: q.page, limit: q.limit, total }, 200);
    },
  );

  // GET /api/instance/:instanceId/bulk/:jobId
  r.openapi(
    createRoute({
      method: 'get',
      path: `${base}/{jobId}`,
      tags: tag,
      summary: "A job's status, counts and each recipient's status, message id and error",
      request: { params: JobIdParam },
      responses: {
        200: jsonResponse(JobSchema.extend({ recipients: z.array(RecipientSchema) }), 'The job'),
        400: errors[400],
        404: errors[404],
      },
    }),
    async (c) => {
      const { instanceId, jobId } = c.req.valid('param');
      deps.manager.get(instanceId);
      const job = await repo.findJob(deps.db, instanceId, jobId);
      if (!job) throw notFound(`bulk job ${jobId} not found`);
      const [counts, recipients] = await Promise.all([repo.countsByJob(deps.db, [jobId]), repo.recipientsOf(deps.db, jobId)]);
      return c.json({ ...jobView(job, counts.get(jobId)), recipients: recipients.map(recipientView) }, 200);
    },
  );

  // POST /api/instance/:instanceId/bulk/:jobId/cancel
  r.openapi(
    createRoute({
      method: 'post',
      path: `${base}/{jobId}/cancel`,
      tags: tag,
      summary: 'Cancel a job: recipients not sent yet are not sent (409 when it has finished)',
      request: { params: JobIdParam },
      responses: { 200: jsonResponse(SuccessSchema, 'Cancelled'), 400: errors[400], 404: errors[404], 409: errors[409] },
    }),
    async (c) => {
      const { instanceId, jobId } = c.req.valid('param');
      deps.manager.get(instanceId);
      const job = await repo.findJob(deps.db, instanceId, jobId);
      if (!job) throw notFound(`bulk job ${jobId} not found`);
      if (!(await deps.bulk.cancel(jobId))) throw new AppError('conflict', `bulk job ${jobId} has already finished (${job.status})`);
      return c.json({ success: true as const }, 200);
    },
  );

  return r;
}
