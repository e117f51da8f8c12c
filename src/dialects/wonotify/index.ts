import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AppError } from '../../errors.js';
import type { AppEnv } from '../../http/context.js';
import type { Services } from '../../http/deps.js';
import { chatIdOrThrow, groupIdOrThrow } from '../../ids.js';
import { actorOf, urlTrustOf } from '../../services/access/principal.js';
import type { Requirement } from '../../services/access/requirement.js';
import { renderInteractive } from '../../services/messages/interactive-text.js';
import { dialectHandlerFactory, dialectRouter, paramsOf, stringParam, validParams, type DialectOptions } from '../kit.js';
import { InteractiveMessage, interactiveText, ListMessage, listText, TemplateMessage, templateText } from './templates.js';

/**
 * wonotify (seed 003) at its own paths, under both of its base paths. Every operation answers to
 * GET (query parameters) and POST (a JSON or form body, over the query); `access_token` and
 * `instance_id` may be in either. Answers are `{ status: "success", message, ...data }`; errors
 * `{ status: "error", message }` with the HTTP status of what went wrong.
 */
export const WONOTIFY_BASES = ['/api', '/whatsapp_api'] as const;
const tag = ['wonotify (seed 003)'];

const manage: Requirement = { need: 'permission', permission: 'manage' };
const send: Requirement = { need: 'permission', permission: 'send' };
const read: Requirement = { need: 'permission', permission: 'read' };

/** What each operation asks of the principal (the dialect's lines of the permission table). */
export const WONOTIFY_ACCESS: Readonly<Record<string, Requirement>> = Object.freeze({
  create_instance: { need: 'permission', permission: 'manage', globalScope: true },
  reboot: manage,
  reset_instance: { need: 'permission', permission: 'manage', globalScope: true },
  reconnect: manage,
  logout: manage,
  get_qrcode: read,
  send,
  send_group: send,
  send_template: send,
  set_webhook: manage,
});

const AccessToken = z.string().optional().openapi({ description: 'Your API token (an API key or the admin token); also accepted as a header', example: '6881c11f741a1' });
const InstanceId = z.string({ error: 'is required' }).min(1, 'is required').openapi({ example: '609ACF283XXXX' });
const text = z.string().max(65536);

const Auth = z.object({ access_token: AccessToken });
const OnInstance = Auth.extend({ instance_id: InstanceId });
const SendBody = OnInstance.extend({
  number: z.union([z.string(), z.number()]).transform(String).openapi({ example: '84933313xxx', description: 'Phone number (without +)' }),
  type: z.enum(['text', 'media']).openapi({ example: 'text' }),
  message: text.optional().openapi({ example: 'test message', description: 'The text, or the caption of the media' }),
  media_url: z.string().optional().openapi({ example: 'https://i.pravatar.cc', description: 'URL of the media file (type media)' }),
  filename: z.string().max(255).optional().openapi({ example: 'file_test.jpg' }),
});
const SendGroupBody = SendBody.omit({ number: true }).extend({
  group_id: z
    .string({ error: 'is required' })
    .regex(/@g\.us$/, 'must be a WhatsApp group id ending with @g.us')
    .openapi({ example: '120363023285171234@g.us' }),
});
const TemplateBody = OnInstance.extend({
  number: z.union([z.string(), z.number()]).transform(String).openapi({ example: '84933313xxx' }),
  type: z.enum(['interactive', 'template', 'list']),
  message: z.unknown().openapi({ type: 'object', description: 'The interactive, template or list message (see the README)' }),
});
const WebhookBody = OnInstance.extend({
  webhook_url: z.string().max(2048).openapi({ example: 'https://webhook.site/1b25464d6833784f96eef4xxxxxxxxxx' }),
  enable: z
    .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
    .transform((v) => v === true || v === 'true' || v === '1')
    .openapi({ type: 'boolean', example: true }),
});

const Answer = z.object({ status: z.literal('success'), message: z.string() }).passthrough();
const ErrorAnswer = z.object({ status: z.literal('error'), message: z.string() });

/** `{ status: "error", message }` with the status of the error. */
function errorAnswer(c: Context<AppEnv>, err: AppError): Response {
  return c.json({ status: 'error', message: err.message }, err.status);
}

const ok = (c: Context<AppEnv>, message: string, data: Record<string, unknown> = {}) => c.json({ status: 'success', message, ...data }, 200);

