import { z } from '@hono/zod-openapi';
import type { Services } from '../../http/deps.js';
import { actorOf, urlTrustOf } from '../../services/access/principal.js';
import { evolutionParams } from './envelope.js';
import { instanceOf, manage, read, type evolutionRoutes } from './route.js';
import { IGNORED_SETTINGS, settingsOf, webhookRow } from './shapes.js';
import { webhookOf, webhookPatch, WebhookSet } from './webhook-fields.js';

const flag = z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true');

/** Seed 000 makes every field optional (Evolution requires the six flags): a field left out stays as it is. */
const SetSettings = z.object({
  rejectCall: flag.optional(),
  msgCall: z.string().max(4096).optional(),
  groupsIgnore: flag.optional(),
  alwaysOnline: flag.optional(),
  readMessages: flag.optional(),
  readStatus: flag.optional(),
  syncFullHistory: flag.optional(),
  historySyncDays: z.union([z.number(), z.string()]).optional(),
  wavoipToken: z.string().optional(),
});

export function configRoutes(route: ReturnType<typeof evolutionRoutes>, services: Services) {
  const { instances, settings } = services;

  route({
    method: 'GET',
    path: 'webhook/find',
    summary: 'The webhook (null when none was set); webhookFormat says whose payloads it gets',
    requirement: manage,
    status: 200,
    run: async (c) => {
      const id = instanceOf(c, instances).id;
      return webhookRow(id, await settings.get(id));
    },
  });

  route({
    method: 'POST',
    path: 'webhook/set',
    summary: "Set the webhook; it then gets Evolution's payloads (any of the three body shapes: nested, flat, nested with webhookByEvents)",
    requirement: manage,
    status: 201,
    fields: WebhookSet,
    run: async (c) => {
      const id = instanceOf(c, instances).id;
      const b = await evolutionParams(c, WebhookSet);
      const principal = c.get('principal');
      return webhookRow(id, await settings.update(id, webhookPatch(webhookOf(b)), actorOf(principal), urlTrustOf(principal)));
    },
  });

  route({
    method: 'GET',
    path: 'settings/find',
    summary: 'Declining calls (rejectCall, msgCall); the other Evolution settings are not Hatline behaviours and read false',
    requirement: read,
    status: 200,
    run: async (c) => {
      const id = instanceOf(c, instances).id;
      return settingsOf(await settings.get(id));
    },
  });

  route({
    method: 'POST',
    path: 'settings/set',
    summary: 'Set rejectCall and msgCall; other fields set to true are listed in `ignored`',
    requirement: manage,
    status: 201,
    fields: SetSettings,
    run: async (c) => {
      const id = instanceOf(c, instances).id;
      const b = await evolutionParams(c, SetSettings);
      const principal = c.get('principal');
      const saved = await settings.update(
        id,
        { ...(b.rejectCall !== undefined ? { rejectCalls: b.rejectCall } : {}), ...(b.msgCall !== undefined ? { rejectCallsMessage: b.msgCall } : {}) },
        actorOf(principal),
        urlTrustOf(principal),
      );
      const ignored = IGNORED_SETTINGS.filter((name) => name === 'historySyncDays' ? b.historySyncDays !== undefined : b[name] === true);
      return { settings: { instanceName: id, settings: settingsOf(saved) }, ...(ignored.length ? { ignored } : {}) };
    },
  });
}
