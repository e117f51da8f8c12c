import { createRoute, z } from '@hono/zod-openapi';
import { MATCH_TYPES } from '../../services/chatbot/matching.js';
import type { Services } from '../deps.js';
import { createRouter, errors, InstanceIdParam, jsonBody, jsonResponse, SuccessSchema } from '../openapi.js';

const tag = ['Chatbot'];
const base = '/api/instance/{instanceId}/chatbot';

const RuleSchema = z
  .object({
    id: z.number(),
    match_type: z.enum(MATCH_TYPES),
    trigger_text: z.string(),
    response: z.string(),
    delay: z.number().openapi({ description: 'Seconds before the reply' }),
    enabled: z.number().openapi({ description: '1 or 0, as in the seed' }),
    priority: z.number().openapi({ description: 'Low first' }),
  })
  .openapi('ChatbotRule');

const flag = z.union([z.boolean(), z.literal(0), z.literal(1)], { error: 'expected true or false' }).transform((v) => v === true || v === 1);

const SaveRuleSchema = z
  .object({
    id: z.number().int().positive().optional().openapi({ description: 'Given: update that rule; left out: create one' }),
    match_type: z.enum(MATCH_TYPES).optional().openapi({ description: 'exact (default), contains, startswith or regex' }),
    trigger_text: z.string().trim().min(1).max(1000).openapi({ example: 'fiyat' }),
    response: z.string().min(1).max(4096).openapi({ example: 'Merhaba {name}, fiyat listemiz: ...' }),
    delay: z.number().int().min(0).max(3600).optional().openapi({ description: 'Seconds (default 1)' }),
    enabled: flag.optional().openapi({ type: 'boolean', description: 'Default true' }),
    priority: z.number().int().min(-1_000_000).max(1_000_000).optional().openapi({ description: 'Default 0; low first' }),
  })
  .openapi('SaveChatbotRule');

export function chatbotRoutes({ chatbot }: Pick<Services, 'chatbot'>) {
  const r = createRouter();

  // GET /api/instance/:instanceId/chatbot/rules
  r.openapi(
    createRoute({
      method: 'get',
      path: `${base}/rules`,
      tags: tag,
      summary: 'The chatbot rules, in the order they are tried, and whether the chatbot is on',
      request: { params: InstanceIdParam },
      responses: { 200: jsonResponse(z.object({ rules: z.array(RuleSchema), enabled: z.boolean() }), 'Rules'), 404: errors[404] },
    }),
    async (c) => c.json(await chatbot.rules(c.req.valid('param').instanceId), 200),
  );

  // POST /api/instance/:instanceId/chatbot/rules
  r.openapi(
    createRoute({
      method: 'post',
      path: `${base}/rules`,
      tags: tag,
      summary: 'Create a rule, or update one when `id` is given. {name}, {phone} and {time} in the response are filled in',
      request: { params: InstanceIdParam, body: jsonBody(SaveRuleSchema) },
      responses: {
        200: jsonResponse(z.object({ success: z.literal(true), id: z.number(), rule: RuleSchema }), 'Saved'),
        400: errors[400],
        404: errors[404],
      },
    }),
    async (c) => {
      const rule = await chatbot.save(c.req.valid('param').instanceId, c.req.valid('json'));
      return c.json({ success: true as const, id: rule.id, rule }, 200);
    },
  );

  // DELETE /api/instance/:instanceId/chatbot/rules/:id
  r.openapi(
    createRoute({
      method: 'delete',
      path: `${base}/rules/{id}`,
      tags: tag,
      summary: 'Delete a rule',
      request: { params: InstanceIdParam.extend({ id: z.coerce.number().int().positive().openapi({ param: { name: 'id', in: 'path' } }) }) },
      responses: { 200: jsonResponse(SuccessSchema, 'Deleted'), 400: errors[400], 404: errors[404] },
    }),
    async (c) => {
      const { instanceId, id } = c.req.valid('param');
      await chatbot.remove(instanceId, id);
      return c.json({ success: true as const }, 200);
    },
  );

  // POST /api/instance/:instanceId/chatbot/toggle
  r.openapi(
    createRoute({
      method: 'post',
      path: `${base}/toggle`,
      tags: tag,
      summary: 'Turn the chatbot on or off',
      request: { params: InstanceIdParam, body: jsonBody(z.object({ enabled: flag.openapi({ type: 'boolean' }) })) },
      responses: {
        200: jsonResponse(z.object({ success: z.literal(true), enabled: z.boolean() }), 'Toggled'),
        400: errors[400],
        404: errors[404],
      },
    }),
    async (c) => {
      const { enabled } = c.req.valid('json');
      await chatbot.setEnabled(c.req.valid('param').instanceId, enabled);
      return c.json({ success: true as const, enabled }, 200);
    },
  );

  return r;
}
