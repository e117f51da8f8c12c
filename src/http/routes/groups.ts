import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app.js';
import { groupIdOrThrow } from '../../chats/ids.js';
import { openEngine } from '../../chats/open-engine.js';
import { notFound } from '../../errors.js';
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

const GroupSchema = z
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
  })
  .openapi('Group');

export function groupRoutes(deps: AppDeps) {
  const r = createRouter();

  const groupsOf = async (instanceId: string) => {
    const groups = await openEngine(deps.manager, instanceId).getGroups();
    return groups
      .map((g) => ({ id: g.id, name: g.name, participants: g.participants.length, creation: g.creation, desc: g.description }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  };

  // GET /api/instance/:instanceId/groups
  r.openapi(
    createRoute({
      method: 'get',
      path: base,
      tags: tag,
      summary: 'The groups the account is in',
      request: { params: InstanceIdParam },
      responses: { 200: jsonResponse(z.array(GroupSummarySchema), 'The groups'), 404: errors[404], 409: errors[409] },
    }),
    async (c) => c.json(await groupsOf(c.req.valid('param').instanceId), 200),
  );

  // GET /api/instance/:instanceId/groups/ids
  r.openapi(
    createRoute({
      method: 'get',
      path: `${base}/ids`,
      tags: tag,
      summary: 'The ids of the groups the account is in',
      request: { params: InstanceIdParam },
      responses: { 200: jsonResponse(z.array(z.string()).openapi({ example: [GroupIdExample] }), 'Group ids'), 404: errors[404], 409: errors[409] },
    }),
    async (c) => c.json((await groupsOf(c.req.valid('param').instanceId)).map((g) => g.id), 200),
  );

  // GET /api/instance/:instanceId/groups/group
  r.openapi(
    createRoute({
      method: 'get',
      path: `${base}/group`,
      tags: tag,
      summary: 'One group, with its participants',
      request: {
        params: InstanceIdParam,
        query: z.object({ groupId: z.string().min(1).openapi({ example: GroupIdExample, description: 'The group id' }) }),
      },
      responses: { 200: jsonResponse(GroupSchema, 'The group'), 400: errors[400], 404: errors[404], 409: errors[409] },
    }),
    async (c) => {
      const { instanceId } = c.req.valid('param');
      const groupId = groupIdOrThrow('groupId', c.req.valid('query').groupId);
      const group = await openEngine(deps.manager, instanceId).getGroup(groupId);
      if (!group) throw notFound(`groupId: no group ${groupId}, or this account is not in it`);
      return c.json(
        {
          id: group.id,
          name: group.name,
          description: group.description,
          participants: group.participants.map((p) => ({ id: p.id, admin: p.admin })),
          owner: group.owner,
        },
        200,
      );
    },
  );

  return r;
}
