import { createRoute, z } from '@hono/zod-openapi';
import { RANGES } from '../../services/analytics/analytics-service.js';
import type { Services } from '../deps.js';
import { createRouter, errors, jsonResponse } from '../openapi.js';

const Counts = {
  sent: z.number().openapi({ description: 'Outgoing messages WhatsApp accepted' }),
  received: z.number(),
  failed: z.number(),
  delivered: z.number().openapi({ description: 'Outgoing messages delivered to the phone (or read, or played)' }),
  read: z.number().openapi({ description: 'Outgoing messages read (or played)' }),
};

const AnalyticsSchema = z
  .object({
    range: z.enum(RANGES),
    granularity: z.enum(['hour', 'day']).openapi({ description: 'hour for 24h; day (UTC) for 7d, 30d and 90d' }),
    instanceId: z.string().nullable(),
    series: z.array(z.object({ at: z.string().openapi({ example: '2026-03-01T00:00:00.000Z' }), t: z.number().openapi({ description: 'Unix seconds' }), ...Counts })),
    totals: z.object({ ...Counts, total: z.number().openapi({ description: 'sent + received' }) }),
    topInstances: z.array(z.object({ instanceId: z.string(), ...Counts, total: z.number() })).openapi({ description: 'At most 5, busiest first' }),
  })
  .openapi('Analytics');

export function analyticsRoutes({ analytics }: Pick<Services, 'analytics'>) {
  const r = createRouter();

  // GET /api/analytics
  r.openapi(
    createRoute({
      method: 'get',
      path: '/api/analytics',
      tags: ['Analytics'],
      summary: 'Messages sent, received, failed, delivered and read over time, with totals and the busiest instances',
      request: {
        query: z.object({
          range: z.enum(RANGES).default('7d').openapi({ description: '24h (hourly points), 7d, 30d or 90d (daily points, UTC); default 7d' }),
          instanceId: z.string().min(1).max(64).optional().openapi({ description: 'One instance; left out: every instance the token sees' }),
        }),
      },
      responses: { 200: jsonResponse(AnalyticsSchema, 'The series'), 400: errors[400], 404: errors[404] },
    }),
    async (c) => {
      const { range, instanceId } = c.req.valid('query');
      return c.json(await analytics.get(c.get('principal'), range, instanceId), 200);
    },
  );

  return r;
}
