import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../http/context.js';
import type { Services } from '../../http/deps.js';
import { actorOf, urlTrustOf } from '../../services/access/principal.js';
import { checkChosenSecret } from '../../services/settings/settings-service.js';
import type { InstanceSettings } from '../../services/settings/settings-store.js';
import { eventsOfGowaList, gowaListOf } from '../../services/webhooks/gowa-webhook.js';
import { validParams } from '../kit.js';
import { namedDevice } from './device.js';
import { ok } from './envelope.js';
import { flag } from './params.js';
import { manage, type gowaRoutes } from './route.js';

export const DeviceWebhook = z.object({
  webhook_url: z
    .string({ error: 'cannot be blank' })
    .trim()
    .max(2048)
    .refine((v) => v === '' || (/^https?:\/\/\S+$/i.test(v) && URL.canParse(v)), 'must be an http(s) URL, or empty to turn the webhook off')
    .openapi({ example: 'https://example.com/webhook', description: 'Where events go; empty turns the webhook off' }),
  webhook_secret: z.string().optional().openapi({ description: 'Your own signing secret (16 characters or more; GoWA\'s default "secret" is refused); left out: the device\'s own' }),
  webhook_events: z.string().optional().openapi({ example: 'message,message.ack', description: "GoWA's event names, comma-separated; empty: every event GoWA has" }),
  webhook_insecure_skip_verify: flag.optional().openapi({ description: 'Accepted; TLS certificates are always verified' }),
});
export type DeviceWebhookInput = Partial<z.output<typeof DeviceWebhook>>;

/** A device's webhook as GoWA answers it. */
export const webhookView = (deviceId: string, s: InstanceSettings) => ({
  device_id: deviceId,
  webhook_url: s.webhookUrl,
  webhook_secret: s.webhookSecret,
  webhook_events: s.webhookFormat === 'gowa' ? gowaListOf(s.webhookEvents) : '',
  webhook_insecure_skip_verify: false,
});

/**
 * Points a device's webhook where a GoWA client asks, in GoWA's format: its URL (empty: off), its
 * events by GoWA's names (none: all) and, when given, the client's own secret (none: the one it has). Everything is checked before
 * anything changes.
 */
export async function applyGowaWebhook(c: Context<AppEnv>, settings: Services['settings'], instanceId: string, input: DeviceWebhookInput): Promise<InstanceSettings> {
  const url = input.webhook_url ?? '';
  // As GoWA: the events given, or every event when none are (a device webhook is set whole).
  const events = eventsOfGowaList('webhook_events', input.webhook_events ?? '');
  if (input.webhook_secret !== undefined) checkChosenSecret(input.webhook_secret, 'webhook_secret');
  const actor = actorOf(c.get('principal'));
  const updated = await settings.update(
    instanceId,
    { webhookUrl: url, webhookEnabled: url !== '', webhookFormat: 'gowa', webhookEvents: events },
    actor,
    urlTrustOf(c.get('principal')),
  );
  if (input.webhook_secret === undefined) return updated;
  await settings.setSecret(instanceId, input.webhook_secret, actor, 'webhook_secret');
  return settings.get(instanceId);
}

export interface WebhookRouteDeps {
  services: Pick<Services, 'instances' | 'settings'>;
}

/** /devices/{device_id}/webhook: the device's webhook, GoWA's way (it switches the instance to GoWA's webhook format). */
export function webhookRoutes(route: ReturnType<typeof gowaRoutes>, { services: { instances, settings } }: WebhookRouteDeps) {
  route({
    method: 'GET',
    path: '/devices/:device_id/webhook',
    summary: "A device's webhook: URL, signing secret, events (GoWA's names)",
    // It shows the signing secret, as the native settings do: manage.
    requirement: manage,
    run: async (c) => {
      const id = namedDevice(c, instances).id;
      return ok(c, 'Device webhook retrieved', webhookView(id, await settings.get(id)));
    },
  });

  route({
    method: 'PATCH',
    path: '/devices/:device_id/webhook',
    summary: "Set a device's webhook, in GoWA's format (body, event names, X-Hub-Signature-256)",
    requirement: manage,
    fields: DeviceWebhook,
    run: async (c) => {
      const id = namedDevice(c, instances).id;
      const b = await validParams(c, DeviceWebhook);
      return ok(c, 'Device webhook updated', webhookView(id, await applyGowaWebhook(c, settings, id, b)));
    },
  });
}
