import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app.js';
import { SandboxEngine } from '../../engines/sandbox/sandbox-engine.js';
import { AppError, notFound } from '../../errors.js';
import { normalizePhone } from '../../messaging/jid.js';
import { resolveMedia } from '../../messaging/media-source.js';
import { findMessage } from '../../storage/messages-repo.js';
import { createRouter, errors, InstanceIdParam, jsonBody, jsonResponse } from '../openapi.js';

const tag = ['Sandbox controls'];
const path = '/api/sandbox/{instanceId}';

const PhoneField = z.string().openapi({ example: '905321234567' });

function phoneOrThrow(field: string, value: string): string {
  const phone = normalizePhone(value);
  if (!phone) throw new AppError('bad_request', `${field}: expected a phone number with country code, like 905321234567`);
  return phone;
}

export function sandboxRoutes(deps: AppDeps) {
  const r = createRouter();

  /** The sandbox engine of an instance; 404 for unknown and for non-sandbox instances. */
  const sandboxOf = (instanceId: string): SandboxEngine => {
    const engine = deps.manager.engine(instanceId);
    if (!(engine instanceof SandboxEngine)) throw notFound(`instance ${instanceId} is not a sandbox instance`);
    return engine;
  };

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
    (c) => {
      const { instanceId } = c.req.valid('param');
      const body = c.req.valid('json');
      const engine = sandboxOf(instanceId);
      const phone = body.phone !== undefined ? phoneOrThrow('phone', body.phone) : undefined;
      const account = engine.scan(phone, body.name);
      return c.json({ success: true as const, account }, 200);
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
      const { instanceId } = c.req.valid('param');
      const body = c.req.valid('json');
      const engine = sandboxOf(instanceId);
      const from = phoneOrThrow('from', body.from);
      const media = body.media !== undefined ? await resolveMedia(deps.mediaSources, 'media', body.media) : undefined;
      if (body.type && body.type !== 'chat' && !media) {
        throw new AppError('bad_request', `media: is required for type ${body.type}`);
      }
      const id = engine.incoming({
        from,
        ...(body.body !== undefined ? { body: body.body } : {}),
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.type !== undefined ? { kind: body.type } : {}),
        ...(media ? { media } : {}),
        ...(body.caption !== undefined ? { caption: body.caption } : {}),
        ...(body.groupId !== undefined ? { groupId: body.groupId } : {}),
      });
      // Answer once the message is stored (and its webhook event written), as WhatsApp would have it.
      await deps.messages.settled(instanceId);
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
        body: jsonBody(z.object({ msgId: z.string().min(1), status: z.enum(['delivered', 'read', 'played']) })),
      },
      responses: {
        200: jsonResponse(z.object({ success: z.literal(true) }), 'Reported'),
        400: errors[400],
        404: errors[404],
      },
    }),
    async (c) => {
      const { instanceId } = c.req.valid('param');
      const { msgId, status } = c.req.valid('json');
      const engine = sandboxOf(instanceId);
      const sent = await findMessage(deps.db, instanceId, msgId);
      if (!sent || sent.from_me !== 1) {
        throw notFound(`msgId: no message ${msgId} sent by instance ${instanceId}`);
      }
      engine.simulateAck(msgId, status);
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
    (c) => {
      const { instanceId } = c.req.valid('param');
      const body = c.req.valid('json');
      const engine = sandboxOf(instanceId);
      const phones = body.participants.map((p, i) => phoneOrThrow(`participants.${i}`, p));
      const group = engine.createGroup(body.name, phones);
      return c.json({ id: group.id }, 200);
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
      sandboxOf(c.req.valid('param').instanceId).drop();
      return c.json({ success: true as const }, 200);
    },
  );

  return r;
}
