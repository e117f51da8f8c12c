import { createRoute, z } from '@hono/zod-openapi';
import { EMBED_PERMISSIONS, MAX_TTL_MINUTES, MIN_TTL_MINUTES } from '../../services/access/embed-token-service.js';
import { actorOf, PERMISSIONS } from '../../services/access/principal.js';
import type { Services } from '../deps.js';
import { createRouter, errors, jsonBody, jsonResponse } from '../openapi.js';

const tag = ['Access'];

const IdParam = z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' }, example: 'key_4f9c1a2b3c4d5e6f' }) });
const InstanceIds = z.array(z.string().min(1).max(64)).max(1000);
const When = z.string().nullable().openapi({ example: '2026-12-01T09:00:00.000Z' });

const ApiKeySchema = z
  .object({
    id: z.string().openapi({ example: 'key_4f9c1a2b3c4d5e6f' }),
    name: z.string().openapi({ example: 'CRM integration' }),
    prefix: z.string().openapi({ example: 'hl_live_Xn3kQ0aB', description: 'The first characters of the key; the key itself is shown only when it is created' }),
    scope: z.enum(['global', 'instance']),
    instanceIds: z.array(z.string()).openapi({ description: 'The instances an instance-scoped key reaches; empty for a global key' }),
    permissions: z.array(z.enum(PERMISSIONS)),
    hourlyLimit: z.number().nullable().openapi({ description: 'Requests per rolling hour; null: none' }),
    expiresAt: When,
    createdAt: z.string(),
    createdBy: z.string().openapi({ description: '"admin", or the id of the key that created it' }),
    lastUsedAt: When,
    revokedAt: When,
    status: z.enum(['active', 'expired', 'revoked']),
  })
  .openapi('ApiKey');

const CreateKeyBody = z
  .object({
    name: z.string().trim().min(1).max(100).openapi({ example: 'CRM integration' }),
    scope: z.enum(['global', 'instance']).openapi({ description: 'global: every instance (and may create instances, with manage); instance: only instanceIds' }),
    instanceIds: InstanceIds.optional().openapi({ example: ['sales'], description: 'Required for scope "instance"' }),
    permissions: z
      .array(z.enum(PERMISSIONS))
      .min(1)
      .optional()
      .openapi({ example: ['read', 'send'], description: 'read: GETs; send: messages and chat actions; manage: lifecycle, settings, webhooks, chatbot, jobs. Default read and send' }),
    hourlyLimit: z.number().int().min(1).max(1_000_000).nullable().optional().openapi({ example: 1000, description: 'Requests per rolling hour (429 beyond it); default none' }),
    expiresAt: z.string().nullable().optional().openapi({ example: '2026-12-31T23:59:59Z', description: 'ISO 8601 (no offset: UTC); default never' }),
  })
  .strict()
  .openapi('CreateApiKey');

const RevokedSchema = z.object({ success: z.literal(true), alreadyRevoked: z.boolean() });

const EmbedPermissions = z.enum(EMBED_PERMISSIONS).openapi({ description: 'read: read chats; read_write: also send and mark read' });

const EmbedTokenSchema = z
  .object({
    tokenId: z.string().openapi({ example: 'emb_4f9c1a2b3c4d5e6f' }),
    customerLabel: z.string().openapi({ example: 'Acme Ltd.' }),
    prefix: z.string().openapi({ example: 'hl_embed_Xn3kQ0aB' }),
    instanceIds: z.array(z.string()),
    permissions: EmbedPermissions,
    createdAt: z.string(),
    createdBy: z.string(),
    expiresAt: z.string(),
    revokedAt: When,
    status: z.enum(['active', 'expired', 'revoked']),
  })
  .openapi('EmbedToken');

const CreatedEmbedTokenSchema = z
  .object({
    token: z.string().openapi({ example: 'hl_embed_Xn3kQ0aB...', description: 'Shown only in this answer' }),
    embedUrl: z.string().openapi({ example: 'https://hatline.example.com/embed/#token=hl_embed_Xn3kQ0aB...', description: 'The embed page, with the token in the URL fragment (never sent to a server)' }),
    tokenId: z.string(),
    customerLabel: z.string(),
    instanceIds: z.array(z.string()),
    permissions: EmbedPermissions,
    expiresAt: z.string(),
  })
  .openapi('CreatedEmbedToken');

const CreateEmbedTokenBody = z
  .object({
    customerLabel: z.string().trim().min(1).max(100).openapi({ example: 'Acme Ltd.' }),
    instanceIds: InstanceIds.min(1).openapi({ example: ['sales'] }),
    ttlMinutes: z
      .number()
      .int()
      .min(MIN_TTL_MINUTES)
      .max(MAX_TTL_MINUTES)
      .optional()
      .openapi({ example: 1440, description: `Lifetime: ${MIN_TTL_MINUTES} minutes to 30 days (${MAX_TTL_MINUTES}); default 1440 (a day)` }),
    permissions: EmbedPermissions.optional().openapi({ description: 'Default read' }),
  })
  .strict()
  .openapi('CreateEmbedToken');

