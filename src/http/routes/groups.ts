import { createRoute, z } from '@hono/zod-openapi';
import { groupIdOrThrow } from '../../ids.js';
import type { Services } from '../deps.js';
import { requireOpenInstance } from '../middleware/instance.js';
import { createRouter, errors, InstanceIdParam, jsonResponse } from '../openapi.js';

const tag = ['Groups'];
const base = '/api/instance/{instanceId}/groups';
const GroupIdExample = '120363012345678901@g.us';

const GroupSummarySchema = z
  .object({
    id: z.string().openapi({ example: GroupIdExample }),
    name: z.string().openapi({ example: 'Ekip' }),
    participants: z.number().openapi({ example: 12, description: 'How many members' }),
    creation: z.number().nullable().openapi({ example: 1700000000, description: 'Unix seconds' }),
    desc: z.string().nullable().openapi({ description: 'The group description; null when there is none' }),
  })
  .openapi('GroupSummary');

export const GroupSchema = z
  .object({
    id: z.string().openapi({ example: GroupIdExample }),
    name: z.string().openapi({ example: 'Ekip' }),
    description: z.string().nullable(),
    participants: z.array(
      z.object({
        id: z.string().openapi({ example: '905321234567@s.whatsapp.net' }),
        admin: z.enum(['admin', 'superadmin']).nullable().openapi({ description: 'superadmin (the creator), admin, or null for a member' }),
      }),
    ),
    owner: z.string().nullable().openapi({ example: '905321234567@s.whatsapp.net' }),
    creation: z.number().nullable().openapi({ example: 1700000000, description: 'Unix seconds' }),
    announce: z.boolean().nullable().openapi({ description: 'Only admins send messages (null: not known)' }),
    locked: z.boolean().nullable().openapi({ description: "Only admins edit the group's info (null: not known)" }),
  })
  .openapi('Group');

export function groupRoutes({ groups }: Pick<Services, 'groups'>) {
  const r = createRouter();
  const middleware = [requireOpenInstance];

  // GET /api/instance/:instanceId/groups
  r.openapi(
    createRoute({
      method: 'get',
      path: base,
      tags: tag,
      middleware,
      summary: 'The groups the account is in',
      request: { params: InstanceIdParam },
      responses: { 200: jsonResponse(z.array(GroupSummarySchema), 'The groups'), 404: errors[404], 409: errors[409] },
    }),
    async (c) => c.json(await groups.list(c.req.valid('param').instanceId), 200),
  );

  // GET /api/instance/:instanceId/groups/ids
  r.openapi(
    createRoute({
      method: 'get',
      path: `${base}/ids`,
      tags: tag,
      middleware,
      summary: 'The ids of the groups the account is in',
      request: { params: InstanceIdParam },
      responses: { 200: jsonResponse(z.array(z.string()).openapi({ example: [GroupIdExample] }), 'Group ids'), 404: errors[404], 409: errors[409] },
    }),
    async (c) => c.json((await groups.list(c.req.valid('param').instanceId)).map((g) => g.id), 200),
  );

  // GET /api/instance/:instanceId/groups/group
  r.openapi(
    createRoute({
      method: 'get',
      path: `${base}/group`,
      tags: tag,
      middleware,
      summary: 'One group, with its participants',
      request: {
        params: InstanceIdParam,
        query: z.object({ groupId: z.string().min(1).openapi({ example: GroupIdExample, description: 'The group id' }) }),
      },
      responses: { 200: jsonResponse(GroupSchema, 'The group'), 400: errors[400], 404: errors[404], 409: errors[409] },
    }),
    async (c) => c.json(await groups.get(c.req.valid('param').instanceId, groupIdOrThrow('groupId', c.req.valid('query').groupId)), 200),
  );

  return r;
}
