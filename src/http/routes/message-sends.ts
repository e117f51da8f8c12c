import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps } from '../../app.js';
import { EngineError, type OutgoingContent } from '../../engines/engine.js';
import { AppError, badRequest } from '../../errors.js';
import { buildVCard } from '../../messaging/content.js';
import { normalizePhone, toChatId } from '../../messaging/jid.js';
import { resolveMedia, type ResolvedMedia } from '../../messaging/media-source.js';
import type { AppEnv } from '../context.js';
import { errorAnswer } from '../error-answer.js';
import { createRouter, errors, InstanceIdParam, jsonBody, jsonResponse } from '../openapi.js';

const tag = ['Messages'];
const base = '/api/instance/{instanceId}/messages';

const To = z.string().min(1).openapi({ example: '+905321234567', description: 'Phone number (+905..., 905...), user id or group id (...@g.us)' });
const MediaField = (example: string) =>
  z.string().min(1).openapi({ example, description: 'An http(s) URL, a base64 data URI, or a URL from media/upload' });

const SentSchema = z.object({ sent: z.literal(true), id: z.string().openapi({ example: '3EB0C767D26A1D8B0C2B' }) }).openapi('Sent');

const IdempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .optional()
    .openapi({ description: 'The same key within 24 h answers the first answer and sends nothing' }),
});

const sendResponses = {
  200: jsonResponse(SentSchema, 'Accepted by WhatsApp'),
  400: errors[400],
  404: errors[404],
  409: errors[409],
  502: errors[502],
};

/** What a send route builds from its body: the chat and the content (and a library file, if any). */
interface Outgoing {
  to: string;
  content: OutgoingContent;
  libraryFile?: string;
}

export function chatIdOrThrow(field: string, input: string): string {
  const id = toChatId(input);
  if (!id) throw badRequest(`${field}: "${input}" is neither a phone number with country code nor a chat id`);
  return id;
}

