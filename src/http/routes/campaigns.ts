import { createRoute, z } from '@hono/zod-openapi';
import { jobProgressFields } from './job-progress.js';
import { urlTrustOf } from '../../services/access/principal.js';
import { CAMPAIGN_LIMITS } from '../../services/jobs/campaign-service.js';
import { JOB_MESSAGE_TYPES } from '../../services/jobs/job-message.js';
import type { Services } from '../deps.js';
import { createRouter, errors, jsonBody, jsonResponse, pageQuery } from '../openapi.js';
import { TemplateIdField, VarsSchema, VarsView } from './job-schemas.js';

const tag = ['Campaigns'];
const { recipients: MAX, minDelayMs, maxDelayMs, defaultDelayMs } = CAMPAIGN_LIMITS;
const STATUSES = ['queued', 'running', 'completed', 'cancelled'] as const;

const CampaignSchema = z
  .object({
    id: z.number(),
    name: z.string().openapi({ example: 'Bahar indirimi' }),
    instanceId: z.string(),
    status: z.enum(STATUSES),
    messageType: z.string(),
    body: z.string().nullable(),
    mediaUrl: z.string().nullable(),
    filename: z.string().nullable(),
    templateId: z.number().nullable(),
    delayMs: z.number().openapi({ description: 'Milliseconds between two recipients' }),
    ...jobProgressFields,
  })
  .openapi('Campaign');

const CampaignRecipientSchema = z
  .object({
    position: z.number(),
    phone: z.string(),
    name: z.string().nullable(),
    vars: VarsView,
    chatId: z.string(),
    status: z.enum(['pending', 'sending', 'sent', 'failed', 'cancelled']),
    messageId: z.string().nullable(),
    error: z.string().nullable(),
  })
  .openapi('CampaignRecipient');

const CreateCampaignBody = z
  .object({
    name: z.string().min(1).max(120).openapi({ example: 'Bahar indirimi' }),
    instanceId: z.string().min(1).max(64).openapi({ example: 'sales' }),
    body: z.string().min(1).max(65536).optional().openapi({ example: 'Merhaba {name}, {code} kodu ile %20 indirim!', description: "{name}, {phone} and each recipient's vars are filled in" }),
    templateId: TemplateIdField,
    messageType: z.enum(JOB_MESSAGE_TYPES).default('text').openapi({ description: 'text (default), or image/document with mediaUrl (body is the caption)' }),
    mediaUrl: z.string().min(1).optional(),
    filename: z.string().min(1).max(255).optional(),
    delayMs: z.number().int().min(minDelayMs).max(maxDelayMs).default(defaultDelayMs).openapi({ description: `Milliseconds between two recipients, ${minDelayMs}-${maxDelayMs} (default ${defaultDelayMs})` }),
    recipients: z
      .array(
        z.object({
          phone: z.string().min(1).openapi({ example: '905321234567' }),
          name: z.string().max(256).optional().openapi({ example: 'Ali' }),
          vars: VarsSchema.optional(),
        }),
      )
      .min(1, 'at least one recipient is needed')
      .max(MAX, `at most ${MAX} recipients per campaign`),
  })
  .strict()
  .openapi('CreateCampaign');

const IdParam = z.object({ id: z.coerce.number().int().positive().openapi({ param: { name: 'id', in: 'path' }, example: 1 }) });

export function campaignRoutes({ campaigns }: Pick<Services, 'campaigns'>) {
  const r = createRouter();

  // GET /api/campaigns
  r.openapi(
    createRoute({
      method: 'get',
      path: '/api/campaigns',
      tags: tag,
      summary: 'Campaigns, newest first (of the instances the token sees)',
      request: {
        query: z.object({
          ...pageQuery(50, 200),
          instanceId: z.string().min(1).max(64).optional(),
          status: z.enum(STATUSES).optional(),
        }),
      },
      responses: {
        200: jsonResponse(z.object({ campaigns: z.array(CampaignSchema), page: z.number(), limit: z.number(), total: z.number() }), 'Campaigns'),
        400: errors[400],
        404: errors[404],
      },
    }),
    async (c) => {
      const { page, limit, ...filter } = c.req.valid('query');
      const { campaigns: list, total } = await campaigns.list(c.get('principal'), filter, page, limit);
      return c.json({ campaigns: list, page, limit, total }, 200);
    },
  );

  // POST /api/campaigns
  r.openapi(
    createRoute({
      method: 'post',
      path: '/api/campaigns',
      tags: tag,
      summary: 'Create a campaign and start it in the background',
      request: { body: jsonBody(CreateCampaignBody) },
      responses: {
        200: jsonResponse(z.object({ success: z.literal(true), campaign: CampaignSchema }), 'Started'),
        400: errors[400],
        404: errors[404],
      },
    }),
    async (c) => {
      const b = c.req.valid('json');
      const campaign = await campaigns.create(
        c.get('principal'),
        {
          name: b.name,
          instanceId: b.instanceId,
          body: b.body ?? null,
          templateId: b.templateId,
          messageType: b.messageType,
          mediaUrl: b.mediaUrl ?? null,
          filename: b.filename ?? null,
          delayMs: b.delayMs,
          recipients: b.recipients,
        },
        urlTrustOf(c.get('principal')),
      );
      return c.json({ success: true as const, campaign }, 200);
    },
  );

  // GET /api/campaigns/:id
  r.openapi(
    createRoute({
      method: 'get',
      path: '/api/campaigns/{id}',
      tags: tag,
      summary: "A campaign with each recipient's status, message id and error",
      request: { params: IdParam },
      responses: {
        200: jsonResponse(z.object({ campaign: CampaignSchema.extend({ recipients: z.array(CampaignRecipientSchema) }) }), 'The campaign'),
        400: errors[400],
        404: errors[404],
      },
    }),
    async (c) => c.json({ campaign: await campaigns.get(c.get('principal'), c.req.valid('param').id) }, 200),
  );

  // DELETE /api/campaigns/:id
  r.openapi(
    createRoute({
      method: 'delete',
      path: '/api/campaigns/{id}',
      tags: tag,
      summary: 'Cancel a queued or running campaign (action "cancelled"); delete a finished one (action "deleted")',
      request: { params: IdParam },
      responses: {
        200: jsonResponse(z.object({ ok: z.literal(true), action: z.enum(['cancelled', 'deleted']) }), 'Cancelled or deleted'),
        400: errors[400],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => c.json({ ok: true as const, action: await campaigns.delete(c.get('principal'), c.req.valid('param').id) }, 200),
  );

  return r;
}
