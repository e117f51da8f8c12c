import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { Config } from './config.js';
import type { SandboxNetwork } from './engines/sandbox/network.js';
import { describeError } from './errors.js';
import { errorAnswer } from './http/error-answer.js';
import type { InstanceManager } from './instances/instance-manager.js';
import type { BulkRunner } from './jobs/bulk/bulk-runner.js';
import type { Chatbot } from './jobs/chatbot/chatbot.js';
import type { Scheduler } from './jobs/scheduler/scheduler.js';
import type { SettingsStore } from './instances/settings-store.js';
import type { WebhookDispatcher } from './jobs/webhooks/dispatcher.js';
import type { QrImages } from './instances/qr-image.js';
import type { Logger } from './logger.js';
import type { Idempotency } from './messaging/idempotency.js';
import type { MediaSources } from './messaging/media-source.js';
import type { MessageService } from './messaging/message-service.js';
import type { AppEnv } from './http/context.js';
import { auth, type TokenVerifier } from './http/middleware/auth.js';
import { rateLimit } from './http/middleware/rate-limit.js';
import { requestLog } from './http/middleware/request-log.js';
import { validationHook } from './http/openapi.js';
import { bulkRoutes } from './http/routes/bulk.js';
import { chatbotRoutes } from './http/routes/chatbot.js';
import { scheduledRoutes } from './http/routes/scheduled.js';
import { chatRoutes } from './http/routes/chats.js';
import { contactRoutes } from './http/routes/contacts.js';
import { groupRoutes } from './http/routes/groups.js';
import { instanceRoutes } from './http/routes/instances.js';
import { mediaLibraryRoutes } from './http/routes/media-library.js';
import { messageHistoryRoutes } from './http/routes/message-history.js';
import { messageSendRoutes } from './http/routes/message-sends.js';
import { sandboxRoutes } from './http/routes/sandbox.js';
import { settingsRoutes } from './http/routes/settings.js';
import { webhookRoutes } from './http/routes/webhooks.js';
import { staticRoutes } from './http/routes/static-files.js';
import { publicDir } from './paths.js';
import type { Db } from './storage/db.js';

export const VERSION = '0.1.0';
const JSON_BODY_LIMIT = 90 * 1024 * 1024;

export interface AppDeps {
  config: Pick<Config, 'publicUrl' | 'rateLimitPerMinute' | 'defaultEngine' | 'mediaDir'>;
  db: Db;
  manager: InstanceManager;
  sandbox: SandboxNetwork;
  tokens: TokenVerifier;
  qr: QrImages;
  messages: MessageService;
  settings: SettingsStore;
  dispatcher: WebhookDispatcher;
  idempotency: Idempotency;
  chatbot: Chatbot;
  bulk: BulkRunner;
  scheduler: Scheduler;
  mediaSources: MediaSources;
  logger: Logger;
  /** The clock of the rate limiter (tests move it). */
  now?: () => number;
}

/** The whole HTTP API as a Hono app; no port is opened here (tests call app.request). */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const startedAt = Date.now();

  app.use('*', requestLog(deps.logger));

  app.onError((err, c) => {
    const known = errorAnswer(err);
    if (known) return c.json(known.body, known.status);
    deps.logger.error('unhandled error', { method: c.req.method, path: c.req.path, error: describeError(err), stack: err instanceof Error ? err.stack : undefined });
    return c.json({ error: 'Internal server error', code: 'internal' }, 500);
  });

  app.notFound((c) => c.json({ error: `Not found: ${c.req.method} ${c.req.path}`, code: 'not_found' }, 404));

  // GET /health (no token)
  app.get('/health', (c) =>
    c.json({ status: 'ok', version: VERSION, uptime: Math.round((Date.now() - startedAt) / 1000), instances: deps.manager.list().length }),
  );

  app.use('/api/*', auth(deps.tokens));
  app.use('/api/*', rateLimit(deps.config.rateLimitPerMinute, deps.now));
  // A JSON body may carry a 64 MB file as base64 (about 86 MB); anything larger is refused
  // before it is read into memory. Uploads (multipart) have their own 64 MB limit.
  const jsonLimit = bodyLimit({
    maxSize: JSON_BODY_LIMIT,
    onError: (c) => c.json({ error: `Request body too large: at most ${JSON_BODY_LIMIT / 1024 / 1024} MB of JSON`, code: 'payload_too_large' }, 413),
  });
  app.use('/api/*', async function limitJsonBody(c, next) {
    if (/^multipart\/form-data\b/i.test(c.req.header('content-type') ?? '')) return next();
    return jsonLimit(c, next);
  });
  app.use('/api/*', async function requireJsonBody(c, next) {
    const type = c.req.header('content-type');
    const hasBody = c.req.raw.body !== null && c.req.header('content-length') !== '0';
    if (hasBody && type && !/^application\/([\w.-]+\+)?json\b/i.test(type) && !/^multipart\/form-data\b/i.test(type)) {
      return c.json({ error: `Content-Type ${type.split(';')[0]} is not accepted: send JSON with Content-Type: application/json`, code: 'bad_request' }, 400);
    }
    await next();
  });

  app.route('/', instanceRoutes(deps));
  app.route('/', messageSendRoutes(deps));
  app.route('/', messageHistoryRoutes(deps));
  app.route('/', chatRoutes(deps));
  app.route('/', contactRoutes(deps));
  app.route('/', groupRoutes(deps));
  app.route('/', mediaLibraryRoutes(deps));
  app.route('/', settingsRoutes(deps));
  app.route('/', webhookRoutes(deps));
  app.route('/', chatbotRoutes(deps));
  app.route('/', bulkRoutes(deps));
  app.route('/', scheduledRoutes(deps));
  app.route('/', sandboxRoutes(deps));

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Hatline API',
      version: VERSION,
      description:
        'Self-hosted WhatsApp HTTP API. Every /api request carries the token as `Authorization: Bearer <token>`, `X-API-Key`, `apikey` or `?token=`. Errors are `{ "error": "..." }`.',
    },
    security: [{ bearer: [] }, { apiKey: [] }, { queryToken: [] }],
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'apiKey', in: 'header', name: 'X-API-Key' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'queryToken', { type: 'apiKey', in: 'query', name: 'token' });

  app.route('/', staticRoutes({ publicDir, mediaDir: deps.config.mediaDir }));

  return app;
}

export type App = ReturnType<typeof createApp>;
