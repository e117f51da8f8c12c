import { createRoute, z } from '@hono/zod-openapi';
import { AUDIT_ACTIONS } from '../../services/access/audit.js';
import type { Services } from '../deps.js';
import { createRouter, errors, jsonResponse, pageOf, pageQuery } from '../openapi.js';

const tag = ['Access'];

const UsageSchema = z
  .object({
    keys: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        prefix: z.string(),
        totalRequests: z.number(),
        successfulRequests: z.number().openapi({ description: 'Answered with a status below 400' }),
        failedRequests: z.number(),
        meanMs: z.number().openapi({ description: 'Mean time to answer, in milliseconds' }),
        lastUsedAt: z.string().nullable(),
      }),
    ),
    instances: z.array(
      z.object({
        id: z.string(),
        messagesSent: z.number().openapi({ description: 'Messages WhatsApp accepted, since the instance was created' }),
        messagesReceived: z.number().openapi({ description: 'Messages received from others, since the instance was created' }),
        mediaBytes: z.number().openapi({ description: 'Bytes of its media library (uploaded, sent and received media) now' }),
      }),
    ),
  })
  .openapi('Usage');

const AuditEntrySchema = z
  .object({
    id: z.number(),
    at: z.string(),
    actor: z.object({
      kind: z.enum(['admin', 'key', 'embed', 'system']),
      id: z.string().openapi({ description: '"admin", a key id or an embed token id' }),
      name: z.string(),
    }),
    action: z.string().openapi({ example: 'key.create', description: AUDIT_ACTIONS.join(', ') }),
    instanceId: z.string().nullable(),
    target: z.string().nullable().openapi({ description: 'The key or embed token acted on' }),
    detail: z.unknown().openapi({ description: 'What changed (never a key, token or secret)' }),
  })
  .openapi('AuditEntry');

export function accessReportRoutes({ usage, audit }: Pick<Services, 'usage' | 'audit'>) {
  const r = createRouter();

  // GET /api/usage
  r.openapi(
    createRoute({
      method: 'get',
      path: '/api/usage',
      tags: tag,
      summary: 'Requests per API key and messages and media per instance (a key sees its own)',
      responses: { 200: jsonResponse(UsageSchema, 'Usage'), 401: errors[401], 403: errors[403] },
    }),
    async (c) => c.json(await usage.report(c.get('principal')), 200),
  );

  // GET /api/audit
  r.openapi(
    createRoute({
      method: 'get',
      path: '/api/audit',
      tags: tag,
      summary: 'The audit log, newest first: keys and embed tokens, instances, settings and webhooks, with who and when',
      request: {
        query: z.object({
          ...pageQuery(50, 500),
          action: z.enum(AUDIT_ACTIONS).optional(),
          instanceId: z.string().optional(),
        }),
      },
      responses: { 200: jsonResponse(pageOf(AuditEntrySchema), 'Entries'), 400: errors[400], 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const filter = { ...(q.action ? { action: q.action } : {}), ...(q.instanceId ? { instanceId: q.instanceId } : {}) };
      const { items, total } = await audit.list(filter, q.page, q.limit);
      return c.json({ items, page: q.page, limit: q.limit, total }, 200);
    },
  );

  return r;
}
