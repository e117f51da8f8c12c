import { createRoute, z } from '@hono/zod-openapi';
import { urlTrustOf } from '../../services/access/principal.js';
import type { Services } from '../deps.js';
import { requireOpenInstance } from '../middleware/instance.js';
import { createRouter, errors, InstanceIdParam, jsonBody, jsonResponse, SuccessSchema } from '../openapi.js';

const tags = ['Account'];
const base = '/api/instance/{instanceId}/profile';
const middleware = [requireOpenInstance];
const answers = { 400: errors[400], 404: errors[404], 409: errors[409], 501: errors[501], 502: errors[502] };

const ProfileSchema = z
  .object({
    id: z.string().openapi({ example: '905321234567@s.whatsapp.net' }),
    name: z.string().openapi({ example: 'Ahmet' }),
    about: z.string().nullable().openapi({ example: 'Hey there! I am using WhatsApp.' }),
    picture: z.string().nullable().openapi({ description: 'A URL (the sandbox: a data URI) of the profile picture; null when there is none' }),
  })
  .openapi('Profile');

const setting = z.string().nullable();
const PrivacySchema = z
  .object({ lastSeen: setting, online: setting, profile: setting, about: setting, readReceipts: setting, groupAdd: setting })
  .openapi('Privacy', { description: "WhatsApp's own words: all, contacts, contact_blacklist, none, match_last_seen; null when not known" });

function postRoute<S extends z.ZodObject>(name: string, summary: string, body: S) {
  return createRoute({ method: 'post', path: `${base}/${name}`, tags, middleware, summary, request: { params: InstanceIdParam, body: jsonBody(body) }, responses: { 200: jsonResponse(SuccessSchema, 'Done'), ...answers } });
}

/** The linked account itself: profile, privacy settings, and being online. */
export function profileRoutes({ account, media }: Pick<Services, 'account' | 'media'>) {
  const r = createRouter();

  // GET /api/instance/:instanceId/profile
  r.openapi(
    createRoute({ method: 'get', path: base, tags, middleware, summary: "The account's own profile: name, about, picture", request: { params: InstanceIdParam }, responses: { 200: jsonResponse(ProfileSchema, 'The profile'), ...answers } }),
    async (c) => c.json(await account.profile(c.get('instance').id), 200),
  );

  // POST /api/instance/:instanceId/profile/name
  r.openapi(postRoute('name', 'Change the name others see (the push name)', z.object({ name: z.string().trim().min(1).max(25).openapi({ example: 'Ahmet' }) })), async (c) => {
    await account.setName(c.get('instance').id, c.req.valid('json').name);
    return c.json({ success: true as const }, 200);
  });

  // POST /api/instance/:instanceId/profile/about
  r.openapi(postRoute('about', 'Change the "about" text', z.object({ about: z.string().max(139).openapi({ example: 'Mesai: 09-18' }) })), async (c) => {
    await account.setAbout(c.get('instance').id, c.req.valid('json').about);
    return c.json({ success: true as const }, 200);
  });

  // POST /api/instance/:instanceId/profile/picture
  r.openapi(
    postRoute(
      'picture',
      'Change the profile picture (null removes it)',
      z.object({ picture: z.string().min(1).nullable().openapi({ example: 'https://example.com/me.jpg', description: 'An image: http(s) URL, base64 data URI or a media/upload URL; null removes it' }) }),
    ),
    async (c) => {
      const instanceId = c.get('instance').id;
      const given = c.req.valid('json').picture;
      await account.setPicture(instanceId, given === null ? null : (await media.forSend(instanceId, 'picture', given, urlTrustOf(c.get('principal')))).media);
      return c.json({ success: true as const }, 200);
    },
  );

  // GET /api/instance/:instanceId/profile/privacy
  r.openapi(
    createRoute({ method: 'get', path: `${base}/privacy`, tags, middleware, summary: "The account's privacy settings", request: { params: InstanceIdParam }, responses: { 200: jsonResponse(PrivacySchema, 'The settings'), ...answers } }),
    async (c) => c.json(await account.privacy(c.get('instance').id), 200),
  );

  // POST /api/instance/:instanceId/profile/presence
  r.openapi(
    postRoute('presence', 'Be online (available) or offline (unavailable) for everyone', z.object({ state: z.enum(['available', 'unavailable']) })),
    async (c) => {
      await account.setPresence(c.get('instance').id, c.req.valid('json').state);
      return c.json({ success: true as const }, 200);
    },
  );

  return r;
}
