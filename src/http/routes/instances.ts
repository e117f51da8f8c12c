import { createRoute, z } from '@hono/zod-openapi';
import { engineList, ENGINE_NAMES } from '../../engines/registry.js';
import { phoneOrThrow } from '../../ids.js';
import { actorOf } from '../../services/access/principal.js';
import type { Services } from '../deps.js';
import { requireOpenInstance } from '../middleware/instance.js';
import { createRouter, errors, InstanceIdParam, jsonBody, jsonResponse, SuccessSchema } from '../openapi.js';
import {
  AccountSchema,
  AccountStatusSchema,
  ConnectBody,
  CreateInstanceBody,
  InstanceListSchema,
  statusBody,
  StatusWord,
} from './instance-schemas.js';

const tag = ['Instances'];
const path = '/api/instance/{instanceId}';

export function instanceRoutes({ instances, messages }: Pick<Services, 'instances' | 'messages'>) {
  const r = createRouter();

  // GET /api/engines
  r.openapi(
    createRoute({
      method: 'get',
      path: '/api/engines',
      tags: tag,
      summary: 'The engines an instance can run on',
      responses: {
        200: jsonResponse(z.array(z.object({ name: z.enum(ENGINE_NAMES), label: z.string() })), 'Every engine'),
        401: errors[401],
      },
    }),
    (c) => c.json(engineList(), 200),
  );

  // GET /api/instance
  r.openapi(
    createRoute({
      method: 'get',
      path: '/api/instance',
      tags: tag,
      summary: 'List instances and their connection status (an instance-scoped key: only its own)',
      responses: { 200: jsonResponse(InstanceListSchema, 'Every instance'), 401: errors[401] },
    }),
    (c) => {
      const all = instances.list(c.get('principal'));
      return c.json(
        {
          instances: all.map((s) => s.id),
          statuses: Object.fromEntries(all.map((s) => [s.id, statusBody(s)])),
          details: Object.fromEntries(
            all.map((s) => [s.id, { description: s.description, engine: s.engine, createdAt: s.createdAt, account: s.account, groupId: s.groupId }]),
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
        403: errors[403],
        409: errors[409],
      },
    }),
    async (c) => {
      const state = await instances.create(c.req.valid('json'), actorOf(c.get('principal')));
      return c.json({ success: true as const, instanceId: state.id }, 200);
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
    (c) => c.json(statusBody(c.get('instance')), 200),
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
      const answer = await instances.qrDataUri(c.req.valid('param').instanceId);
      c.header('Cache-Control', 'no-store');
      return c.json(answer, 200);
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
      const { instanceId } = c.req.valid('param');
      const png = await instances.qrPng(instanceId);
      c.header('Cache-Control', 'no-store');
      if (!png) return c.json({ qrCode: null, status: instances.get(instanceId).status }, 200);
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
      middleware: [requireOpenInstance],
      request: { params: InstanceIdParam },
      responses: { 200: jsonResponse(AccountSchema, 'The account'), 404: errors[404], 409: errors[409] },
    }),
    (c) => c.json(instances.account(c.req.valid('param').instanceId), 200),
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
      const { phone } = c.req.valid('json');
      const pairingPhone = phone !== undefined ? phoneOrThrow('phone', phone) : undefined;
      const state = await instances.connect(c.req.valid('param').instanceId, pairingPhone ? { pairingPhone } : {});
      return c.json({ success: true as const, status: state.status, ...(state.pairingCode ? { pairingCode: state.pairingCode } : {}) }, 200);
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
      instances.restart(c.req.valid('param').instanceId);
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
      await instances.logout(c.req.valid('param').instanceId);
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
      await messages.clear(c.req.valid('param').instanceId);
      return c.json({ success: true as const }, 200);
    },
  );

  return r;
}