export function messageSendRoutes(deps: AppDeps) {
  const r = createRouter();
  const sources = deps.mediaSources;

  const media = async (instanceId: string, field: string, input: string): Promise<{ media: ResolvedMedia; libraryFile?: string }> => {
    const m = await resolveMedia(sources, field, input);
    const libraryFile = m.library && m.library.instance === instanceId ? m.library.file : undefined;
    const { library: _library, ...payload } = m;
    return { media: payload, ...(libraryFile ? { libraryFile } : {}) };
  };

  /** Runs a send with the Idempotency-Key rule and answers `{ sent: true, id }` or the error. */
  const answer = async (c: Context<AppEnv>, instanceId: string, build: () => Promise<Outgoing>) => {
    deps.manager.get(instanceId); // 404 before anything else
    const attempt = async () => {
      // 409 at once: no media is fetched for a send that cannot happen.
      const state = deps.manager.get(instanceId);
      if (state.status !== 'open') throw new AppError('not_connected', `instance ${instanceId} is not connected (status: ${state.status})`);
      const out = await build();
      const sent = await deps.messages.send(instanceId, out.to, out.content, out.libraryFile ? { libraryFile: out.libraryFile } : {});
      return { status: 200, body: { sent: true as const, id: sent.id } };
    };
    const key = c.req.header('idempotency-key');
    if (key === undefined) {
      const a = await attempt();
      return c.json(a.body, 200);
    }
    const result = await deps.idempotency.run(instanceId, key, async () => {
      try {
        return { ...(await attempt()), keep: true };
      } catch (err) {
        const known = errorAnswer(err);
        // Kept only when WhatsApp was asked and refused: the message exists as a failed row.
        const attempted = (err instanceof EngineError && err.reason !== 'not_connected') || (err instanceof AppError && err.code === 'upstream_failed');
        if (known && attempted) return { ...known, keep: true };
        throw err;
      }
    });
    if (result.replayed) c.header('Idempotent-Replayed', 'true');
    return c.json(result.body as object, result.status as 200);
  };

  const sendRoute = <S extends z.ZodObject>(
    name: string,
    summary: string,
    schema: S,
    build: (instanceId: string, body: z.infer<S>) => Promise<Outgoing>,
  ) => {
    r.openapi(
      createRoute({
        method: 'post',
        path: `${base}/${name}`,
        tags: tag,
        summary,
        request: { params: InstanceIdParam, headers: IdempotencyHeader, body: jsonBody(schema) },
        responses: sendResponses,
      }),
      // POST /api/instance/:instanceId/messages/{name}
      // The route's types cannot follow a generic schema, so the validated body is typed here.
      (async (c: Context<AppEnv>) => {
        const instanceId = c.req.param('instanceId')!;
        const body = (c.req as unknown as { valid(target: 'json'): z.infer<S> }).valid('json');
        return answer(c, instanceId, () => build(instanceId, body));
      }) as never,
    );
  };

  sendRoute('chat', 'Send a text message', z.object({ to: To, body: z.string().min(1).max(65536).openapi({ example: 'Merhaba!' }) }), async (_id, b) => ({
    to: chatIdOrThrow('to', b.to),
    content: { kind: 'chat', body: b.body },
  }));

  const caption = z.string().max(4096).optional();

  sendRoute('image', 'Send an image', z.object({ to: To, image: MediaField('https://example.com/photo.jpg'), caption }), async (instanceId, b) => {
    const to = chatIdOrThrow('to', b.to);
    const m = await media(instanceId, 'image', b.image);
    return { to, content: { kind: 'image', media: m.media, ...(b.caption ? { caption: b.caption } : {}) }, ...(m.libraryFile ? { libraryFile: m.libraryFile } : {}) };
  });

  sendRoute('video', 'Send a video', z.object({ to: To, video: MediaField('https://example.com/video.mp4'), caption }), async (instanceId, b) => {
    const to = chatIdOrThrow('to', b.to);
    const m = await media(instanceId, 'video', b.video);
    return { to, content: { kind: 'video', media: m.media, ...(b.caption ? { caption: b.caption } : {}) }, ...(m.libraryFile ? { libraryFile: m.libraryFile } : {}) };
  });

  sendRoute(
    'document',
    'Send a document (file)',
    z.object({
      to: To,
      document: MediaField('https://example.com/rapor.pdf'),
      filename: z.string().min(1).max(255).optional().openapi({ description: 'The name the recipient sees (default "document")' }),
      caption: z.string().max(4096).optional(),
    }),
    async (instanceId, b) => {
      const to = chatIdOrThrow('to', b.to);
      const m = await media(instanceId, 'document', b.document);
      return {
        to,
        content: { kind: 'document', media: { ...m.media, filename: b.filename ?? 'document' }, ...(b.caption ? { caption: b.caption } : {}) },
        ...(m.libraryFile ? { libraryFile: m.libraryFile } : {}),
      };
    },
  );

  for (const [name, kind, summary] of [
    ['audio', 'audio', 'Send an audio file (shown as a music player)'],
    ['voice', 'ptt', 'Send a voice note (push-to-talk; OGG Opus preferred)'],
  ] as const) {
    sendRoute(name, summary, z.object({ to: To, audio: MediaField('https://example.com/voice.ogg') }), async (instanceId, b) => {
      const to = chatIdOrThrow('to', b.to);
      const m = await media(instanceId, 'audio', b.audio);
      return { to, content: { kind, media: m.media }, ...(m.libraryFile ? { libraryFile: m.libraryFile } : {}) };
    });
  }

  sendRoute('sticker', 'Send a sticker (WebP preferred)', z.object({ to: To, sticker: MediaField('https://example.com/sticker.webp') }), async (instanceId, b) => {
    const to = chatIdOrThrow('to', b.to);
    const m = await media(instanceId, 'sticker', b.sticker);
    return { to, content: { kind: 'sticker', media: m.media }, ...(m.libraryFile ? { libraryFile: m.libraryFile } : {}) };
  });

  const coordinate = (min: number, max: number, example: number) =>
    z
      .union([z.number(), z.string().regex(/^\s*-?\d+(\.\d+)?\s*$/, 'expected a number').transform(Number)])
      .pipe(z.number().min(min).max(max))
      .openapi({ type: 'number', example });

  sendRoute(
    'location',
    'Send a map location',
    z.object({ to: To, lat: coordinate(-90, 90, 41.0082), lng: coordinate(-180, 180, 28.9784), name: z.string().max(256).optional(), address: z.string().max(1024).optional() }),
    async (_id, b) => ({
      to: chatIdOrThrow('to', b.to),
      content: {
        kind: 'location',
        location: { lat: b.lat, lng: b.lng, ...(b.name ? { name: b.name } : {}), ...(b.address ? { address: b.address } : {}) },
      },
    }),
  );

  sendRoute(
    'contact',
    'Send a contact card (vCard)',
    z.object({
      to: To,
      contact_name: z.string().min(1).max(256).optional().openapi({ example: 'Ahmet', description: 'Default "Contact"' }),
      contact_phone: z.string().optional().openapi({ example: '905321234567' }),
    }),
    async (_id, b) => {
      const to = chatIdOrThrow('to', b.to);
      let phone: string | undefined;
      if (b.contact_phone !== undefined) {
        phone = normalizePhone(b.contact_phone) ?? undefined;
        if (!phone) throw badRequest(`contact_phone: "${b.contact_phone}" is not a phone number with country code`);
      }
      const name = b.contact_name ?? 'Contact';
      return { to, content: { kind: 'vcard', vcard: buildVCard(name, phone), displayName: name } };
    },
  );

  sendRoute(
    'poll',
    'Send a poll',
    z.object({
      to: To,
      name: z.string().min(1).max(256).openapi({ example: 'Toplantı?' }),
      values: z
        .array(z.string().min(1).max(100))
        .min(2, 'a poll needs 2 to 12 options')
        .max(12, 'a poll needs 2 to 12 options')
        .refine((v) => new Set(v).size === v.length, 'options must be different from each other')
        .openapi({ example: ['Pzt', 'Çar', 'Cum'] }),
      selectableCount: z.union([z.literal(0), z.literal(1)]).default(0).openapi({ description: '0 = several answers allowed, 1 = exactly one' }),
    }),
    async (_id, b) => ({
      to: chatIdOrThrow('to', b.to),
      content: { kind: 'poll_creation', poll: { name: b.name, values: b.values, selectableCount: b.selectableCount } },
    }),
  );

  // POST /api/instance/:instanceId/messages/reaction
  r.openapi(
    createRoute({
      method: 'post',
      path: `${base}/reaction`,
      tags: tag,
      summary: 'React to a message with an emoji (an empty emoji removes the reaction)',
      request: {
        params: InstanceIdParam,
        body: jsonBody(z.object({ to: To, msgId: z.string().min(1), emoji: z.string().max(32).openapi({ example: '👍' }) })),
      },
      responses: sendResponses,
    }),
    async (c) => {
      const { instanceId } = c.req.valid('param');
      const b = c.req.valid('json');
      const chatId = chatIdOrThrow('to', b.to);
      await deps.messages.react(instanceId, chatId, b.msgId, b.emoji);
      return c.json({ sent: true as const, id: b.msgId }, 200);
    },
  );

  // POST /api/instance/:instanceId/messages/delete
  r.openapi(
    createRoute({
      method: 'post',
      path: `${base}/delete`,
      tags: tag,
      summary: 'Delete a sent message for everyone',
      request: { params: InstanceIdParam, body: jsonBody(z.object({ to: To, msgId: z.string().min(1) })) },
      responses: {
        200: jsonResponse(z.object({ deleted: z.literal(true) }), 'Deleted'),
        400: errors[400],
        404: errors[404],
        409: errors[409],
        502: errors[502],
      },
    }),
    async (c) => {
      const { instanceId } = c.req.valid('param');
      const b = c.req.valid('json');
      await deps.messages.deleteForEveryone(instanceId, chatIdOrThrow('to', b.to), b.msgId);
      return c.json({ deleted: true as const }, 200);
    },
  );

  return r;
}
