import { createRoute, z } from '@hono/zod-openapi';
import { urlTrustOf } from '../../services/access/principal.js';
import { phoneOrThrow } from '../../ids.js';
import type { Services } from '../deps.js';
import { createRouter, errors, InstanceIdParam, jsonBody, jsonResponse } from '../openapi.js';

const tag = ['Sandbox controls'];
const path = '/api/sandbox/{instanceId}';

const PhoneField = z.string().openapi({ example: '905321234567' });

export function sandboxRoutes({ sandbox }: Pick<Services, 'sandbox'>) {
  const r = createRouter();

  // POST /api/sandbox/:instanceId/scan
  r.openapi(
    createRoute({
      method: 'post',
      path: `${path}/scan`,
      tags: tag,
      summary: "Scan the instance's QR as a simulated phone: the instance becomes open",
      request: {
        params: InstanceIdParam,
        body: jsonBody(z.object({ phone: PhoneField.optional(), name: z.string().max(100).optional() }), false),
      },
      responses: {
        200: jsonResponse(
          z.object({ success: z.literal(true), account: z.object({ id: z.string(), name: z.string(), phone: z.string() }) }),
          'Linked',
        ),
        400: errors[400],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const phone = body.phone !== undefined ? phoneOrThrow('phone', body.phone) : undefined;
      return c.json({ success: true as const, account: await sandbox.scan(c.req.valid('param').instanceId, phone, body.name) }, 200);
    },
  );

  // POST /api/sandbox/:instanceId/incoming
  r.openapi(
    createRoute({
      method: 'post',
      path: `${path}/incoming`,
      tags: tag,
      summary: 'A simulated contact (or group member) sends a message to the instance',
      request: {
        params: InstanceIdParam,
        body: jsonBody(
          z.object({
            from: PhoneField,
            body: z.string().optional(),
            name: z.string().max(100).optional(),
            type: z
              .enum(['chat', 'image', 'video', 'audio', 'ptt', 'document', 'sticker'])
              .optional()
              .openapi({ description: 'Inferred from the media type when left out' }),
            media: z.string().optional().openapi({ description: 'A base64 data URI or an http(s) URL' }),
            caption: z.string().optional(),
            groupId: z.string().optional().openapi({ example: '120363012345678901@g.us' }),
            quotedId: z.string().min(1).optional().openapi({ description: 'The id of a message of the same chat this one replies to' }),
          }),
        ),
      },
      responses: {
        200: jsonResponse(z.object({ id: z.string() }), 'The new message id'),
        400: errors[400],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const id = await sandbox.incoming(c.req.valid('param').instanceId, { ...body, from: phoneOrThrow('from', body.from) }, urlTrustOf(c.get('principal')));
      return c.json({ id }, 200);
    },
  );

  // POST /api/sandbox/:instanceId/ack
  r.openapi(
    createRoute({
      method: 'post',
      path: `${path}/ack`,
      tags: tag,
      summary: "A receipt for a message the instance sent, as its recipient's phone would report it",
      request: {
        params: InstanceIdParam,
        body: jsonBody(
          z.object({
            msgId: z.string().min(1),
            status: z.enum(['delivered', 'read', 'played', 'failed']).openapi({ description: 'failed: WhatsApp refuses the message after taking it' }),
            error: z.string().max(500).optional().openapi({ description: 'With failed: the reason WhatsApp gives' }),
          }),
        ),
      },
      responses: {
        200: jsonResponse(z.object({ success: z.literal(true) }), 'Reported'),
        400: errors[400],
        404: errors[404],
      },
    }),
    async (c) => {
      const { msgId, status, error } = c.req.valid('json');
      await sandbox.ack(c.req.valid('param').instanceId, msgId, status, error);
      return c.json({ success: true as const }, 200);
    },
  );

  // POST /api/sandbox/:instanceId/groups
  r.openapi(
    createRoute({
      method: 'post',
      path: `${path}/groups`,
      tags: tag,
      summary: 'Create a group the instance is in (its owner)',
      request: {
        params: InstanceIdParam,
        body: jsonBody(
          z.object({ name: z.string().min(1).max(100), participants: z.array(PhoneField).max(1024).default([]) }),
        ),
      },
      responses: {
        200: jsonResponse(z.object({ id: z.string().openapi({ example: '120363012345678901@g.us' }) }), 'The group id'),
        400: errors[400],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const phones = body.participants.map((p, i) => phoneOrThrow(`participants.${i}`, p));
      return c.json({ id: await sandbox.createGroup(c.req.valid('param').instanceId, body.name, phones) }, 200);
    },
  );

  // POST /api/sandbox/:instanceId/drop
  r.openapi(
    createRoute({
      method: 'post',
      path: `${path}/drop`,
      tags: tag,
      summary: 'Simulate a lost connection: disconnected now, open again within a few seconds',
      request: { params: InstanceIdParam },
      responses: {
        200: jsonResponse(z.object({ success: z.literal(true) }), 'Dropped'),
        404: errors[404],
        409: errors[409],
      },
    }),
    (c) => {
      sandbox.drop(c.req.valid('param').instanceId);
      return c.json({ success: true as const }, 200);
    },
  );

  // POST /api/sandbox/:instanceId/deaf
  r.openapi(
    createRoute({
      method: 'post',
      path: `${path}/deaf`,
      tags: tag,
      summary: 'Make the session deaf: it stays open and its phone gets every message, but Hatline hears nothing until it reconnects',
      description:
        'What users of every WhatsApp API server meet: a session that says connected but delivers no events. `silent` (the default) still says its event bridge works when probed, ' +
        'so only the messages its phone holds give it away; `bridge_down` knows its bridge is broken. Liveness (LIVENESS_INTERVAL_MS) notices, reconnects and backfills. ' +
        'A reconnect cures it; `deaf: false` lets events through again (what was missed stays missed until a backfill).',
      request: {
        params: InstanceIdParam,
        body: jsonBody(z.object({ deaf: z.boolean(), mode: z.enum(['silent', 'bridge_down']).optional().openapi({ description: 'Default silent' }) })),
      },
      responses: {
        200: jsonResponse(z.object({ success: z.literal(true) }), 'Done'),
        400: errors[400],
        404: errors[404],
        409: errors[409],
      },
    }),
    (c) => {
      const b = c.req.valid('json');
      sandbox.deaf(c.req.valid('param').instanceId, b.deaf, b.mode);
      return c.json({ success: true as const }, 200);
    },
  );

  return r;
}