const EmbedStatusSchema = z
  .object({
    customerLabel: z.string(),
    permissions: EmbedPermissions,
    expiresAt: z.string(),
    instances: z.array(
      z.object({
        id: z.string(),
        status: z.enum(['open', 'connecting', 'disconnected']),
        account: z.object({ id: z.string(), name: z.string(), phone: z.string() }).nullable(),
      }),
    ),
  })
  .openapi('EmbedStatus');

export function accessKeyRoutes({ keys, embedTokens }: Pick<Services, 'keys' | 'embedTokens'>) {
  const r = createRouter();

  // GET /api/keys
  r.openapi(
    createRoute({
      method: 'get',
      path: '/api/keys',
      tags: tag,
      summary: 'API keys, newest first (never the keys themselves: their prefix)',
      responses: { 200: jsonResponse(z.object({ keys: z.array(ApiKeySchema) }), 'The keys'), 401: errors[401], 403: errors[403] },
    }),
    async (c) => c.json({ keys: await keys.list() }, 200),
  );

  // POST /api/keys
  r.openapi(
    createRoute({
      method: 'post',
      path: '/api/keys',
      tags: tag,
      summary: 'Create an API key; `plain` (the key) is shown in this answer only',
      request: { body: jsonBody(CreateKeyBody) },
      responses: {
        200: jsonResponse(z.object({ key: ApiKeySchema, plain: z.string().openapi({ example: 'hl_live_Xn3kQ0aB...' }) }), 'Created'),
        400: errors[400],
        401: errors[401],
        403: errors[403],
      },
    }),
    async (c) => {
      const created = await keys.create(c.req.valid('json'), actorOf(c.get('principal')));
      c.header('Cache-Control', 'no-store');
      return c.json(created, 200);
    },
  );

  // DELETE /api/keys/:id
  r.openapi(
    createRoute({
      method: 'delete',
      path: '/api/keys/{id}',
      tags: tag,
      summary: 'Revoke an API key: it answers 401 from now on',
      request: { params: IdParam },
      responses: { 200: jsonResponse(RevokedSchema, 'Revoked'), 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => c.json({ success: true as const, ...(await keys.revoke(c.req.valid('param').id, actorOf(c.get('principal')))) }, 200),
  );

  // GET /api/embed-tokens
  r.openapi(
    createRoute({
      method: 'get',
      path: '/api/embed-tokens',
      tags: tag,
      summary: 'Embed tokens (a key with manage sees those of its own instances)',
      responses: { 200: jsonResponse(z.object({ tokens: z.array(EmbedTokenSchema) }), 'The tokens'), 401: errors[401], 403: errors[403] },
    }),
    async (c) => c.json({ tokens: await embedTokens.list(c.get('principal')) }, 200),
  );

  // POST /api/embed-tokens
  r.openapi(
    createRoute({
      method: 'post',
      path: '/api/embed-tokens',
      tags: tag,
      summary: "Create an embed token: a customer's time-limited access to the chats of some instances",
      request: { body: jsonBody(CreateEmbedTokenBody) },
      responses: { 200: jsonResponse(CreatedEmbedTokenSchema, 'Created'), 400: errors[400], 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const created = await embedTokens.create(c.req.valid('json'), c.get('principal'));
      c.header('Cache-Control', 'no-store');
      return c.json(created, 200);
    },
  );

  // DELETE /api/embed-tokens/:id
  r.openapi(
    createRoute({
      method: 'delete',
      path: '/api/embed-tokens/{id}',
      tags: tag,
      summary: 'Revoke an embed token: it answers 401 from now on',
      request: { params: IdParam },
      responses: { 200: jsonResponse(RevokedSchema, 'Revoked'), 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => c.json({ success: true as const, ...(await embedTokens.revoke(c.req.valid('param').id, c.get('principal'))) }, 200),
  );

  // GET /api/embed/status
  r.openapi(
    createRoute({
      method: 'get',
      path: '/api/embed/status',
      tags: tag,
      summary: "An embed token's label, permissions, expiry and instances (token as x-embed-token or ?token=)",
      request: {
        query: z.object({ token: z.string().optional().openapi({ description: 'The embed token (or the x-embed-token header)' }) }),
        headers: z.object({ 'x-embed-token': z.string().optional() }),
      },
      responses: { 200: jsonResponse(EmbedStatusSchema, 'The status'), 401: errors[401], 403: errors[403] },
    }),
    (c) => c.json(embedTokens.status(c.get('principal')), 200),
  );

  return r;
}
