import { createRoute, z } from '@hono/zod-openapi';
import { DEFAULT_EVENT_NAMES, EVENT_NAMES } from '../../services/events.js';
import { EVOLUTION_EVENTS } from '../../services/evolution/events.js';
import { actorOf, urlTrustOf } from '../../services/access/principal.js';
import { WEBHOOK_FORMATS, type InstanceSettings } from '../../services/settings/settings-store.js';
import { isWebhookUrlOrEmpty } from '../../services/settings/settings-service.js';
import type { Services } from '../deps.js';
import { createRouter, errors, InstanceIdParam, jsonBody, jsonResponse, SuccessSchema } from '../openapi.js';

const tag = ['Settings and webhooks'];
const path = '/api/instance/{instanceId}/settings';

const SettingsSchema = z
  .object({
    webhookUrl: z.string().openapi({ example: 'https://example.com/hooks/whatsapp' }),
    webhookEnabled: z.enum(['true', 'false']).openapi({ description: 'A string, as in the seed' }),
    sendDelay: z.string().openapi({ example: '0', description: 'Milliseconds between sends, as a string (as in the seed)' }),
    webhookEvents: z.array(z.enum(EVENT_NAMES)).openapi({ description: 'Events sent to the webhook' }),
    webhookSecret: z.string().openapi({ description: 'Standard Webhooks signing secret (whsec_...)' }),
    rejectCalls: z.enum(['true', 'false']).openapi({ description: 'Incoming calls are declined at once (a string, like webhookEnabled)' }),
    rejectCallsMessage: z.string().openapi({ example: 'Aramalara cevap veremiyoruz, lütfen yazın.', description: "Sent to the caller of a declined call; '' sends nothing" }),
    webhookFormat: z.enum(WEBHOOK_FORMATS).openapi({
      description: "The webhook body: `native` (the seed's envelope, Standard Webhooks signatures), `gowa` (GoWA's, with X-Hub-Signature-256) or `evolution` (Evolution API's, Standard Webhooks signatures)",
    }),
    evolution: z
      .object({
        events: z.array(z.string()).nullable().openapi({ description: "Evolution's event ids the webhook gets; null: every event" }),
        byEvents: z.boolean().openapi({ description: 'Each event to `<webhookUrl>/<event-name>` (messages-upsert, ...)' }),
        base64: z.boolean().openapi({ description: 'Media of messages.upsert inline as base64' }),
        headers: z.record(z.string(), z.string()).openapi({ description: 'Extra headers of every delivery' }),
        exposeToken: z.boolean().openapi({ description: 'An instance token is in webhooks (`apikey`) and fetchInstances (`token`)' }),
      })
      .openapi({ description: "Evolution API's webhook options (webhookFormat `evolution`)" }),
  })
  .openapi('Settings');

const booleanField = z
  .union([z.boolean(), z.enum(['true', 'false'])], { error: 'expected true or false' })
  .transform((v) => v === true || v === 'true');

const UpdateSettingsSchema = z
  .object({
    webhookUrl: z
      .string()
      .trim()
      .refine(isWebhookUrlOrEmpty, 'expected an http(s) URL, or "" to remove it')
      .optional(),
    webhookEnabled: booleanField.optional(),
    sendDelay: z
      .union([z.number(), z.string().regex(/^\s*\d+\s*$/, 'expected a whole number of milliseconds').transform(Number)])
      .pipe(z.number().int('expected a whole number of milliseconds').min(0, 'must be 0 or more').max(3_600_000, 'at most 3600000 ms'))
      .optional()
      .openapi({ type: 'integer', description: 'Milliseconds between two sends' }),
    webhookEvents: z
      .array(z.enum(EVENT_NAMES))
      .optional()
      .openapi({
        description: `Which events to send: any of ${EVENT_NAMES.join(', ')} (default the seed's three: ${DEFAULT_EVENT_NAMES.join(', ')}; the others are sent only when listed)`,
      }),
    rejectCalls: booleanField.optional().openapi({ description: 'Decline incoming calls at once' }),
    rejectCallsMessage: z.string().max(4096).optional().openapi({ description: "A text sent to the caller of a declined call; '' sends none" }),
    webhookFormat: z.enum(WEBHOOK_FORMATS).optional().openapi({
      description: "`native` (default), `gowa` (GoWA's body, event names and X-Hub-Signature-256; README: Coming from GoWA) or `evolution` (Evolution API's payloads; README: Coming from Evolution API)",
    }),
    evolution: z
      .object({
        events: z.array(z.enum(EVOLUTION_EVENTS)).nullable().optional().openapi({ description: 'Evolution event ids (MESSAGES_UPSERT, ...); null or [] for every event' }),
        byEvents: booleanField.optional(),
        base64: booleanField.optional(),
        headers: z.record(z.string(), z.string()).optional(),
        exposeToken: booleanField.optional().openapi({
          description: 'Put an instance token (a key with read and send on this instance) in webhooks (`apikey`) and fetchInstances (`token`), as Evolution does when AUTHENTICATION_EXPOSE_IN_FETCH_INSTANCES is on; false revokes it',
        }),
      })
      .strict()
      .optional(),
  })
  .strict()
  .openapi('UpdateSettings');

