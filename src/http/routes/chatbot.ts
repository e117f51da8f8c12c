import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app.js';
import { AppError, notFound } from '../../errors.js';
import { compilePattern, MATCH_TYPES, PatternError } from '../../jobs/chatbot/matching.js';
import * as rulesRepo from '../../storage/chatbot-repo.js';
import type { ChatbotRuleRow } from '../../storage/schema.js';
import { createRouter, errors, InstanceIdParam, jsonBody, jsonResponse, SuccessSchema } from '../openapi.js';

const tag = ['Chatbot'];
const base = '/api/instance/{instanceId}/chatbot';

const RuleSchema = z
  .object({
    id: z.number(),
    match_type: z.enum(MATCH_TYPES as [string, ...string[]]),
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
    match_type: z.enum(MATCH_TYPES as [string, ...string[]]).optional().openapi({ description: 'exact (default), contains, startswith or regex' }),
    trigger_text: z.string().trim().min(1).max(1000).openapi({ example: 'fiyat' }),
    response: z.string().min(1).max(4096).openapi({ example: 'Merhaba {name}, fiyat listemiz: ...' }),
    delay: z.number().int().min(0).max(3600).optional().openapi({ description: 'Seconds (default 1)' }),
    enabled: flag.optional().openapi({ type: 'boolean', description: 'Default true' }),
    priority: z.number().int().min(-1_000_000).max(1_000_000).optional().openapi({ description: 'Default 0; low first' }),
  })
  .openapi('SaveChatbotRule');

export function ruleView(row: ChatbotRuleRow) {
  return {
    id: row.id,
    match_type: row.match_type,
    trigger_text: row.trigger_text,
    response: row.response,
    delay: row.delay,
    enabled: row.enabled,
    priority: row.priority,
  };
}

export function chatbotRoutes(deps: AppDeps) {
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
    async (c) => {
      const { instanceId } = c.req.valid('param');
      deps.manager.get(instanceId);
      const [rows, settings] = await Promise.all([rulesRepo.listRules(deps.db, instanceId), deps.settings.get(instanceId)]);
      return c.json({ rules: rows.map(ruleView), enabled: settings?.chatbotEnabled ?? true }, 200);
    },
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
      const { instanceId } = c.req.valid('param');
      const b = c.req.valid('json');
      deps.manager.get(instanceId);
      const existing = b.id !== undefined ? await rulesRepo.findRule(deps.db, instanceId, b.id) : undefined;
      if (b.id !== undefined && !existing) throw notFound(`id: no chatbot rule ${b.id} on instance ${instanceId}`);
      const fields = {
        match_type: b.match_type ?? existing?.match_type ?? 'exact',
        trigger_text: b.trigger_text,
        response: b.response,
        delay: b.delay ?? existing?.delay ?? 1,
        enabled: b.enabled === undefined ? (existing?.enabled ?? 1) : b.enabled ? 1 : 0,
        priority: b.priority ?? existing?.priority ?? 0,
      };
      if (fields.match_type === 'regex') {
        try {
          compilePattern(fields.trigger_text);
        } catch (err) {
          if (err instanceof PatternError) throw new AppError('bad_request', `trigger_text: ${err.message}`);
          throw err;
        }
      }
      const id = existing ? existing.id : await rulesRepo.insertRule(deps.db, instanceId, fields);
      if (existing) await rulesRepo.updateRule(deps.db, instanceId, id, fields);
      deps.chatbot.forget(instanceId);
      const saved = await rulesRepo.findRule(deps.db, instanceId, id);
      return c.json({ success: true as const, id, rule: ruleView(saved!) }, 200);
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
      deps.manager.get(instanceId);
      if (!(await rulesRepo.deleteRule(deps.db, instanceId, id))) throw notFound(`no chatbot rule ${id} on instance ${instanceId}`);
      deps.chatbot.forget(instanceId);
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
      const { instanceId } = c.req.valid('param');
      const { enabled } = c.req.valid('json');
      deps.manager.get(instanceId);
      await deps.settings.update(instanceId, { chatbotEnabled: enabled });
      return c.json({ success: true as const, enabled }, 200);
    },
  );

  return r;
}
