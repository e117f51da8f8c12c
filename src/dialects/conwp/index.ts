import { z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { AppError, describeError } from '../../errors.js';
import type { AppEnv } from '../../http/context.js';
import type { Services } from '../../http/deps.js';
import { HourlyLimiter } from '../../http/middleware/rate-limit.js';
import { chatIdOrThrow } from '../../ids.js';
import { urlTrustOf, type Principal } from '../../services/access/principal.js';
import type { Requirement } from '../../services/access/requirement.js';
import type { MediaKind } from '../../services/messages/quick-sends.js';
import { dialectHandlerFactory, dialectRouter, stringParam, validParams, type DialectOptions } from '../kit.js';
import { deviceOf } from './devices.js';

/**
 * conwp (seed 004): one PHP-style entry point, `/yonetim/api/index.php?endpoint=...`, with the key
 * in `X-API-Key` or `?api_key=`. Answers `{ success: true, ... }`; errors `{ success: false, error }`
 * with the document's statuses (400, 401, 403, 404 unknown endpoint, 405 wrong method, 429, 500).
 */
export const CONWP_PATH = '/yonetim/api/index.php';
const tag = ['conwp (seed 004)'];

export const CONWP_ACCESS: Readonly<Record<string, Requirement>> = Object.freeze({
  'send-message': { need: 'permission', permission: 'send' },
  'send-bulk-message': { need: 'permission', permission: 'send' },
  devices: { need: 'permission', permission: 'read' },
  status: { need: 'permission', permission: 'read' },
});

const METHOD: Record<string, 'GET' | 'POST'> = { 'send-message': 'POST', 'send-bulk-message': 'POST', devices: 'GET', status: 'GET' };

/** The most messages one send-bulk-message may carry: it answers only after every one was tried. */
export const CONWP_BULK_MAX = 100;

const Receiver = z.union([z.string(), z.number()]).transform(String).openapi({ example: '905551234567' });
const MessageData = z.object({
  message: z.string().max(65536).optional().openapi({ example: 'Merhaba! Bu bir test mesajıdır.' }),
  message_type: z.enum(['text', 'image', 'video', 'audio', 'document']).optional().openapi({ description: 'text (default), or the kind of media_url' }),
  media_url: z.string().max(4096).optional().openapi({ example: 'https://example.com/image.jpg' }),
  filename: z.string().max(255).optional(),
});
const Device = z.string().optional().openapi({ description: "The sending device (an instance id, its `token` in devices); defaults to the key's only device" });
const SendMessage = z.object({ receiver: Receiver, data: MessageData, device: Device });
const SendBulk = z.object({
  messages: z.array(z.object({ receiver: Receiver, data: MessageData })).min(1).max(CONWP_BULK_MAX, `at most ${CONWP_BULK_MAX} messages per request`),
  device: Device,
});

const Failure = z.object({ success: z.literal(false), error: z.string() });

function errorAnswer(c: Context<AppEnv>, err: AppError): Response {
  return c.json({ success: false, error: err.message }, err.status);
}

/** A key without an hourly limit of its own gets conwp's default here (1,000 requests per hour). */
function conwpHourly(limit: number, now?: () => number): MiddlewareHandler<AppEnv> {
  const limiter = new HourlyLimiter(now);
  return async function conwpHourlyLimit(c, next) {
    const principal = c.get('principal');
    if (limit > 0 && principal.kind === 'key' && principal.hourlyLimit === null) {
      const result = limiter.take(principal.id, limit);
      c.header('X-RateLimit-Hourly-Limit', String(limit));
      c.header('X-RateLimit-Hourly-Remaining', String(result.remaining));
      if (!result.allowed) {
        throw new AppError('rate_limited', `Hourly limit exceeded: ${limit} requests per hour; retry in ${result.retryAfterSeconds} s`, {
          'Retry-After': String(result.retryAfterSeconds),
        });
      }
    }
    await next();
  };
}

export interface ConwpOptions extends Omit<DialectOptions, 'errorAnswer' | 'tokenOf' | 'extraGates'> {
  hourlyLimit: number;
  now?: () => number;
}

export function conwpDialect(services: Services, opts: ConwpOptions) {
  const r = dialectRouter();
  const handler = dialectHandlerFactory({ ...opts, errorAnswer, extraGates: [conwpHourly(opts.hourlyLimit, opts.now)] });
  const { instances, sends, usage } = services;

  /** The sending instance: `device`, or the only one the key sees; 400 otherwise. */
  const sender = (principal: Principal, device: string | undefined): string => {
    if (device) return instances.get(device, principal).id;
    const visible = instances.list(principal);
    if (visible.length === 1) return visible[0]!.id;
    throw new AppError('bad_request', visible.length ? `device: is required: this key reaches ${visible.length} devices (see endpoint=devices)` : 'device: this key reaches no device');
  };

  const content = (data: z.output<typeof MessageData>, at: string) => {
    const type = data.message_type ?? 'text';
    if (!data.media_url) {
      if (type !== 'text') throw new AppError('bad_request', `${at}.media_url: is required for message_type ${type}`);
      if (!data.message) throw new AppError('bad_request', `${at}.message: is required`);
    }
    return { type, data };
  };

  /** One message: its id (`messages.seq`, a number as conwp's) or why it failed. */
  const sendOne = async (principal: Principal, instanceId: string, receiver: string, data: z.output<typeof MessageData>, key?: string) => {
    const chatId = chatIdOrThrow('receiver', receiver);
    if (data.media_url) {
      const kind = data.message_type && data.message_type !== 'text' ? (data.message_type as MediaKind) : undefined;
      return sends.file(instanceId, chatId, { field: 'data.media_url', url: data.media_url, caption: data.message, filename: data.filename, kind, trust: urlTrustOf(principal) }, key);
    }
    return sends.text(instanceId, chatId, data.message!, key);
  };

  const operations: Record<string, (c: Context<AppEnv>) => Promise<Response>> = {
    'send-message': async (c) => {
      const b = await validParams(c, SendMessage);
      content(b.data, 'data');
      const instanceId = sender(c.get('principal'), b.device);
      const sent = await sendOne(c.get('principal'), instanceId, b.receiver, b.data, c.req.header('idempotency-key'));
      return c.json({ success: true, message_id: sent.seq, status: 'sent', wa_message_id: sent.id }, 200);
    },
    'send-bulk-message': async (c) => {
      const b = await validParams(c, SendBulk);
      // Every message is checked before the first is sent: a bad one refuses the whole request.
      b.messages.forEach((m, i) => {
        chatIdOrThrow(`messages.${i}.receiver`, m.receiver);
        content(m.data, `messages.${i}.data`);
      });
      const instanceId = sender(c.get('principal'), b.device);
      const state = instances.get(instanceId);
      if (state.status !== 'open') throw new AppError('not_connected', `device ${instanceId} is not connected (status: ${state.status})`);
      const results: { receiver: string; success: boolean; message_id?: number | null; wa_message_id?: string; error?: string }[] = [];
      for (const m of b.messages) {
        try {
          const sent = await sendOne(c.get('principal'), instanceId, m.receiver, m.data);
          results.push({ receiver: m.receiver, success: true, message_id: sent.seq, wa_message_id: sent.id });
        } catch (err) {
          results.push({ receiver: m.receiver, success: false, error: err instanceof AppError ? err.message : describeError(err) });
        }
      }
      const sent = results.filter((x) => x.success);
      return c.json(
        {
          success: true,
          message_ids: sent.map((x) => x.message_id),
          total_queued: b.messages.length,
          sent: sent.length,
          failed: results.length - sent.length,
          results,
        },
        200,
      );
    },
    devices: async (c) => {
      return c.json({ success: true, devices: instances.list(c.get('principal')).map(deviceOf) }, 200);
    },
    status: async (c) => {
      const principal = c.get('principal');
      const report = await usage.report(principal);
      const keys = principal.kind === 'key' ? report.keys.filter((k) => k.id === principal.id) : report.keys;
      const total = keys.reduce((n, k) => n + k.totalRequests, 0);
      const failed = keys.reduce((n, k) => n + k.failedRequests, 0);
      const busyMs = keys.reduce((n, k) => n + k.meanMs * k.totalRequests, 0);
      return c.json(
        {
          success: true,
          user: { username: principal.kind === 'admin' ? 'admin' : principal.name, api_key_name: principal.name },
          usage: {
            message_used: report.instances.reduce((n, i) => n + i.messagesSent, 0),
            device_used: report.instances.length,
            member_used: 0,
            storage_used: Math.round(report.instances.reduce((n, i) => n + i.mediaBytes, 0) / 1024),
          },
          api_stats: {
            total_requests: total,
            successful_requests: total - failed,
            failed_requests: failed,
            avg_execution_time: total ? Math.round((busyMs / total / 1000) * 1000) / 1000 : 0,
          },
        },
        200,
      );
    },
  };

  const handlers = new Map(Object.entries(operations).map(([name, run]) => [name, handler(`conwp ${name}`, CONWP_ACCESS[name]!, run)]));
  const unknown = handler('conwp', null, async (c) => {
    const endpoint = stringParam(c.req.query('endpoint'));
    throw new AppError('not_found', endpoint ? `Endpoint not found: ${endpoint}` : 'endpoint: is required (send-message, send-bulk-message, devices, status)');
  });
  const wrongMethod = handler('conwp', null, async (c) => {
    const allowed = METHOD[c.req.query('endpoint')!]!;
    c.header('Allow', allowed);
    throw new AppError('method_not_allowed', `Invalid HTTP method: endpoint ${c.req.query('endpoint')} takes ${allowed}`);
  });

  r.all(CONWP_PATH, (c) => {
    const endpoint = c.req.query('endpoint') ?? '';
    const run = handlers.get(endpoint);
    if (!run) return unknown(c);
    if (c.req.method !== METHOD[endpoint] && !(c.req.method === 'HEAD' && METHOD[endpoint] === 'GET')) return wrongMethod(c);
    return run(c);
  });

  const doc = (endpoint: string, summary: string, body?: z.ZodType) =>
    r.openAPIRegistry.registerPath({
      method: METHOD[endpoint] === 'GET' ? 'get' : 'post',
      path: `${CONWP_PATH}?endpoint=${endpoint}`,
      tags: tag,
      summary,
      security: [],
      ...(body ? { request: { body: { content: { 'application/json': { schema: body } } } } } : {}),
      responses: {
        200: { description: 'Done', content: { 'application/json': { schema: z.object({ success: z.literal(true) }).passthrough() } } },
        400: { description: 'Invalid request', content: { 'application/json': { schema: Failure } } },
        401: { description: 'Missing or wrong API key', content: { 'application/json': { schema: Failure } } },
        405: { description: 'Wrong HTTP method', content: { 'application/json': { schema: Failure } } },
        429: { description: 'Hourly limit exceeded', content: { 'application/json': { schema: Failure } } },
      },
    });
  doc('send-message', 'Send a message (text, or media with a caption)', SendMessage);
  doc('send-bulk-message', `Send up to ${CONWP_BULK_MAX} messages; answers after every one was tried`, SendBulk);
  doc('devices', 'The devices (instances) this key reaches');
  doc('status', 'The account: usage and API statistics of this key');
  return r;
}


