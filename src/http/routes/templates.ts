import { createRoute, z } from '@hono/zod-openapi';
import type { Services } from '../deps.js';
import { createRouter, errors, jsonBody, jsonResponse, SuccessSchema } from '../openapi.js';

const tag = ['Templates'];

const TemplateSchema = z
  .object({
    id: z.number(),
    title: z.string().openapi({ example: 'Order shipped' }),
    body: z.string().openapi({ example: 'Hello {name}, your order {order} is on its way.' }),
    category: z.string().nullable().openapi({ example: 'Orders' }),
    shortcut: z.string().nullable().openapi({ example: '/shipped' }),
    instanceId: z.string().nullable().openapi({ description: 'null: shared by every instance' }),
    variables: z.array(z.string()).openapi({ example: ['name', 'order'], description: 'The {variables} the body uses' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Template');

const Title = z.string().min(1).max(120).openapi({ example: 'Order shipped' });
const Body = z.string().min(1).max(65536).openapi({ example: 'Hello {name}, your order {order} is on its way.', description: '{name}, {phone} and the recipient\'s own vars are filled per recipient' });
const Category = z.string().max(60).nullable().optional().openapi({ example: 'Orders' });
const Shortcut = z.string().max(40).nullable().optional().openapi({ example: '/shipped', description: 'Unique among the shared templates, or among one instance\'s' });

const CreateTemplateBody = z
  .object({
    title: Title,
    body: Body,
    category: Category,
    shortcut: Shortcut,
    instanceId: z.string().min(1).max(64).nullable().optional().openapi({ description: 'The instance it belongs to; left out: shared by every instance (needs a global key)' }),
  })
  .strict()
  .openapi('CreateTemplate');

const UpdateTemplateBody = z.object({ title: Title.optional(), body: Body.optional(), category: Category, shortcut: Shortcut }).strict().openapi('UpdateTemplate');

const IdParam = z.object({ id: z.coerce.number().int().positive().openapi({ param: { name: 'id', in: 'path' }, example: 1 }) });
const Answer = z.object({ success: z.literal(true), template: TemplateSchema });

export function templateRoutes({ templates }: Pick<Services, 'templates'>) {
  const r = createRouter();

  // GET /api/templates
  r.openapi(
    createRoute({
      method: 'get',
      path: '/api/templates',
      tags: tag,
      summary: 'Message templates: the shared ones and those of the instances the token sees',
      request: {
        query: z.object({
          instanceId: z.string().min(1).max(64).optional().openapi({ description: 'Only what this instance can use: shared templates and its own' }),
          category: z.string().max(60).optional(),
          q: z.string().max(200).optional().openapi({ description: 'Text in the title, body or shortcut (any case)' }),
        }),
      },
      responses: { 200: jsonResponse(z.object({ templates: z.array(TemplateSchema) }), 'Templates'), 400: errors[400], 404: errors[404] },
    }),
    async (c) => c.json({ templates: await templates.list(c.get('principal'), c.req.valid('query')) }, 200),
  );

  // POST /api/templates
  r.openapi(
    createRoute({
      method: 'post',
      path: '/api/templates',
      tags: tag,
      summary: 'Create a template',
      request: { body: jsonBody(CreateTemplateBody) },
      responses: { 200: jsonResponse(Answer, 'Created'), 400: errors[400], 403: errors[403], 404: errors[404], 409: errors[409] },
    }),
    async (c) => {
      const { instanceId, ...input } = c.req.valid('json');
      return c.json({ success: true as const, template: await templates.create(c.get('principal'), instanceId ?? null, input) }, 200);
    },
  );

  // GET /api/templates/:id
  r.openapi(
    createRoute({
      method: 'get',
      path: '/api/templates/{id}',
      tags: tag,
      summary: 'One template',
      request: { params: IdParam },
      responses: { 200: jsonResponse(z.object({ template: TemplateSchema }), 'The template'), 400: errors[400], 404: errors[404] },
    }),
    async (c) => c.json({ template: await templates.get(c.get('principal'), c.req.valid('param').id) }, 200),
  );

  // PATCH /api/templates/:id
  r.openapi(
    createRoute({
      method: 'patch',
      path: '/api/templates/{id}',
      tags: tag,
      summary: 'Change a template (the fields given)',
      request: { params: IdParam, body: jsonBody(UpdateTemplateBody) },
      responses: { 200: jsonResponse(Answer, 'Changed'), 400: errors[400], 403: errors[403], 404: errors[404], 409: errors[409] },
    }),
    async (c) => c.json({ success: true as const, template: await templates.update(c.get('principal'), c.req.valid('param').id, c.req.valid('json')) }, 200),
  );

  // DELETE /api/templates/:id
  r.openapi(
    createRoute({
      method: 'delete',
      path: '/api/templates/{id}',
      tags: tag,
      summary: 'Delete a template (bulk jobs, campaigns and scheduled messages made from it keep their text)',
      request: { params: IdParam },
      responses: { 200: jsonResponse(SuccessSchema, 'Deleted'), 400: errors[400], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      await templates.delete(c.get('principal'), c.req.valid('param').id);
      return c.json({ success: true as const }, 200);
    },
  );

  return r;
}
