import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { UpgradeWebSocket } from 'hono/ws';
import { AppError } from '../../errors.js';
import type { StreamEvent } from '../../services/event-log.js';
import type { AppEnv } from '../context.js';
import type { Services } from '../deps.js';
import { createRouter, errors } from '../openapi.js';

const tag = ['Events'];
/** A stream with nothing to say sends a comment this often (proxies close idle connections). */
export const HEARTBEAT_MS = 15_000;
const BATCH = 500;

const StreamQuery = z.object({
  instanceId: z.string().optional().openapi({ description: 'Only this instance (default: every instance the token sees)' }),
  since: z
    .string()
    .regex(/^\d{1,15}$/, 'expected an event id (a whole number)')
    .optional()
    .openapi({ description: 'Resume after this event id (for SSE, the Last-Event-ID header does the same); default: from now on' }),
});

/**
 * Follows the event log for a principal: what is after `after`, then each new commit, until
 * `signal` aborts. `send` writes one event; `idle` is called when nothing came for a heartbeat.
 */
async function follow(
  services: Pick<Services, 'events'>,
  c: Context<AppEnv>,
  after: number,
  instanceId: string | undefined,
  signal: AbortSignal,
  send: (e: StreamEvent) => Promise<void>,
  idle: () => Promise<void>,
): Promise<void> {
  let cursor = after;
  // One wait at a time: catching up through full batches keeps the wait it started with.
  let pending: Promise<boolean> | null = null;
  while (!signal.aborted && !services.events.closed) {
    // Waiting starts before the read, so a commit between the two is not missed.
    const waiting = (pending ??= services.events.next(HEARTBEAT_MS, signal));
    const batch = await services.events.read(c.get('principal'), cursor, BATCH, instanceId);
    for (const e of batch) {
      if (signal.aborted) return;
      await send(e);
      cursor = e.id;
    }
    if (batch.length === BATCH) continue;
    pending = null;
    if (!(await waiting)) await idle();
  }
}

/** Where a stream starts: after `since` (or Last-Event-ID), else after the newest event now. */
async function startOf(services: Pick<Services, 'events'>, since: string | undefined): Promise<{ after: number; missed: boolean }> {
  if (since === undefined) return { after: await services.events.newest(), missed: false };
  const after = Number(since);
  return { after, missed: await services.events.missedSince(after) };
}

export function eventRoutes(services: Pick<Services, 'events' | 'instances'>, upgradeWebSocket: UpgradeWebSocket) {
  const r = createRouter();

  const checkInstance = (c: Context<AppEnv>, instanceId: string | undefined) => {
    if (instanceId !== undefined) services.instances.get(instanceId, c.get('principal')); // 404 outside the scope
  };

  // GET /api/events (server-sent events)
  r.openapi(
    createRoute({
      method: 'get',
      path: '/api/events',
      tags: tag,
      summary: 'The event stream (server-sent events): the webhook events of every instance the token sees, resumable',
      description:
        'Each event is `id: <event id>`, `event: <name>`, `data: { id, event, data, timestamp, instance_id }`. Reconnect with `Last-Event-ID` (EventSource does it) or `?since=` to resume without a gap while the log keeps the events (EVENT_RETENTION_HOURS); a `gap` event says when some were already pruned. A comment line comes every 15 s when nothing happens.',
      request: {
        query: StreamQuery,
        headers: z.object({ 'last-event-id': z.string().regex(/^\d{1,15}$/, 'expected an event id').optional() }),
      },
      responses: { 200: { description: 'text/event-stream' }, 400: errors[400], 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const { instanceId, since } = c.req.valid('query');
      checkInstance(c, instanceId);
      const start = await startOf(services, c.req.valid('header')['last-event-id'] ?? since);
      c.header('X-Accel-Buffering', 'no');
      return streamSSE(c, async (stream) => {
        const abort = new AbortController();
        stream.onAbort(() => abort.abort());
        await stream.writeSSE({ event: 'ready', data: JSON.stringify({ after: start.after }), retry: 2000 });
        if (start.missed) await stream.writeSSE({ event: 'gap', data: JSON.stringify({ after: start.after, reason: 'events after this id were pruned from the log' }) });
        await follow(
          services,
          c,
          start.after,
          instanceId,
          abort.signal,
          (e) => stream.writeSSE({ id: String(e.id), event: e.event, data: JSON.stringify(e) }),
          () => stream.write(': keep-alive\n\n').then(() => undefined),
        );
      });
    },
  );

  // GET /api/events/ws (WebSocket): the same events as JSON text frames.
  r.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/events/ws',
    tags: tag,
    summary: 'The event stream as a WebSocket: the same events as JSON text frames, resumable with ?since=',
    request: { query: StreamQuery },
    responses: { 101: { description: 'Switching protocols' }, 400: errors[400], 401: errors[401], 404: errors[404] },
  });
  r.get(
    '/api/events/ws',
    async (c, next) => {
      const parsed = StreamQuery.safeParse(c.req.query());
      if (!parsed.success) throw new AppError('bad_request', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      checkInstance(c, parsed.data.instanceId);
      if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') throw new AppError('bad_request', 'expected a WebSocket upgrade (Upgrade: websocket)');
      await next();
    },
    upgradeWebSocket(async (c) => {
      const { instanceId, since } = c.req.query() as { instanceId?: string; since?: string };
      const start = await startOf(services, since);
      const abort = new AbortController();
      return {
        onOpen: (_event, ws) => {
          ws.send(JSON.stringify({ event: 'ready', after: start.after }));
          if (start.missed) ws.send(JSON.stringify({ event: 'gap', after: start.after, reason: 'events after this id were pruned from the log' }));
          void follow(
            services,
            c as Context<AppEnv>,
            start.after,
            instanceId,
            abort.signal,
            async (e) => ws.send(JSON.stringify(e)),
            async () => ws.send(JSON.stringify({ event: 'ping' })),
          ).then(
            () => {
              if (!abort.signal.aborted) ws.close(1001, 'server shutting down');
            },
            () => ws.close(1011, 'stream failed'),
          );
        },
        onClose: () => abort.abort(),
        onError: () => abort.abort(),
      };
    }),
  );

  return r;
}
