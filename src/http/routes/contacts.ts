import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app.js';
import { getContact, listContacts } from '../../chats/contact-list.js';
import { userIdOrThrow } from '../../chats/ids.js';
import { openEngine } from '../../chats/open-engine.js';
import { jidToPhone } from '../../messaging/jid.js';
import { createRouter, errors, InstanceIdParam, jsonBody, jsonResponse, SuccessSchema } from '../openapi.js';
import { chatIdOrThrow } from './message-sends.js';

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

export function contactRoutes(deps: AppDeps) {
  const r = createRouter();

  // GET /api/instance/:instanceId/contacts
  r.openapi(
    createRoute({
      method: 'get',
      path: base,
      tags: tag,
      summary: 'Every contact: WhatsApp\'s, and everyone a message was exchanged with',
      request: { params: InstanceIdParam },
      responses: { 200: jsonResponse(z.array(ContactSchema), 'The contacts'), 404: errors[404], 409: errors[409] },
    }),
    async (c) => c.json(await listContacts(deps, c.req.valid('param').instanceId), 200),
  );

  // GET /api/instance/:instanceId/contacts/ids
  r.openapi(
    createRoute({
      method: 'get',
      path: `${base}/ids`,
      tags: tag,
      summary: 'The ids of every contact',
      request: { params: InstanceIdParam },
      responses: {
        200: jsonResponse(z.array(z.string()).openapi({ example: ['905321234567@s.whatsapp.net'] }), 'Contact ids'),
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => c.json((await listContacts(deps, c.req.valid('param').instanceId)).map((contact) => contact.id), 200),
  );

  // GET /api/instance/:instanceId/contacts/contact
  r.openapi(
    createRoute({
      method: 'get',
      path: `${base}/contact`,
      tags: tag,
      summary: 'One contact',
      request: { params: InstanceIdParam, query: ChatIdQuery },
      responses: { 200: jsonResponse(ContactSchema, 'The contact'), 400: errors[400], 404: errors[404], 409: errors[409] },
    }),
    async (c) => {
      const { instanceId } = c.req.valid('param');
      const id = userIdOrThrow('chatId', c.req.valid('query').chatId);
      return c.json(await getContact(deps, instanceId, id), 200);
    },
  );

  // GET /api/instance/:instanceId/contacts/check
  r.openapi(
    createRoute({
      method: 'get',
      path: `${base}/check`,
      tags: tag,
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
    async (c) => {
      const { instanceId } = c.req.valid('param');
      const id = userIdOrThrow('chatId', c.req.valid('query').chatId);
      const engine = openEngine(deps.manager, instanceId);
      return c.json(await engine.checkNumber(jidToPhone(id)!), 200);
    },
  );

  // GET /api/instance/:instanceId/contacts/image
  r.openapi(
    createRoute({
      method: 'get',
      path: `${base}/image`,
      tags: tag,
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
    async (c) => {
      const { instanceId } = c.req.valid('param');
      const id = chatIdOrThrow('chatId', c.req.valid('query').chatId);
      const engine = openEngine(deps.manager, instanceId);
      return c.json({ url: await engine.getProfilePicture(id) }, 200);
    },
  );

  for (const [action, blocked] of [['block', true], ['unblock', false]] as const) {
    // POST /api/instance/:instanceId/contacts/block and .../contacts/unblock
    r.openapi(
      createRoute({
        method: 'post',
        path: `${base}/${action}`,
        tags: tag,
        summary: blocked ? 'Block a contact: their messages are no longer delivered' : 'Unblock a contact',
        request: { params: InstanceIdParam, body: jsonBody(z.object({ chatId: ChatIdField })) },
        responses: { 200: jsonResponse(SuccessSchema, blocked ? 'Blocked' : 'Unblocked'), 400: errors[400], 404: errors[404], 409: errors[409] },
      }),
      async (c) => {
        const { instanceId } = c.req.valid('param');
        const id = userIdOrThrow('chatId', c.req.valid('json').chatId);
        await openEngine(deps.manager, instanceId).setBlocked(id, blocked);
        return c.json({ success: true as const }, 200);
      },
    );
  }

  return r;
}
