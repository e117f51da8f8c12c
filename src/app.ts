import { createNodeWebSocket } from '@hono/node-ws';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AppError } from './errors.js';
import type { AppEnv } from './http/context.js';
import type { AppDeps } from './http/deps.js';
import { errorResponse, onError } from './http/error-answer.js';
import { ACCESS_TABLE } from './http/access-table.js';
import { dialects } from './dialects/index.js';
import { mcpRouter } from './mcp/index.js';
import { buildGates } from './http/gates.js';
import { authorize } from './http/middleware/access.js';
import { forwardToOwner } from './http/middleware/forward.js';
import { loadInstance } from './http/middleware/instance.js';
import { requireJsonBody } from './http/middleware/json-body.js';
import { metricsAuth } from './http/middleware/metrics-auth.js';
import { requestId } from './http/middleware/request-id.js';
import { requestLog } from './http/middleware/request-log.js';
import { validationHook } from './http/openapi.js';
import { accessKeyRoutes } from './http/routes/access-keys.js';
import { accessReportRoutes } from './http/routes/access-reports.js';
import { adminRoutes } from './http/routes/admin.js';
import { analyticsRoutes } from './http/routes/analytics.js';
import { bulkRoutes } from './http/routes/bulk.js';
import { campaignRoutes } from './http/routes/campaigns.js';
import { chatbotRoutes } from './http/routes/chatbot.js';
import { channelLabelRoutes } from './http/routes/channels-labels.js';
import { chatSettingRoutes } from './http/routes/chat-settings.js';
import { chatRoutes } from './http/routes/chats.js';
import { eventRoutes } from './http/routes/events.js';
import { fileRoutes } from './http/routes/files.js';
import { contactRoutes } from './http/routes/contacts.js';
import { groupAdminRoutes } from './http/routes/group-admin.js';
import { groupSettingRoutes } from './http/routes/group-settings.js';
import { groupRoutes } from './http/routes/groups.js';
import { instanceRoutes } from './http/routes/instances.js';
import { instanceEditRoutes } from './http/routes/instance-edits.js';
import { instanceGroupRoutes } from './http/routes/instance-groups.js';
import { mediaLibraryRoutes } from './http/routes/media-library.js';
import { messageActionRoutes } from './http/routes/message-actions.js';
import { messageHistoryRoutes } from './http/routes/message-history.js';
import { messageSendRoutes } from './http/routes/message-sends.js';
import { metricsRoutes } from './http/routes/metrics.js';
import { profileRoutes } from './http/routes/profile.js';
import { sandboxOtherSideRoutes } from './http/routes/sandbox-others.js';
import { sandboxRoutes } from './http/routes/sandbox.js';
import { scheduledRoutes } from './http/routes/scheduled.js';
import { settingsRoutes } from './http/routes/settings.js';
import { staticRoutes } from './http/routes/static-files.js';
import { templateRoutes } from './http/routes/templates.js';
import { webhookRoutes } from './http/routes/webhooks.js';
import { publicDir, VERSION } from './paths.js';

