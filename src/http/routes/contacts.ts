import { createRoute, z } from '@hono/zod-openapi';
import { chatIdOrThrow, phoneUserIdOrThrow, userIdOrThrow } from '../../ids.js';
import type { Services } from '../deps.js';
import { requireOpenInstance } from '../middleware/instance.js';
import { createRouter, errors, InstanceIdParam, jsonBody, jsonResponse, optionalPageQuery, pageAsked, pageOf, SuccessSchema } from '../openapi.js';

const tag = ['Contacts'];
const base = '/api/instance/{instanceId}/contacts';
const ChatIdField = z.string().min(1).openapi({ example: '905321234567', description: 'A phone number with country code, or a user id' });
const ChatIdQuery = z.object({ chatId: ChatIdField });

const ContactSchema = z
  .object({
    id: z.string().openapi({ example: '905321234567@s.whatsapp.net' }),
    name: z.string().nullable().openapi({ example: 'Ahmet Yılmaz', description: 'The name in the address book, when there is one' }),
    notify: z.string().nullable().openapi({ example: 'Ahmet', description: "The contact's own push name, when known" }),
  })
  .openapi('Contact');

const ContactInfoSchema = ContactSchema.extend({
  about: z.string().nullable().openapi({ description: 'Their "about" text, when they share it' }),
  isBusiness: z.boolean(),
  picture: z.string().nullable().openapi({ description: 'A URL of their profile picture, when they share it' }),
}).openapi('ContactInfo');

export function contactRoutes({ contacts, account }: Pick<Services, 'contacts' | 'account'>) {
  const r = createRouter();
  const middleware = [requireOpenInstance];

  // GET /api/instance/:instanceId/contacts
  r.openapi(
    createRoute({
      method: 'get',
      path: base,
      tags: tag,
      middleware,
      summary: 'Every contact: WhatsApp\'s, and everyone a message was exchanged with; or a page of them',
      description: 'By id. Without limit or page: every contact, as an array (the seed\'s answer). With limit or page: a page { items, page, limit, total }, in the same order.',
      request: { params: InstanceIdParam, query: z.object(optionalPageQuery(100, 1000)) },
      responses: {
        200: jsonResponse(z.union([z.array(ContactSchema), pageOf(ContactSchema)]), 'The contacts, or a page of them'),
        400: errors[400],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      const instanceId = c.req.valid('param').instanceId;
      const asked = pageAsked(c.req.valid('query'), 100);
      if (!asked) return c.json(await contacts.list(instanceId), 200);
      const { items, total } = await contacts.page(instanceId, asked.page, asked.limit);
      return c.json({ items, ...asked, total }, 200);
    },
  );

  // GET /api/instance/:instanceId/contacts/ids
  r.openapi(
    createRoute({
      method: 'get',
      path: `${base}/ids`,
      tags: tag,
      middleware,
      summary: 'The ids of every contact',
      request: { params: InstanceIdParam },
      responses: {
        200: jsonResponse(z.array(z.string()).openapi({ example: ['905321234567@s.whatsapp.net'] }), 'Contact ids'),
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => c.json((await contacts.list(c.req.valid('param').instanceId)).map((contact) => contact.id), 200),
  );

  // GET /api/instance/:instanceId/contacts/contact
  r.openapi(
    createRoute({
      method: 'get',
      path: `${base}/contact`,
      tags: tag,
      middleware,
      summary: 'One contact',
      request: { params: InstanceIdParam, query: ChatIdQuery },
      responses: { 200: jsonResponse(ContactSchema, 'The contact'), 400: errors[400], 404: errors[404], 409: errors[409] },
    }),
    async (c) => c.json(await contacts.get(c.req.valid('param').instanceId, userIdOrThrow('chatId', c.req.valid('query').chatId)), 200),
  );

  // GET /api/instance/:instanceId/contacts/info
  r.openapi(
    createRoute({
      method: 'get',
      path: `${base}/info`,
      tags: tag,
      middleware,
      summary: "What WhatsApp tells of a person: name, about, business or not, profile picture",
      request: { params: InstanceIdParam, query: ChatIdQuery },
      responses: { 200: jsonResponse(ContactInfoSchema, 'The person'), 400: errors[400], 404: errors[404], 409: errors[409], 501: errors[501], 502: errors[502] },
    }),
    async (c) => c.json(await account.contactInfo(c.req.valid('param').instanceId, userIdOrThrow('chatId', c.req.valid('query').chatId)), 200),
  );

  // GET /api/instance/:instanceId/contacts/check
  r.openapi(
    createRoute({
      method: 'get',
      path: `${base}/check`,
      tags: tag,
      middleware,
      summary: 'Whether a number is on WhatsApp, and its id',
      request: { params: InstanceIdParam, query: ChatIdQuery },
      responses: {
        200: jsonResponse(
          z.object({
            exists: z.boolean(),
            jid: z.string().nullable().openapi({ example: '905321234567@s.whatsapp.net', description: 'null when the number is not on WhatsApp' }),
          }),
          'The answer',
        ),
        400: errors[400],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => c.json(await contacts.check(c.req.valid('param').instanceId, phoneUserIdOrThrow('chatId', c.req.valid('query').chatId)), 200),
  );

  // GET /api/instance/:instanceId/contacts/image
  r.openapi(
    createRoute({
      method: 'get',
      path: `${base}/image`,
      tags: tag,
      middleware,
      summary: 'The profile picture URL of a contact (or group)',
      request: { params: InstanceIdParam, query: ChatIdQuery },
      responses: {
        200: jsonResponse(
          z.object({ url: z.string().nullable().openapi({ example: 'https://pps.whatsapp.net/...', description: 'null when there is no picture, or it is hidden' }) }),
          'The picture',
        ),
        400: errors[400],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => c.json({ url: await contacts.picture(c.req.valid('param').instanceId, chatIdOrThrow('chatId', c.req.valid('query').chatId)) }, 200),
  );

  for (const [action, blocked] of [['block', true], ['unblock', false]] as const) {
    // POST /api/instance/:instanceId/contacts/block and .../contacts/unblock
    r.openapi(
      createRoute({
        method: 'post',
        path: `${base}/${action}`,
        tags: tag,
        middleware,
        summary: blocked ? 'Block a contact: their messages are no longer delivered' : 'Unblock a contact',
        request: { params: InstanceIdParam, body: jsonBody(z.object({ chatId: ChatIdField })) },
        responses: { 200: jsonResponse(SuccessSchema, blocked ? 'Blocked' : 'Unblocked'), 400: errors[400], 404: errors[404], 409: errors[409] },
      }),
      async (c) => {
        await contacts.setBlocked(c.req.valid('param').instanceId, userIdOrThrow('chatId', c.req.valid('json').chatId), blocked);
        return c.json({ success: true as const }, 200);
      },
    );
  }

  return r;
}
