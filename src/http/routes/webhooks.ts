import { createRoute, z } from '@hono/zod-openapi';
import type { Services } from '../deps.js';
import { createRouter, errors, InstanceIdParam, jsonResponse, SuccessSchema, pageOf, pageQuery } from '../openapi.js';

const tag = ['Settings and webhooks'];
const base = '/api/instance/{instanceId}/webhooks/deliveries';

const DeliverySchema = z
  .object({
    id: z.number().openapi({ description: 'Delivery id (for retry)' }),
    webhookId: z.string().openapi({ description: 'The webhook-id header: the same on every attempt' }),
    event: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number(),
    lastError: z.string().nullable(),
    responseCode: z.number().nullable(),
    url: z.string().nullable().openapi({ description: 'Where the last attempt went' }),
    createdAt: z.string(),
    lastAttemptAt: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    payload: z.unknown().openapi({ description: 'The envelope sent: { event, data, timestamp, instance_id }' }),
  })
  .openapi('WebhookDelivery');

export function webhookRoutes({ settings }: Pick<Services, 'settings'>) {
  const r = createRouter();

  // GET /api/instance/:instanceId/webhooks/deliveries
  r.openapi(
    createRoute({
      method: 'get',
      path: base,
      tags: tag,
      summary: 'Recent webhook deliveries, newest first',
      request: {
        params: InstanceIdParam,
        query: z.object({
          ...pageQuery(50, 500),
          status: z.enum(['pending', 'delivered', 'failed']).optional(),
        }),
      },
      responses: {
        200: jsonResponse(pageOf(DeliverySchema), 'Deliveries'),
        400: errors[400],
        404: errors[404],
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const { items, total } = await settings.deliveries(c.req.valid('param').instanceId, q.status, q.page, q.limit);
      return c.json({ items, page: q.page, limit: q.limit, total }, 200);
    },
  );

  // POST /api/instance/:instanceId/webhooks/deliveries/:id/retry
  r.openapi(
    createRoute({
      method: 'post',
      path: `${base}/{id}/retry`,
      tags: tag,
      summary: 'Send a delivery again now (failed ones get another 24 hours of retries); same webhook-id',
      request: {
        params: InstanceIdParam.extend({ id: z.coerce.number().int().min(1).openapi({ param: { name: 'id', in: 'path' } }) }),
      },
      responses: { 200: jsonResponse(SuccessSchema, 'Queued'), 400: errors[400], 404: errors[404] },
    }),
    async (c) => {
      const { instanceId, id } = c.req.valid('param');
      await settings.retryDelivery(instanceId, id);
      return c.json({ success: true as const }, 200);
    },
  );

  return r;
}
