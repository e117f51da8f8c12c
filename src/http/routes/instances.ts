import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app.js';
import { AppError } from '../../errors.js';
import type { InstanceState } from '../../instances/instance-manager.js';
import { normalizePhone } from '../../messaging/jid.js';
import { clearMessages } from '../../storage/messages-repo.js';
import { createRouter, errors, InstanceIdParam, jsonBody, jsonResponse, SuccessSchema } from '../openapi.js';

const StatusWord = z.enum(['open', 'connecting', 'disconnected']);

const AccountStatusSchema = z
  .object({
    accountStatus: z.object({
      status: StatusWord,
      error: z.string().optional().openapi({ description: 'Why the instance is not open, when known' }),
      pairingCode: z.string().optional().openapi({ description: 'The code to enter on the phone while pairing by number' }),
    }),
  })
  .openapi('AccountStatus');

const AccountSchema = z
  .object({
    id: z.string().openapi({ example: '905321234567@s.whatsapp.net' }),
    name: z.string().openapi({ example: 'Ahmet' }),
    phone: z.string().openapi({ example: '905321234567' }),
  })
  .openapi('Account');

const InstanceListSchema = z
  .object({
    instances: z.array(z.string()).openapi({ example: ['default', 'inst_a1b2c3d4'] }),
    statuses: z.record(z.string(), AccountStatusSchema),
    details: z
      .record(
        z.string(),
        z.object({ description: z.string(), engine: z.string(), createdAt: z.number(), account: AccountSchema.nullable() }),
      )
      .openapi({ description: 'Hatline addition: description, engine and account of each instance' }),
  })
  .openapi('InstanceList');

const CreateInstanceBody = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 characters of letters, digits, "_" or "-"')
      .optional()
      .openapi({ example: 'default', description: 'Left out: inst_xxxxxxxx is generated' }),
    description: z.string().max(500).optional().openapi({ example: 'İş Hattı' }),
    engine: z.enum(['wwebjs', 'sandbox']).optional().openapi({ description: 'Defaults to DEFAULT_ENGINE' }),
  })
  .openapi('CreateInstance');

const ConnectBody = z
  .object({
    phone: z
      .string()
      .optional()
      .openapi({ example: '905321234567', description: 'Pair by phone number instead of a QR: the answer carries the pairing code' }),
  })
  .openapi('Connect');

export function statusBody(state: InstanceState) {
  return {
    accountStatus: {
      status: state.status,
      ...(state.error ? { error: state.error } : {}),
      ...(state.pairingCode ? { pairingCode: state.pairingCode } : {}),
    },
  };
}

const tag = ['Instances'];
const path = '/api/instance/{instanceId}';

