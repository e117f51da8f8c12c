import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'kysely';
import type { AppDeps } from '../../app.js';
import { notFound } from '../../errors.js';
import { GIVE_UP_AFTER_MS } from '../../jobs/webhooks/outbox.js';
import type { WebhookEventRow } from '../../storage/schema.js';
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

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function rowToDelivery(row: WebhookEventRow) {
  return {
    id: row.seq,
    webhookId: row.webhook_id,
    event: row.event,
    status: row.status as 'pending' | 'delivered' | 'failed',
    attempts: row.attempts,
    lastError: row.last_error,
    responseCode: row.response_code,
    url: row.url,
    createdAt: new Date(row.created_at).toISOString(),
    lastAttemptAt: iso(row.last_attempt_at),
    nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    deliveredAt: iso(row.delivered_at),
    payload: JSON.parse(row.payload) as unknown,
  };
}

export function webhookRoutes(deps: AppDeps) {
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
      const { instanceId } = c.req.valid('param');
      const q = c.req.valid('query');
      deps.manager.get(instanceId);
      let query = deps.db.selectFrom('webhook_events').where('instance_id', '=', instanceId);
      if (q.status) query = query.where('status', '=', q.status);
      const [rows, count] = await Promise.all([
        query.selectAll().orderBy('seq', 'desc').limit(q.limit).offset((q.page - 1) * q.limit).execute(),
        query.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return c.json({ items: rows.map(rowToDelivery), page: q.page, limit: q.limit, total: Number(count.n) }, 200);
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
      deps.manager.get(instanceId);
      const now = Date.now();
      const result = await deps.db
        .updateTable('webhook_events')
        .set({ status: 'pending', next_attempt_at: now, expires_at: now + GIVE_UP_AFTER_MS, delivered_at: null })
        .where('instance_id', '=', instanceId)
        .where('seq', '=', id)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw notFound(`delivery ${id} not found`);
      deps.dispatcher.wake(instanceId);
      return c.json({ success: true as const }, 200);
    },
  );

  return r;
}
