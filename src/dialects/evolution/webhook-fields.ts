import { z } from '@hono/zod-openapi';
import { AppError } from '../../errors.js';
import type { SettingsUpdateInput } from '../../services/settings/settings-service.js';

const flag = z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true');

/**
 * Evolution's webhook fields in all the spellings its clients send: `byEvents`/`base64` (Evolution
 * 2.2+), `webhookByEvents`/`webhookBase64` (the 2.1 docs, seed 000, the n8n node).
 */
export const WebhookFields = z.object({
  enabled: flag.optional(),
  url: z.string().trim().max(2048).optional().openapi({ example: 'https://n8n.example.com/webhook/evolution' }),
  byEvents: flag.optional(),
  webhookByEvents: flag.optional(),
  base64: flag.optional(),
  webhookBase64: flag.optional(),
  events: z.array(z.string()).optional().openapi({ example: ['MESSAGES_UPSERT', 'CONNECTION_UPDATE'] }),
  headers: z.record(z.string(), z.string()).optional(),
});
export type WebhookInput = z.output<typeof WebhookFields>;

/**
 * webhook/set's body in its three shapes: `{ webhook: { enabled, url, byEvents, base64, events,
 * headers } }` (Evolution 2.2+), the same flat (seed 000, Evolution's 2.1 docs), and nested with
 * `webhookByEvents`/`webhookBase64` (the n8n node).
 */
export const WebhookSet = WebhookFields.extend({ webhook: WebhookFields.optional() });

export function webhookOf(body: z.output<typeof WebhookSet>): WebhookInput {
  const { webhook, ...flat } = body;
  return webhook ?? flat;
}

/** The settings a webhook asks for: its URL, on or off, and Evolution's format with its options. */
export function webhookPatch(w: WebhookInput): SettingsUpdateInput {
  const enabled = w.enabled ?? true;
  if (enabled && !w.url) throw new AppError('bad_request', 'instance requires property "url"');
  return {
    ...(w.url !== undefined ? { webhookUrl: w.url } : {}),
    webhookEnabled: enabled,
    webhookFormat: 'evolution',
    evolution: {
      // An empty list is every event, as in Evolution.
      ...(w.events !== undefined ? { events: w.events.length ? w.events : null } : {}),
      byEvents: w.byEvents ?? w.webhookByEvents ?? false,
      base64: w.base64 ?? w.webhookBase64 ?? false,
      ...(w.headers !== undefined ? { headers: w.headers } : {}),
    },
  };
}
