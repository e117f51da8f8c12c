import { createRoute, z } from '@hono/zod-openapi';
import { actorOf } from '../../services/access/principal.js';
import { DATA_PARTS, type DataPart } from '../../services/instances/instance-data.js';
import { AppError } from '../../errors.js';
import type { Services } from '../deps.js';
import { createRouter, errors, InstanceIdParam, jsonBody, jsonResponse } from '../openapi.js';

const tag = ['Instances'];
const path = '/api/instance/{instanceId}';

const DeleteBody = z
  .object({
    scope: z.enum(['instance', 'data']).optional().openapi({ description: 'instance (default): the instance and everything of it; data: only its data, the instance stays' }),
    includes: z
      .object(Object.fromEntries(DATA_PARTS.map((part) => [part, z.boolean().optional()])) as Record<DataPart, z.ZodOptional<z.ZodBoolean>>)
      .strict()
      .optional()
      .openapi({ example: { messages: true, media: true }, description: 'With scope "data": the parts to remove (left out: all of them)' }),
  })
  .strict()
  .openapi('DeleteInstance');

const Summary = z
  .object({
    messages: z.number().optional(),
    contacts: z.number().optional(),
    chats: z.number().optional(),
    groups: z.number().optional().openapi({ description: 'Stored details of WhatsApp groups, removed with the chats' }),
    labels: z.number().optional().openapi({ description: 'Always 0: labels live in WhatsApp, Hatline keeps none' }),
    integrations: z.object({ webhook: z.boolean(), chatbotRules: z.number() }).optional(),
    media: z.object({ files: z.number(), bytes: z.number() }).optional(),
  })
  .openapi('DataSummary');

export function instanceEditRoutes({ instances, instanceGroups, instanceData }: Pick<Services, 'instances' | 'instanceGroups' | 'instanceData'>) {
  const r = createRouter();

  // PATCH /api/instance/:instanceId
  r.openapi(
    createRoute({
      method: 'patch',
      path,
      tags: tag,
      summary: 'File the instance under an instance group (groupId null: none)',
      request: { params: InstanceIdParam, body: jsonBody(z.object({ groupId: z.number().int().positive().nullable() }).strict().openapi('UpdateInstance')) },
      responses: {
        200: jsonResponse(z.object({ success: z.literal(true), instance: z.object({ id: z.string(), groupId: z.number().nullable() }) }), 'Changed'),
        400: errors[400],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) => {
      const { instanceId } = c.req.valid('param');
      const { groupId } = c.req.valid('json');
      await instanceGroups.assign(instanceId, groupId);
      return c.json({ success: true as const, instance: { id: instanceId, groupId } }, 200);
    },
  );

  // DELETE /api/instance/:instanceId
  r.openapi(
    createRoute({
      method: 'delete',
      path,
      tags: tag,
      summary: 'Delete an instance with its messages, media and session; or, with scope "data", only the data asked for',
      request: { params: InstanceIdParam, body: jsonBody(DeleteBody, false) },
      responses: {
        200: jsonResponse(
          z.object({
            success: z.literal(true),
            ok: z.literal(true).optional().openapi({ description: 'When scope was given' }),
            scope: z.enum(['instance', 'data']).optional().openapi({ description: 'When scope was given' }),
            summary: Summary.optional().openapi({ description: 'With scope "data": what was removed' }),
          }),
          'Deleted',
        ),
        400: errors[400],
        404: errors[404],
      },
    }),
    async (c) => {
      const { instanceId } = c.req.valid('param');
      const body = (c.req.valid('json') ?? {}) as z.infer<typeof DeleteBody>;
      const actor = actorOf(c.get('principal'));
      if (body.scope !== 'data') {
        if (body.includes) throw new AppError('bad_request', 'includes: only with scope "data"');
        await instances.delete(instanceId, actor);
        // The seed's { success: true }; seed 000's ok and scope too when the client spoke of a scope.
        return c.json(body.scope ? { success: true as const, ok: true as const, scope: 'instance' as const } : { success: true as const }, 200);
      }
      const asked = body.includes ? DATA_PARTS.filter((part) => body.includes![part] === true) : [...DATA_PARTS];
      if (asked.length === 0) throw new AppError('bad_request', `includes: name at least one of ${DATA_PARTS.join(', ')} as true`);
      const summary = await instanceData.remove(instanceId, new Set(asked), actor);
      return c.json({ success: true as const, ok: true as const, scope: 'data' as const, summary }, 200);
    },
  );

  return r;
}