/** The whole HTTP API as a Hono app; no port is opened here (tests call app.request). */
export function createApp(deps: AppDeps) {
  const { services } = deps;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  // WebSocket upgrades (the event stream) go through the same middleware as every request;
  // main.ts hands the HTTP server to injectWebSocket.
  const nodeWs = createNodeWebSocket({ app });
  const startedAt = Date.now();

  app.use('*', requestId());
  app.use('*', requestLog(deps.logger));
  app.onError(onError(deps.logger));
  app.notFound((c) => errorResponse(c, new AppError('not_found', `Not found: ${c.req.method} ${c.req.path}`)));
  // Several nodes: a request for an instance another node serves is answered by that node.
  const forward = forwardToOwner(services.cluster, deps.logger.child({ component: 'forward' }));
  for (const path of ['/api/instance/:instanceId', '/api/instance/:instanceId/*', '/api/sandbox/:instanceId/*']) app.use(path, forward);

  // GET /health (no token)
  app.get('/health', (c) =>
    c.json({
      status: 'ok',
      version: VERSION,
      uptime: Math.round((Date.now() - startedAt) / 1000),
      instances: services.instances.list().length,
      ...deps.health,
    }),
  );

  const gates = buildGates(deps);
  app.use('/metrics', metricsAuth({ metricsToken: deps.config.metricsToken, authenticator: deps.authenticator, throttle: gates.throttle }));
  app.route('/', metricsRoutes(services));
  // The dialects come first: their routes answer (in their own shapes) before the native
  // middleware below would see the request. They pass the same gates.
  for (const dialect of dialects(services, gates, deps.logger, deps.config, deps.now)) app.route('/', dialect);
  // The MCP server (POST /mcp) for AI assistants: the same keys, scopes, permissions and gates.
  app.route('/', mcpRouter(services, { gates, logger: deps.logger }));

  app.use('/api/*', gates.authenticate());
  app.use('/api/*', gates.meter);
  app.use('/api/*', gates.rate);
  app.use('/api/*', gates.hourly);
  app.use('/api/*', gates.bodyLimit);
  app.use('/api/*', requireJsonBody());
  // Scope: an unknown instance, or one outside the principal's scope, answers 404 here.
  // Every request on an instance holds it while it runs, but its deletion (which waits for them).
  const holds = { holds: (c: Context<AppEnv>) => !(c.req.method === 'DELETE' && /^\/api\/instance\/[^/]+\/?$/.test(c.req.path)) };
  app.use('/api/instance/:instanceId/*', loadInstance(services.instances, holds));
  app.use('/api/instance/:instanceId', loadInstance(services.instances, holds));
  app.use('/api/sandbox/:instanceId/*', loadInstance(services.instances, holds));
  // Permissions: 403 here, from the one table.
  app.use('/api/*', authorize(ACCESS_TABLE));

  app.route('/', instanceRoutes(services));
  app.route('/', instanceEditRoutes(services));
  app.route('/', messageSendRoutes(services));
  app.route('/', messageActionRoutes(services));
  app.route('/', messageHistoryRoutes(services));
  app.route('/', chatRoutes(services));
  app.route('/', chatSettingRoutes(services));
  app.route('/', contactRoutes(services));
  app.route('/', groupRoutes(services));
  app.route('/', groupAdminRoutes(services));
  app.route('/', groupSettingRoutes(services));
  app.route('/', profileRoutes(services));
  app.route('/', channelLabelRoutes(services));
  app.route('/', mediaLibraryRoutes(services));
  app.route('/', settingsRoutes(services));
  app.route('/', webhookRoutes(services));
  app.route('/', chatbotRoutes(services));
  app.route('/', bulkRoutes(services));
  app.route('/', scheduledRoutes(services));
  app.route('/', sandboxRoutes(services));
  app.route('/', sandboxOtherSideRoutes(services));
  app.route('/', accessKeyRoutes(services));
  app.route('/', accessReportRoutes(services));
  app.route('/', eventRoutes(services, nodeWs.upgradeWebSocket));
  app.route('/', adminRoutes(services));
  app.route('/', templateRoutes(services));
  app.route('/', campaignRoutes(services));
  app.route('/', analyticsRoutes(services));
  app.route('/', fileRoutes(services));
  app.route('/', instanceGroupRoutes(services));

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Hatline API',
      version: VERSION,
      description:
        'Self-hosted WhatsApp HTTP API. Every /api request carries the admin token, an API key or an embed token as `Authorization: Bearer <token>`, `X-API-Key`, `apikey`, `x-embed-token`, `?token=`, `?access_token=` or `?api_key=`. Keys and embed tokens reach only their instances (another answers 404) and what their permissions allow (403 otherwise). Errors are `{ "error": "...", "code": "...", "requestId": "..." }`; every answer carries `X-Request-Id`. Bodies are JSON (a body without a Content-Type is read as JSON; another Content-Type is a 400); a JSON body over LARGE_BODY_THRESHOLD_MB (8 MB) may answer 503 `unavailable` with Retry-After while LARGE_BODY_CONCURRENCY (2) others are handled.',
    },
    security: [{ bearer: [] }, { apiKey: [] }, { queryToken: [] }, { embedToken: [] }],
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'apiKey', in: 'header', name: 'X-API-Key' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'queryToken', { type: 'apiKey', in: 'query', name: 'token' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'embedToken', { type: 'apiKey', in: 'header', name: 'x-embed-token' });

  app.route('/', staticRoutes({ publicDir, mediaDir: deps.config.mediaDir, instanceExists: (id) => services.instances.exists(id), embedAllowedOrigins: deps.config.embedAllowedOrigins }));

  return Object.assign(app, { injectWebSocket: nodeWs.injectWebSocket });
}

export type App = ReturnType<typeof createApp>;
