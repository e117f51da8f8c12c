import { createRoute, z } from '@hono/zod-openapi';
import { chatIdOrThrow } from '../../ids.js';
import type { Services } from '../deps.js';
import { requireOpenInstance } from '../middleware/instance.js';
import { createRouter, errors, InstanceIdParam, jsonBody, jsonResponse, SuccessSchema } from '../openapi.js';

const I = '/api/instance/{instanceId}';
const middleware = [requireOpenInstance];
const answers = { 400: errors[400], 404: errors[404], 409: errors[409], 501: errors[501], 502: errors[502] };

const ChannelSchema = z
  .object({
    id: z.string().openapi({ example: '120363400000000001@newsletter' }),
    name: z.string().openapi({ example: 'Hatline News' }),
    description: z.string().nullable(),
    subscribers: z.number().nullable(),
    role: z.string().nullable().openapi({ description: "The account's role: subscriber, admin, owner; null when not following" }),
  })
  .openapi('Channel');
const LabelSchema = z
  .object({ id: z.string().openapi({ example: '1' }), name: z.string().openapi({ example: 'New customer' }), color: z.number().nullable().openapi({ description: "WhatsApp's colour index" }) })
  .openapi('Label');
const ChatIdField = z.string().min(1).openapi({ example: '905321234567', description: 'A chat id, or a phone number with country code' });

/** Channels (WhatsApp's newsletters) and WhatsApp Business labels. */
export function channelLabelRoutes({ account }: Pick<Services, 'account'>) {
  const r = createRouter();

  // GET /api/instance/:instanceId/channels
  r.openapi(
    createRoute({ method: 'get', path: `${I}/channels`, tags: ['Channels'], middleware, summary: 'The channels the account follows', request: { params: InstanceIdParam }, responses: { 200: jsonResponse(z.array(ChannelSchema), 'The channels'), ...answers } }),
    async (c) => c.json(await account.channels(c.get('instance').id), 200),
  );

  // POST /api/instance/:instanceId/channels/follow
  r.openapi(
    createRoute({
      method: 'post',
      path: `${I}/channels/follow`,
      tags: ['Channels'],
      middleware,
      summary: 'Follow a channel by its id, invite link or code',
      request: {
        params: InstanceIdParam,
        body: jsonBody(z.object({ channel: z.string().min(1).max(512).openapi({ example: 'https://whatsapp.com/channel/0029VaHatlineNews01', description: 'A channel id (...@newsletter), invite link or code' }) })),
      },
      responses: { 200: jsonResponse(ChannelSchema, 'The channel, followed'), ...answers },
    }),
    async (c) => c.json(await account.follow(c.get('instance').id, c.req.valid('json').channel), 200),
  );

  // POST /api/instance/:instanceId/channels/unfollow
  r.openapi(
    createRoute({
      method: 'post',
      path: `${I}/channels/unfollow`,
      tags: ['Channels'],
      middleware,
      summary: 'Stop following a channel',
      request: { params: InstanceIdParam, body: jsonBody(z.object({ channelId: z.string().regex(/@newsletter$/, 'expected a channel id (...@newsletter)').openapi({ example: '120363400000000001@newsletter' }) })) },
      responses: { 200: jsonResponse(SuccessSchema, 'Unfollowed'), ...answers },
    }),
    async (c) => {
      await account.unfollow(c.get('instance').id, c.req.valid('json').channelId);
      return c.json({ success: true as const }, 200);
    },
  );

  // GET /api/instance/:instanceId/labels
  r.openapi(
    createRoute({
      method: 'get',
      path: `${I}/labels`,
      tags: ['Labels'],
      middleware,
      summary: "The business account's labels (501 on an account that is not a business one)",
      request: { params: InstanceIdParam },
      responses: { 200: jsonResponse(z.array(LabelSchema), 'The labels'), ...answers },
    }),
    async (c) => c.json(await account.labels(c.get('instance').id), 200),
  );

  // GET /api/instance/:instanceId/labels/chat
  r.openapi(
    createRoute({
      method: 'get',
      path: `${I}/labels/chat`,
      tags: ['Labels'],
      middleware,
      summary: 'The labels on a chat',
      request: { params: InstanceIdParam, query: z.object({ chatId: ChatIdField }) },
      responses: { 200: jsonResponse(z.array(LabelSchema), 'The labels'), ...answers },
    }),
    async (c) => c.json(await account.chatLabels(c.get('instance').id, chatIdOrThrow('chatId', c.req.valid('query').chatId)), 200),
  );

  for (const [name, on] of [['add', true], ['remove', false]] as const) {
    // POST /api/instance/:instanceId/labels/add and .../labels/remove
    r.openapi(
      createRoute({
        method: 'post',
        path: `${I}/labels/${name}`,
        tags: ['Labels'],
        middleware,
        summary: on ? 'Put a label on a chat' : 'Take a label off a chat',
        request: { params: InstanceIdParam, body: jsonBody(z.object({ chatId: ChatIdField, labelId: z.string().min(1).max(64).openapi({ example: '1' }) })) },
        responses: { 200: jsonResponse(z.object({ success: z.literal(true), labels: z.array(LabelSchema) }), "The chat's labels now"), ...answers },
      }),
      async (c) => {
        const b = c.req.valid('json');
        const labels = await account.setChatLabel(c.get('instance').id, chatIdOrThrow('chatId', b.chatId), b.labelId, on);
        return c.json({ success: true as const, labels }, 200);
      },
    );
  }

  return r;
}
