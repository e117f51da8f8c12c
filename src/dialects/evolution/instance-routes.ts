import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AppError } from '../../errors.js';
import type { AppEnv } from '../../http/context.js';
import type { Services } from '../../http/deps.js';
import { actorOf, urlTrustOf } from '../../services/access/principal.js';
import { INSTANCE_ID, type InstanceState } from '../../services/instances/instance-state.js';
import type { SettingsUpdateInput } from '../../services/settings/settings-service.js';
import { evolutionParams } from './envelope.js';
import { instanceOf, manage, read, type evolutionRoutes } from './route.js';
import { instanceRow, settingsOf, stateOf } from './shapes.js';
import { WebhookFields, webhookPatch } from './webhook-fields.js';

/** How long create (qrcode: true), connect and restart wait for a QR code or a pairing code. */
const LINK_WAIT_MS = 10_000;

const flag = z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true');

const Create = z.object({
  instanceName: z
    .string()
    .trim()
    .min(1)
    .regex(INSTANCE_ID, 'must be 1 to 64 letters, digits, "_" or "-" (it is the instance id in every path)'),
  integration: z.enum(['WHATSAPP-BAILEYS', 'WHATSAPP-BUSINESS', 'EVOLUTION', 'WAFIXER']).optional(),
  token: z.string().optional().openapi({ description: 'Not used: Hatline makes each instance token itself (see `hash` in the answer)' }),
  qrcode: flag.optional(),
  number: z.string().regex(/^\d+[.@\w-]*$/, 'must be a phone number with country code').optional(),
  rejectCall: flag.optional(),
  msgCall: z.string().max(4096).optional(),
  proxyHost: z.string().optional(),
  webhook: WebhookFields.optional(),
}).passthrough();

const Query = z.object({ instanceName: z.string().optional(), instanceId: z.string().optional(), number: z.string().optional() });
const ConnectQuery = z.object({ number: z.string().regex(/^\+?\d{7,15}$/, 'must be a phone number with country code').optional() });