function settingsBody(s: InstanceSettings) {
  return {
    webhookUrl: s.webhookUrl,
    webhookEnabled: s.webhookEnabled ? ('true' as const) : ('false' as const),
    sendDelay: String(s.sendDelay),
    webhookEvents: s.webhookEvents,
    webhookSecret: s.webhookSecret,
    rejectCalls: s.rejectCalls ? ('true' as const) : ('false' as const),
    rejectCallsMessage: s.rejectCallsMessage,
    webhookFormat: s.webhookFormat,
    evolution: { events: s.evolution.events, byEvents: s.evolution.byEvents, base64: s.evolution.base64, headers: s.evolution.headers, exposeToken: s.evolution.apikey !== null },
  };
}

/** The Evolution options given, without the token choice (which the Evolution service makes). */
function evolutionOptions(e: NonNullable<z.output<typeof UpdateSettingsSchema>['evolution']>) {
  return {
    ...(e.events !== undefined ? { events: e.events?.length ? e.events : null } : {}),
    ...(e.byEvents !== undefined ? { byEvents: e.byEvents } : {}),
    ...(e.base64 !== undefined ? { base64: e.base64 } : {}),
    ...(e.headers !== undefined ? { headers: e.headers } : {}),
  };
}

export function settingsRoutes({ settings, evolution }: Pick<Services, 'settings' | 'evolution'>) {
  const r = createRouter();

  // GET /api/instance/:instanceId/settings
  r.openapi(
    createRoute({
      method: 'get',
      path,
      tags: tag,
      summary: 'Webhook and sending settings',
      request: { params: InstanceIdParam },
      responses: { 200: jsonResponse(SettingsSchema, 'The settings'), 404: errors[404] },
    }),
    async (c) => c.json(settingsBody(await settings.get(c.req.valid('param').instanceId)), 200),
  );

  for (const method of ['post', 'put', 'patch'] as const) {
    // POST|PUT|PATCH /api/instance/:instanceId/settings
    r.openapi(
      createRoute({
        method,
        path,
        tags: tag,
        summary: 'Update settings (only the fields given change)',
        request: { params: InstanceIdParam, body: jsonBody(UpdateSettingsSchema) },
        responses: { 200: jsonResponse(SuccessSchema, 'Updated'), 400: errors[400], 404: errors[404] },
      }),
      async (c) => {
        const body = c.req.valid('json');
        await settings.update(c.req.valid('param').instanceId, {
          ...(body.webhookUrl !== undefined ? { webhookUrl: body.webhookUrl } : {}),
          ...(body.webhookEnabled !== undefined ? { webhookEnabled: body.webhookEnabled } : {}),
          ...(body.sendDelay !== undefined ? { sendDelay: body.sendDelay } : {}),
          ...(body.webhookEvents !== undefined ? { webhookEvents: body.webhookEvents } : {}),
          ...(body.rejectCalls !== undefined ? { rejectCalls: body.rejectCalls } : {}),
          ...(body.rejectCallsMessage !== undefined ? { rejectCallsMessage: body.rejectCallsMessage } : {}),
          ...(body.webhookFormat !== undefined ? { webhookFormat: body.webhookFormat } : {}),
          ...(body.evolution ? { evolution: evolutionOptions(body.evolution) } : {}),
        }, actorOf(c.get('principal')), urlTrustOf(c.get('principal')));
        if (body.evolution?.exposeToken !== undefined) await evolution.setTokenExposed(c.req.valid('param').instanceId, body.evolution.exposeToken, actorOf(c.get('principal')));
        return c.json({ success: true as const }, 200);
      },
    );
  }

  // POST /api/instance/:instanceId/webhooks/secret/rotate
  r.openapi(
    createRoute({
      method: 'post',
      path: '/api/instance/{instanceId}/webhooks/secret/rotate',
      tags: tag,
      summary: 'Replace the webhook signing secret; deliveries from now on are signed with the new one',
      request: { params: InstanceIdParam },
      responses: {
        200: jsonResponse(z.object({ success: z.literal(true), webhookSecret: z.string() }), 'The new secret'),
        404: errors[404],
      },
    }),
    async (c) => c.json({ success: true as const, webhookSecret: await settings.rotateSecret(c.req.valid('param').instanceId, actorOf(c.get('principal'))) }, 200),
  );

  return r;
}