export function instanceRoutes(deps: AppDeps) {
  const { manager } = deps;
  const r = createRouter();

  // GET /api/instance
  r.openapi(
    createRoute({
      method: 'get',
      path: '/api/instance',
      tags: tag,
      summary: 'List instances and their connection status',
      responses: { 200: jsonResponse(InstanceListSchema, 'Every instance'), 401: errors[401] },
    }),
    (c) => {
      const all = manager.list();
      return c.json(
        {
          instances: all.map((s) => s.id),
          statuses: Object.fromEntries(all.map((s) => [s.id, statusBody(s)])),
          details: Object.fromEntries(
            all.map((s) => [s.id, { description: s.description, engine: s.engine, createdAt: s.createdAt, account: s.account }]),
          ),
        },
        200,
      );
    },
  );

  // POST /api/instance
  r.openapi(
    createRoute({
      method: 'post',
      path: '/api/instance',
      tags: tag,
      summary: 'Create an instance (does not connect it)',
      request: { body: jsonBody(CreateInstanceBody, false) },
      responses: {
        200: jsonResponse(z.object({ success: z.literal(true), instanceId: z.string() }), 'Created'),
        400: errors[400],
        409: errors[409],
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const state = await manager.create({
        ...(body.id !== undefined ? { id: body.id } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        engine: body.engine ?? deps.config.defaultEngine,
      });
      return c.json({ success: true as const, instanceId: state.id }, 200);
    },
  );

  // DELETE /api/instance/:instanceId
  r.openapi(
    createRoute({
      method: 'delete',
      path,
      tags: tag,
      summary: 'Delete an instance with its messages, media and session',
      request: { params: InstanceIdParam },
      responses: { 200: jsonResponse(SuccessSchema, 'Deleted'), 404: errors[404] },
    }),
    async (c) => {
      const { instanceId } = c.req.valid('param');
      await manager.delete(instanceId);
      deps.qr.forget(instanceId);
      return c.json({ success: true as const }, 200);
    },
  );

  // GET /api/instance/:instanceId/status
  r.openapi(
    createRoute({
      method: 'get',
      path: `${path}/status`,
      tags: tag,
      summary: 'Connection status: open, connecting or disconnected',
      request: { params: InstanceIdParam },
      responses: { 200: jsonResponse(AccountStatusSchema, 'The status'), 404: errors[404] },
    }),
    (c) => c.json(statusBody(manager.get(c.req.valid('param').instanceId)), 200),
  );

  // GET /api/instance/:instanceId/qr
  r.openapi(
    createRoute({
      method: 'get',
      path: `${path}/qr`,
      tags: tag,
      summary: 'The QR code as a data URI (null when connected or not connecting)',
      request: { params: InstanceIdParam },
      responses: {
        200: jsonResponse(
          z.object({ qrCode: z.string().nullable().openapi({ example: 'data:image/png;base64,iVBOR...' }), status: StatusWord }),
          'The QR code',
        ),
        404: errors[404],
      },
    }),
    async (c) => {
      const state = manager.get(c.req.valid('param').instanceId);
      const qrCode = state.qr && state.status === 'connecting' ? await deps.qr.dataUri(state.id, state.qr) : null;
      c.header('Cache-Control', 'no-store');
      return c.json({ qrCode, status: state.status }, 200);
    },
  );

  // GET /api/instance/:instanceId/qrcode
  r.openapi(
    createRoute({
      method: 'get',
      path: `${path}/qrcode`,
      tags: tag,
      summary: 'The QR code as a PNG image, for <img src=".../qrcode?token=...">; JSON when there is no QR',
      request: { params: InstanceIdParam },
      responses: {
        200: {
          description: 'The QR image, or JSON { qrCode: null, status } when there is none',
          content: {
            'image/png': { schema: z.string().openapi({ format: 'binary' }) },
            'application/json': { schema: z.object({ qrCode: z.null(), status: StatusWord }) },
          },
        },
        404: errors[404],
      },
    }),
    async (c) => {
      const state = manager.get(c.req.valid('param').instanceId);
      c.header('Cache-Control', 'no-store');
      if (!state.qr || state.status !== 'connecting') return c.json({ qrCode: null, status: state.status }, 200);
      const png = await deps.qr.png(state.id, state.qr);
      return c.body(new Uint8Array(png), 200, { 'Content-Type': 'image/png' });
    },
  );

  // GET /api/instance/:instanceId/me
  r.openapi(
    createRoute({
      method: 'get',
      path: `${path}/me`,
      tags: tag,
      summary: 'The linked WhatsApp account',
      request: { params: InstanceIdParam },
      responses: { 200: jsonResponse(AccountSchema, 'The account'), 404: errors[404], 409: errors[409] },
    }),
    (c) => {
      const state = manager.get(c.req.valid('param').instanceId);
      if (state.status !== 'open' || !state.account) {
        throw new AppError('not_connected', `instance ${state.id} is not connected (status: ${state.status})`);
      }
      return c.json(state.account, 200);
    },
  );

  // POST /api/instance/:instanceId/connect
  r.openapi(
    createRoute({
      method: 'post',
      path: `${path}/connect`,
      tags: tag,
      summary: 'Start connecting: a QR code follows (or a pairing code, given a phone)',
      request: { params: InstanceIdParam, body: jsonBody(ConnectBody, false) },
      responses: {
        200: jsonResponse(
          z.object({ success: z.literal(true), status: StatusWord.optional(), pairingCode: z.string().optional() }),
          'Connecting',
        ),
        400: errors[400],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      const { instanceId } = c.req.valid('param');
      const body = c.req.valid('json');
      let pairingPhone: string | undefined;
      if (body.phone !== undefined) {
        pairingPhone = normalizePhone(body.phone) ?? undefined;
        if (!pairingPhone) throw new AppError('bad_request', 'phone: expected a phone number with country code, like 905321234567');
      }
      const state = await manager.connect(instanceId, pairingPhone ? { pairingPhone } : {});
      return c.json(
        { success: true as const, status: state.status, ...(state.pairingCode ? { pairingCode: state.pairingCode } : {}) },
        200,
      );
    },
  );

  // POST /api/instance/:instanceId/restart
  r.openapi(
    createRoute({
      method: 'post',
      path: `${path}/restart`,
      tags: tag,
      summary: 'Close and reopen the connection, in the background; the session is kept',
      request: { params: InstanceIdParam },
      responses: {
        200: jsonResponse(z.object({ success: z.literal(true), message: z.string().openapi({ example: 'Restarting...' }) }), 'Restarting'),
        404: errors[404],
      },
    }),
    (c) => {
      manager.restart(c.req.valid('param').instanceId);
      return c.json({ success: true as const, message: 'Restarting...' }, 200);
    },
  );

  // POST /api/instance/:instanceId/logout
  r.openapi(
    createRoute({
      method: 'post',
      path: `${path}/logout`,
      tags: tag,
      summary: 'Unlink the WhatsApp account; connecting again needs a new QR scan',
      request: { params: InstanceIdParam },
      responses: { 200: jsonResponse(SuccessSchema, 'Logged out'), 404: errors[404] },
    }),
    async (c) => {
      await manager.logout(c.req.valid('param').instanceId);
      return c.json({ success: true as const }, 200);
    },
  );

  // POST /api/instance/:instanceId/clear
  r.openapi(
    createRoute({
      method: 'post',
      path: `${path}/clear`,
      tags: tag,
      summary: "Delete the instance's whole message history from the database",
      request: { params: InstanceIdParam },
      responses: { 200: jsonResponse(SuccessSchema, 'Cleared'), 404: errors[404] },
    }),
    async (c) => {
      const { instanceId } = c.req.valid('param');
      manager.get(instanceId);
      await clearMessages(deps.db, instanceId);
      return c.json({ success: true as const }, 200);
    },
  );

  return r;
}
