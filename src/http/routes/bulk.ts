import { createRoute, z } from '@hono/zod-openapi';
import { jobProgressFields } from './job-progress.js';
import { urlTrustOf } from '../../services/access/principal.js';
import { JOB_MESSAGE_TYPES } from '../../services/jobs/job-message.js';
import type { Services } from '../deps.js';
import { createRouter, errors, InstanceIdParam, jsonBody, jsonResponse, SuccessSchema, pageOf, pageQuery } from '../openapi.js';
import { TemplateIdField, VarsSchema, VarsView } from './job-schemas.js';

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
    templateId: z.number().nullable().openapi({ description: 'The template the body was taken from' }),
    ...jobProgressFields,
  })
  .openapi('BulkJob');

const RecipientSchema = z
  .object({
    position: z.number(),
    id: z.string(),
    name: z.string().nullable(),
    chatId: z.string(),
    vars: VarsView,
    status: z.enum(['pending', 'sending', 'sent', 'failed', 'cancelled']),
    messageId: z.string().nullable(),
    error: z.string().nullable(),
  })
  .openapi('BulkRecipient');

const CreateBulkSchema = z
  .object({
    recipients: z
      .array(
        z.object({
          id: z.string().min(1).openapi({ example: '905321234567' }),
          name: z.string().max(256).optional().openapi({ example: 'Ali' }),
          vars: VarsSchema.optional(),
        }),
      )
      .min(1, 'at least one recipient is needed')
      .max(MAX_RECIPIENTS, `at most ${MAX_RECIPIENTS} recipients per job`),
    messageType: z.enum(JOB_MESSAGE_TYPES).default('text'),
    body: z.string().max(65536).optional().openapi({ example: 'Merhaba {name}!', description: "{name}, {phone} and the recipient's vars are filled per recipient" }),
    templateId: TemplateIdField,
    mediaUrl: z.string().min(1).optional().openapi({ description: 'For image and document: an http(s) URL, a data URI, or a media/upload URL' }),
    filename: z.string().min(1).max(255).optional().openapi({ description: 'Document file name (default "document")' }),
    delay: z.number().min(0).max(3600).default(3).openapi({ description: 'Seconds between two recipients (default 3)' }),
  })
  .openapi('CreateBulk');

const JobIdParam = InstanceIdParam.extend({ jobId: z.coerce.number().int().positive().openapi({ param: { name: 'jobId', in: 'path' } }) });

export function bulkRoutes({ bulk }: Pick<Services, 'bulk'>) {
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
      const b = c.req.valid('json');
      const jobId = await bulk.create(c.req.valid('param').instanceId, {
        recipients: b.recipients,
        messageType: b.messageType,
        body: b.body ?? null,
        templateId: b.templateId,
        mediaUrl: b.mediaUrl ?? null,
        filename: b.filename ?? null,
        delay: b.delay,
      }, urlTrustOf(c.get('principal')));
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
      const q = c.req.valid('query');
      const { items, total } = await bulk.list(c.req.valid('param').instanceId, q.page, q.limit);
      return c.json({ items, page: q.page, limit: q.limit, total }, 200);
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
      return c.json(await bulk.get(instanceId, jobId), 200);
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
      await bulk.cancel(instanceId, jobId);
      return c.json({ success: true as const }, 200);
    },
  );

  return r;
}
