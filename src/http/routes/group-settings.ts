import { createRoute, z } from '@hono/zod-openapi';
import { groupIdOrThrow } from '../../ids.js';
import { urlTrustOf } from '../../services/access/principal.js';
import type { Services } from '../deps.js';
import { requireOpenInstance } from '../middleware/instance.js';
import { createRouter, errors, InstanceIdParam, jsonBody, jsonResponse, SuccessSchema } from '../openapi.js';
import { GroupIdField } from './group-admin.js';

const tags = ['Groups'];
const base = '/api/instance/{instanceId}/groups';
const responses = { 200: jsonResponse(SuccessSchema, 'Changed'), 400: errors[400], 404: errors[404], 409: errors[409], 501: errors[501], 502: errors[502] };

function settingRoute<S extends z.ZodObject>(name: string, summary: string, body: S) {
  return createRoute({
    method: 'post',
    path: `${base}/${name}`,
    tags,
    summary,
    middleware: [requireOpenInstance],
    request: { params: InstanceIdParam, body: jsonBody(body) },
    responses,
  });
}

/** A group's name, description, picture and its two settings (in a locked group, admins only). */
export function groupSettingRoutes({ groupAdmin: groups, media }: Pick<Services, 'groupAdmin' | 'media'>) {
  const r = createRouter();

  // POST /api/instance/:instanceId/groups/name
  r.openapi(settingRoute('name', "Change the group's name", z.object({ groupId: GroupIdField, name: z.string().trim().min(1).max(100).openapi({ example: 'Ekip 2027' }) })), async (c) => {
    const b = c.req.valid('json');
    await groups.setName(c.get('instance').id, groupIdOrThrow('groupId', b.groupId), b.name);
    return c.json({ success: true as const }, 200);
  });

  // POST /api/instance/:instanceId/groups/description
  r.openapi(
    settingRoute('description', "Change the group's description ('' removes it)", z.object({ groupId: GroupIdField, description: z.string().max(2048).openapi({ example: 'Haftalık toplantılar' }) })),
    async (c) => {
      const b = c.req.valid('json');
      await groups.setDescription(c.get('instance').id, groupIdOrThrow('groupId', b.groupId), b.description);
      return c.json({ success: true as const }, 200);
    },
  );

  // POST /api/instance/:instanceId/groups/picture
  r.openapi(
    settingRoute(
      'picture',
      "Change the group's picture (null removes it)",
      z.object({
        groupId: GroupIdField,
        picture: z.string().min(1).nullable().openapi({ example: 'https://example.com/logo.jpg', description: 'An image: http(s) URL, base64 data URI or a media/upload URL; null removes the picture' }),
      }),
    ),
    async (c) => {
      const b = c.req.valid('json');
      const instanceId = c.get('instance').id;
      const groupId = groupIdOrThrow('groupId', b.groupId);
      const picture = b.picture === null ? null : (await media.forSend(instanceId, 'picture', b.picture, urlTrustOf(c.get('principal')))).media;
      await groups.setPicture(instanceId, groupId, picture);
      return c.json({ success: true as const }, 200);
    },
  );

  // POST /api/instance/:instanceId/groups/announce
  r.openapi(
    settingRoute('announce', 'Only admins send messages (true), or everyone (false); admins only', z.object({ groupId: GroupIdField, announce: z.boolean() })),
    async (c) => {
      const b = c.req.valid('json');
      await groups.setAnnounce(c.get('instance').id, groupIdOrThrow('groupId', b.groupId), b.announce);
      return c.json({ success: true as const }, 200);
    },
  );

  // POST /api/instance/:instanceId/groups/locked
  r.openapi(
    settingRoute('locked', "Only admins edit the group's info (true), or everyone (false); admins only", z.object({ groupId: GroupIdField, locked: z.boolean() })),
    async (c) => {
      const b = c.req.valid('json');
      await groups.setLocked(c.get('instance').id, groupIdOrThrow('groupId', b.groupId), b.locked);
      return c.json({ success: true as const }, 200);
    },
  );

  return r;
}