export function instanceRoutes(route: ReturnType<typeof evolutionRoutes>, services: Services) {
  const { instances, settings, messages, chats, evolution } = services;

  /** `{ pairingCode, code, base64, count }` once linking shows something (or the state when it is open). */
  const linkAnswer = async (s: InstanceState) => {
    const qr = await instances.qrDataUri(s.id);
    return { pairingCode: s.pairingCode, code: s.qr, base64: qr.qrCode, count: s.qr || s.pairingCode ? 1 : 0 };
  };
  const connectionState = (s: InstanceState) => ({ instance: { instanceName: s.id, state: stateOf(s) } });
  const success = (message: string) => ({ status: 'SUCCESS', error: false, response: { message } });

  route({
    method: 'GET',
    path: 'instance/fetchInstances',
    global: true,
    summary: "The instances this key reaches, as Evolution's Instance records (`token` only when the owner exposed it)",
    requirement: read,
    status: 200,
    fields: Query,
    run: async (c) => {
      const q = await evolutionParams(c, Query);
      let list = instances.list(c.get('principal'));
      const wanted = q.instanceName ?? q.instanceId;
      if (wanted !== undefined) {
        list = list.filter((s) => s.id === wanted);
        if (!list.length) throw new AppError('not_found', `Instance "${wanted}" not found`);
      }
      if (q.number !== undefined) list = list.filter((s) => s.account?.phone === q.number!.replace(/\D/g, ''));
      return Promise.all(
        list.map(async (s) => {
          const [own, stats, counts] = await Promise.all([settings.get(s.id), messages.statistics(s.id), chats.counts(s.id)]);
          return instanceRow(s, own, { messages: stats.total, ...counts }, own.evolution.apikey);
        }),
      );
    },
  });

  route({
    method: 'POST',
    path: 'instance/create',
    global: true,
    summary: 'Create an instance with its own token (`hash`, shown once); `qrcode: true` connects and answers the QR code',
    requirement: { need: 'permission', permission: 'manage', globalScope: true },
    status: 201,
    fields: Create,
    run: async (c) => {
      const b = await evolutionParams(c, Create);
      if (b.integration === 'WHATSAPP-BUSINESS') {
        throw new AppError('bad_request', 'integration: Hatline links WhatsApp accounts as WhatsApp Web sessions (WHATSAPP-BAILEYS); the Cloud API (WHATSAPP-BUSINESS) is not available');
      }
      if (b.proxyHost) throw new AppError('unsupported', 'proxyHost: per-instance proxies are not supported; the server\'s browser can use one for every instance (CHROMIUM_ARGS=--proxy-server=...)');
      if (instances.list().some((s) => s.id === b.instanceName)) throw new AppError('forbidden', `This name "${b.instanceName}" is already in use.`);
      const patch: SettingsUpdateInput = {
        ...(b.rejectCall !== undefined ? { rejectCalls: b.rejectCall } : {}),
        ...(b.msgCall !== undefined ? { rejectCallsMessage: b.msgCall } : {}),
        ...(b.webhook?.url ? webhookPatch(b.webhook) : {}),
      };
      const principal = c.get('principal');
      let created;
      try {
        created = await evolution.createInstance(b.instanceName, patch, actorOf(principal), urlTrustOf(principal));
      } catch (err) {
        if (err instanceof AppError && err.code === 'conflict') throw new AppError('forbidden', `This name "${b.instanceName}" is already in use.`);
        throw err;
      }
      const own = await settings.get(created.state.id);
      let qrcode: Awaited<ReturnType<typeof linkAnswer>> | undefined;
      if (b.qrcode) {
        const state = await instances.linking(created.state.id, b.number ? { pairingPhone: b.number.replace(/\D/g, '') } : {}, LINK_WAIT_MS);
        qrcode = await linkAnswer(state);
      }
      return {
        instance: { instanceName: created.state.id, instanceId: created.state.id, integration: 'WHATSAPP-BAILEYS', webhookWaBusiness: null, accessTokenWaBusiness: '', status: b.qrcode ? 'connecting' : 'created' },
        hash: created.token,
        webhook: { webhookUrl: own.webhookUrl || undefined, webhookHeaders: own.evolution.headers, webhookByEvents: own.evolution.byEvents, webhookBase64: own.evolution.base64 },
        websocket: { enabled: false },
        rabbitmq: { enabled: false },
        nats: { enabled: false },
        sqs: { enabled: false },
        settings: settingsOf(own),
        ...(qrcode ? { qrcode } : {}),
        ...(b.token ? { note: 'token is not used: Hatline makes every instance token itself; use hash as this instance\'s apikey' } : {}),
      };
    },
  });

  route({
    method: 'GET',
    path: 'instance/connectionState',
    summary: 'The connection: open, connecting or close',
    requirement: read,
    status: 200,
    run: async (c) => connectionState(instanceOf(c, instances)),
  });

  route({
    method: 'GET',
    path: 'instance/connect',
    summary: 'Connect: the QR code to scan (or a pairing code with ?number=); the state when already open',
    requirement: manage,
    status: 200,
    fields: ConnectQuery,
    run: async (c) => {
      const s = instanceOf(c, instances);
      const q = await evolutionParams(c, ConnectQuery);
      if (s.status === 'open') return connectionState(s);
      const state = await instances.linking(s.id, q.number ? { pairingPhone: q.number.replace(/\D/g, '') } : {}, LINK_WAIT_MS);
      return state.status === 'open' ? connectionState(state) : linkAnswer(state);
    },
  });

  route({
    method: ['POST', 'PUT'],
    path: 'instance/restart',
    summary: 'Reconnect (the session is kept)',
    requirement: manage,
    status: 200,
    run: async (c) => {
      const s = instanceOf(c, instances);
      if (s.status === 'disconnected') throw new AppError('bad_request', `The "${s.id}" instance is not connected`);
      instances.restart(s.id);
      return linkAnswer(instances.get(s.id));
    },
  });

  route({
    method: 'DELETE',
    path: 'instance/logout',
    summary: 'Log out (unlink the phone); a new QR code is needed to link again',
    requirement: manage,
    status: 200,
    run: async (c) => {
      const s = instanceOf(c, instances);
      if (s.status === 'disconnected' && !s.account) return success('Instance was already disconnected');
      await instances.logout(s.id);
      return success('Instance logged out');
    },
  });

  route({
    method: 'DELETE',
    path: 'instance/delete',
    summary: 'Delete the instance with all its data',
    requirement: manage,
    holds: false,
    status: 200,
    run: async (c: Context<AppEnv>) => {
      const s = instanceOf(c, instances);
      await instances.delete(s.id, actorOf(c.get('principal')));
      return success('Instance deleted');
    },
  });
}
