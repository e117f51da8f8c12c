import { createRoute, z } from '@hono/zod-openapi';
import type { Services } from '../deps.js';
import { createRouter, errors } from '../openapi.js';

// GET /metrics is outside /api: its token is METRICS_TOKEN or the admin token (middleware/metrics-auth.ts),
// so it has no line in access-table.ts, which judges the principals of /api routes.
export function metricsRoutes({ metrics }: Pick<Services, 'metrics'>) {
  const r = createRouter();

  // GET /metrics
  r.openapi(
    createRoute({
      method: 'get',
      path: '/metrics',
      tags: ['Operations'],
      summary: 'Prometheus metrics: instances by status, messages, send, delivery and webhook latency, webhook backlog, event-loop lag, Chromium memory',
      description:
        'The Prometheus text format. Read with `Authorization: Bearer <METRICS_TOKEN>` or the admin token; API keys and embed tokens answer 403.',
      security: [{ bearer: [] }],
      responses: {
        200: { description: 'The metrics', content: { 'text/plain': { schema: z.string() } } },
        401: errors[401],
        403: errors[403],
        429: errors[429],
      },
    }),
    async (c) => {
      const { contentType, body } = await metrics.scrape();
      return c.text(body, 200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
    },
  );

  return r;
}