export function wonotifyDialect(services: Services, opts: Omit<DialectOptions, 'errorAnswer' | 'tokenOf'>) {
  const r = dialectRouter();
  const handler = dialectHandlerFactory({
    ...opts,
    errorAnswer,
    // access_token in the query (a native token place) or in the body.
    tokenOf: async (c) => {
      const native = opts.gates.nativeToken(c);
      if (native) return native;
      return stringParam((await paramsOf(c)).access_token) ?? null;
    },
  });
  const { instances, sends, settings } = services;

  /** The instance named by `instance_id`: 404 when unknown or outside the key's scope. */
  const instanceOf = (c: Context<AppEnv>, id: string) => instances.get(id, c.get('principal')).id;

  const operations: Record<string, { summary: string; schema: z.ZodObject; run: (c: Context<AppEnv>) => Promise<Response> }> = {
    create_instance: {
      summary: 'Create an instance (then get_qrcode to link it)',
      schema: Auth,
      run: async (c) => {
        const state = await instances.create({}, actorOf(c.get('principal')));
        return ok(c, 'Instance created: call get_qrcode and scan the code with WhatsApp', { instance_id: state.id });
      },
    },
    reboot: {
      summary: 'Log out of WhatsApp and start again with a fresh QR code',
      schema: OnInstance,
      run: async (c) => {
        const { instance_id } = await validParams(c, OnInstance);
        const id = instanceOf(c, instance_id);
        await instances.logout(id);
        await instances.connect(id);
        return ok(c, 'Logged out: scan the new QR code (get_qrcode)', { instance_id: id });
      },
    },
    reset_instance: {
      summary: 'Log out, replace the instance by a new one with a new id, and delete the old one with all its data',
      schema: OnInstance,
      run: async (c) => {
        const { instance_id } = await validParams(c, OnInstance);
        const old = instances.get(instanceOf(c, instance_id));
        const actor = actorOf(c.get('principal'));
        const kept = await settings.get(old.id);
        const fresh = await instances.create({ engine: old.engine, description: old.description }, actor);
        await settings.update(fresh.id, { webhookUrl: kept.webhookUrl, webhookEnabled: kept.webhookEnabled, webhookEvents: kept.webhookEvents }, actor, urlTrustOf(c.get('principal')));
        if (old.status === 'open') await instances.logout(old.id);
        await instances.delete(old.id, actor);
        await instances.connect(fresh.id);
        return ok(c, 'Instance reset: the old instance and its data are deleted; scan the QR code of the new one', {
          instance_id: fresh.id,
          old_instance_id: old.id,
        });
      },
    },
    reconnect: {
      summary: 'Reconnect to WhatsApp Web (the session is kept)',
      schema: OnInstance,
      run: async (c) => {
        const { instance_id } = await validParams(c, OnInstance);
        const id = instanceOf(c, instance_id);
        instances.restart(id);
        return ok(c, 'Reconnecting', { instance_id: id });
      },
    },
    logout: {
      summary: 'Log out of WhatsApp Web',
      schema: OnInstance,
      run: async (c) => {
        const { instance_id } = await validParams(c, OnInstance);
        const id = instanceOf(c, instance_id);
        await instances.logout(id);
        return ok(c, 'Logged out', { instance_id: id });
      },
    },
    get_qrcode: {
      summary: 'The QR code to scan (connecting first when the instance is not), as a data URI',
      schema: OnInstance,
      run: async (c) => {
        const { instance_id } = await validParams(c, OnInstance);
        const id = instanceOf(c, instance_id);
        if (instances.get(id).status === 'open') throw new AppError('conflict', 'Instance is already logged in');
        const state = await instances.linking(id);
        if (state.status === 'open') throw new AppError('conflict', 'Instance is already logged in');
        const qr = await instances.qrDataUri(id);
        if (!qr.qrCode) throw new AppError('unavailable', `No QR code yet (status: ${qr.status}); try again in a few seconds`, { 'Retry-After': '5' });
        return ok(c, 'Scan the QR code with WhatsApp', { instance_id: id, base64: qr.qrCode });
      },
    },
    send: {
      summary: 'Send a text, or a media file with a caption, to a phone number',
      schema: SendBody,
      run: async (c) => {
        const b = await validParams(c, SendBody);
        return sendAnswer(c, instanceOf(c, b.instance_id), chatIdOrThrow('number', b.number), b, { number: b.number });
      },
    },
    send_group: {
      summary: 'Send a text, or a media file with a caption, to a group',
      schema: SendGroupBody,
      run: async (c) => {
        const b = await validParams(c, SendGroupBody);
        return sendAnswer(c, instanceOf(c, b.instance_id), groupIdOrThrow('group_id', b.group_id), b, { group_id: b.group_id });
      },
    },
    send_template: {
      summary: 'Send an interactive, template or list message (as text: see the answer)',
      schema: TemplateBody,
      run: async (c) => {
        const b = await validParams(c, TemplateBody);
        const id = instanceOf(c, b.instance_id);
        const message = (schema: z.ZodType) => {
          const parsed = schema.safeParse(b.message);
          if (!parsed.success) {
            const issue = parsed.error.issues[0]!;
            throw new AppError('bad_request', `message.${issue.path.map(String).join('.') || ''}: ${issue.message}`.replace('.: ', ': '));
          }
          return parsed.data;
        };
        const rendered = renderInteractive(
          b.type === 'interactive'
            ? interactiveText(message(InteractiveMessage) as z.output<typeof InteractiveMessage>)
            : b.type === 'template'
              ? templateText(message(TemplateMessage) as z.output<typeof TemplateMessage>)
              : listText(message(ListMessage) as z.output<typeof ListMessage>),
        );
        const sent = await sends.text(id, chatIdOrThrow('number', b.number), rendered, c.req.header('idempotency-key'));
        return ok(c, `Sent as text: WhatsApp does not show ${b.type} messages sent from a linked device to most users, so the buttons or rows are numbered options in the text`, {
          data: { id: sent.id, number: b.number, type: b.type, rendered_as: 'text', text: rendered },
        });
      },
    },
    set_webhook: {
      summary: 'Set the webhook URL and turn it on or off',
      schema: WebhookBody,
      run: async (c) => {
        const b = await validParams(c, WebhookBody);
        const id = instanceOf(c, b.instance_id);
        const saved = await settings.update(id, { webhookUrl: b.webhook_url, webhookEnabled: b.enable }, actorOf(c.get('principal')), urlTrustOf(c.get('principal')));
        return ok(c, b.enable ? 'Webhook enabled' : 'Webhook disabled', { instance_id: id, webhook_url: saved.webhookUrl, enable: saved.webhookEnabled });
      },
    },
  };

  async function sendAnswer(
    c: Context<AppEnv>,
    instanceId: string,
    chatId: string,
    b: { type: 'text' | 'media'; message?: string | undefined; media_url?: string | undefined; filename?: string | undefined },
    to: Record<string, string>,
  ): Promise<Response> {
    const key = c.req.header('idempotency-key');
    if (b.type === 'text') {
      if (!b.message) throw new AppError('bad_request', 'message: is required for type text');
      const sent = await sends.text(instanceId, chatId, b.message, key);
      return ok(c, 'Message sent', { data: { id: sent.id, ...to, type: 'text' } });
    }
    if (!b.media_url) throw new AppError('bad_request', 'media_url: is required for type media');
    const sent = await sends.file(instanceId, chatId, { field: 'media_url', url: b.media_url, caption: b.message, filename: b.filename, trust: urlTrustOf(c.get('principal')) }, key);
    return ok(c, 'Message sent', { data: { id: sent.id, ...to, type: 'media', media_type: sent.kind } });
  }

  for (const [name, op] of Object.entries(operations)) {
    const run = handler(`wonotify ${name}`, WONOTIFY_ACCESS[name]!, op.run);
    for (const base of WONOTIFY_BASES) {
      r.on(['GET', 'POST'], `${base}/${name}`, run);
      for (const method of ['get', 'post'] as const) {
        r.openAPIRegistry.registerPath({
          method,
          path: `${base}/${name}`,
          tags: tag,
          summary: op.summary,
          security: [],
          request: method === 'get' ? { query: op.schema } : { body: { content: { 'application/json': { schema: op.schema } } } },
          responses: {
            200: { description: 'Done', content: { 'application/json': { schema: Answer } } },
            400: { description: 'Missing or invalid parameter', content: { 'application/json': { schema: ErrorAnswer } } },
            401: { description: 'Missing or wrong access_token', content: { 'application/json': { schema: ErrorAnswer } } },
            404: { description: 'Unknown instance_id', content: { 'application/json': { schema: ErrorAnswer } } },
            409: { description: 'The instance is not connected', content: { 'application/json': { schema: ErrorAnswer } } },
          },
        });
      }
    }
  }
  return r;
}
