import { createRoute, z } from '@hono/zod-openapi';
import { GROUP_COLORS } from '../../services/instances/instance-groups.js';
import type { Services } from '../deps.js';
import { createRouter, errors, jsonBody, jsonResponse, SuccessSchema } from '../openapi.js';

const tag = ['Instance groups'];

const Color = z.enum(GROUP_COLORS).openapi({ example: 'sky', description: 'grape, peach, wagreen, sky, rose or cream (default wagreen)' });

const GroupSchema = z
  .object({
    id: z.number(),
    name: z.string().openapi({ example: 'Sales' }),
    color: Color,
    instanceIds: z.array(z.string()).openapi({ description: 'The instances filed under it (of those the token sees)' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('InstanceGroup');

const Name = z.string().min(1).max(80).openapi({ example: 'Sales' });
const IdParam = z.object({ id: z.coerce.number().int().positive().openapi({ param: { name: 'id', in: 'path' }, example: 1 }) });
const Answer = z.object({ success: z.literal(true), group: GroupSchema });

export function instanceGroupRoutes({ instanceGroups }: Pick<Services, 'instanceGroups'>) {
  const r = createRouter();

  // GET /api/instance-groups
  r.openapi(
    createRoute({
      method: 'get',
      path: '/api/instance-groups',
      tags: tag,
      summary: 'Instance groups with their instances (a key scoped to instances: the groups they are in)',
      responses: { 200: jsonResponse(z.object({ groups: z.array(GroupSchema) }), 'Groups') },
    }),
    async (c) => c.json({ groups: await instanceGroups.list(c.get('principal')) }, 200),
  );

  // POST /api/instance-groups
  r.openapi(
    createRoute({
      method: 'post',
      path: '/api/instance-groups',
      tags: tag,
      summary: 'Create an instance group',
      request: { body: jsonBody(z.object({ name: Name, color: Color.optional() }).strict().openapi('CreateInstanceGroup')) },
      responses: { 200: jsonResponse(Answer, 'Created'), 400: errors[400], 403: errors[403] },
    }),
    async (c) => c.json({ success: true as const, group: await instanceGroups.create(c.get('principal'), c.req.valid('json')) }, 200),
  );

  // PATCH /api/instance-groups/:id
  r.openapi(
    createRoute({
      method: 'patch',
      path: '/api/instance-groups/{id}',
      tags: tag,
      summary: 'Rename an instance group or change its colour',
      request: { params: IdParam, body: jsonBody(z.object({ name: Name.optional(), color: Color.optional() }).strict().openapi('UpdateInstanceGroup')) },
      responses: { 200: jsonResponse(Answer, 'Changed'), 400: errors[400], 403: errors[403], 404: errors[404] },
    }),
    async (c) => c.json({ success: true as const, group: await instanceGroups.update(c.get('principal'), c.req.valid('param').id, c.req.valid('json')) }, 200),
  );

  // DELETE /api/instance-groups/:id
  r.openapi(
    createRoute({
      method: 'delete',
      path: '/api/instance-groups/{id}',
      tags: tag,
      summary: 'Delete an instance group: its instances stay, without a group',
      request: { params: IdParam },
      responses: { 200: jsonResponse(SuccessSchema, 'Deleted'), 400: errors[400], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      await instanceGroups.delete(c.req.valid('param').id);
      return c.json({ success: true as const }, 200);
    },
  );

  return r;
}
