import { createRoute, z } from '@hono/zod-openapi';
import { urlTrustOf } from '../../services/access/principal.js';
import type { Context } from 'hono';
import { buildVCard } from '../../services/messages/vcard.js';
import { chatIdOrThrow, phoneOrThrow, userIdOrThrow } from '../../ids.js';
import type { Outgoing } from '../../services/messages/message-service.js';
import { WAIT_FOR, type WaitFor } from '../../services/messages/send-waiter.js';
import { AppError } from '../../errors.js';
import type { AppEnv } from '../context.js';
import type { Services } from '../deps.js';
import { createRouter, errors, InstanceIdParam, jsonBody, jsonResponse } from '../openapi.js';
import { CaptionField, LocationFields, MediaField, PollFields, replyFields as replyAndMentions, TextField, ToField } from '../schemas.js';

const tag = ['Messages'];
const base = '/api/instance/{instanceId}/messages';

const To = ToField;
const caption = CaptionField;

/** Whether the answer waits for WhatsApp's receipts (see README: sends that wait). */
const waitFields = {
  waitFor: z
    .enum(WAIT_FOR)
    .optional()
    .openapi({ description: 'Answer once the message reached WhatsApp\'s server (server), the recipient\'s phone (device) or was read (read), or the timeout passed; the answer says which' }),
  waitTimeout: z.number().int().min(1).max(60).default(10).openapi({ description: 'Seconds to wait at most for waitFor (default 10)' }),
};
/** What every send may carry: a reply and mentions (shared with the MCP tools), and how long to wait. */
const replyFields = { ...replyAndMentions, ...waitFields };
const viewOnceField = { viewOnce: z.boolean().optional().openapi({ description: 'The recipient can open it once' }) };

interface SendExtras {
  waitFor?: WaitFor | undefined;
  waitTimeout?: number | undefined;
  quotedMessageId?: string | undefined;
  mentions?: string[] | undefined;
  viewOnce?: boolean | undefined;
}

/** The reply, mentions and view-once of a send body, as the service takes them (400 naming a bad mention). */
function extrasOf(b: SendExtras): Pick<Outgoing, 'quotedMessageId' | 'mentions' | 'viewOnce'> {
  return {
    ...(b.quotedMessageId !== undefined ? { quotedMessageId: b.quotedMessageId } : {}),
    ...(b.mentions?.length ? { mentions: b.mentions.map((m, i) => userIdOrThrow(`mentions.${i}`, m)) } : {}),
    ...(b.viewOnce ? { viewOnce: true } : {}),
  };
}

const SentSchema = z
  .object({
    sent: z.literal(true),
    id: z.string().openapi({ example: '3EB0C767D26A1D8B0C2B' }),
    status: z.enum(['pending', 'sent', 'delivered', 'read', 'played']).optional().openapi({ description: 'With waitFor: the status the message has now' }),
    reached: z.boolean().optional().openapi({ description: 'With waitFor: whether it got as far as asked within waitTimeout' }),
  })
  .openapi('Sent');

const IdempotencyHeader = z.object({
  'idempotency-key': z.string().optional().openapi({ description: 'The same key within 24 h answers the first answer and sends nothing' }),
});

const sendResponses = {
  200: jsonResponse(SentSchema, 'Accepted by WhatsApp'),
  400: errors[400],
  404: errors[404],
  409: errors[409],
  501: errors[501],
  502: errors[502],
  507: errors[507],
};

/** One send route: POST .../messages/{name} with the body schema, the Idempotency-Key header and the send answers. */
function sendRoute<S extends z.ZodObject>(name: string, summary: string, schema: S) {
  return createRoute({
    method: 'post',
    path: `${base}/${name}`,
    tags: tag,
    summary,
    request: { params: InstanceIdParam, headers: IdempotencyHeader, body: jsonBody(schema) },
    responses: sendResponses,
  });
}

const PollBody = z.object({ to: To, ...PollFields, ...replyFields });

export function messageSendRoutes({ messages, media }: Pick<Services, 'messages' | 'media'>) {
  const r = createRouter();

  /** Runs the send (with the Idempotency-Key rule) and answers `{ sent: true, id }`, or the answer kept for the key. */
  const answer = async (c: Context<AppEnv>, b: SendExtras, build: () => Promise<Outgoing>) => {
    const extras = extrasOf(b);
    const result = await messages.submit(c.get('instance').id, async () => ({ ...(await build()), ...extras }), c.req.header('idempotency-key'));
    if (result.replayed) c.header('Idempotent-Replayed', 'true');
    const sent = result.body as { sent: true; id: string };
    if (!b.waitFor || result.status !== 200) return c.json(sent, result.status as 200);
    const outcome = await messages.waitFor(c.get('instance').id, sent.id, b.waitFor, (b.waitTimeout ?? 10) * 1000);
    if (outcome.status === 'failed') {
      // WhatsApp took the message, then refused it: the send did not happen after all.
      throw new AppError('failed', `WhatsApp refused message ${sent.id} after accepting it${outcome.error ? `: ${outcome.error}` : ''}`);
    }
    return c.json({ ...sent, status: outcome.status as 'sent', reached: outcome.reached }, 200);
  };

  /** A media send's content: the chat and the loaded media (a library file is not copied again). */
  const withMedia = async (c: Context<AppEnv>, field: string, to: string, input: string) => {
    const chatId = chatIdOrThrow('to', to);
    const m = await media.forSend(c.get('instance').id, field, input, urlTrustOf(c.get('principal')));
    return { to: chatId, media: m.media, ...(m.libraryFile ? { libraryFile: m.libraryFile } : {}) };
  };

  // POST /api/instance/:instanceId/messages/chat
  r.openapi(sendRoute('chat', 'Send a text message', z.object({ to: To, body: TextField, ...replyFields })), (c) => {
    const b = c.req.valid('json');
    return answer(c, b, async () => ({ to: chatIdOrThrow('to', b.to), content: { kind: 'chat', body: b.body } }));
  });

  // POST /api/instance/:instanceId/messages/image
  r.openapi(sendRoute('image', 'Send an image', z.object({ to: To, image: MediaField('https://example.com/photo.jpg'), caption, ...viewOnceField, ...replyFields })), (c) => {
    const b = c.req.valid('json');
    return answer(c, b, async () => {
      const m = await withMedia(c, 'image', b.to, b.image);
      return { to: m.to, content: { kind: 'image', media: m.media, ...(b.caption ? { caption: b.caption } : {}) }, ...(m.libraryFile ? { libraryFile: m.libraryFile } : {}) };
    });
  });

  // POST /api/instance/:instanceId/messages/video
  r.openapi(sendRoute('video', 'Send a video', z.object({ to: To, video: MediaField('https://example.com/video.mp4'), caption, ...viewOnceField, ...replyFields })), (c) => {
    const b = c.req.valid('json');
    return answer(c, b, async () => {
      const m = await withMedia(c, 'video', b.to, b.video);
      return { to: m.to, content: { kind: 'video', media: m.media, ...(b.caption ? { caption: b.caption } : {}) }, ...(m.libraryFile ? { libraryFile: m.libraryFile } : {}) };
    });
  });

  // POST /api/instance/:instanceId/messages/document
  r.openapi(
    sendRoute(
      'document',
      'Send a document (file)',
      z.object({
        to: To,
        document: MediaField('https://example.com/rapor.pdf'),
        filename: z.string().min(1).max(255).optional().openapi({ description: 'The name the recipient sees (default "document")' }),
        caption,
        ...replyFields,
      }),
    ),
    (c) => {
      const b = c.req.valid('json');
      return answer(c, b, async () => {
        const m = await withMedia(c, 'document', b.to, b.document);
        return {
          to: m.to,
          content: { kind: 'document', media: { ...m.media, filename: b.filename ?? 'document' }, ...(b.caption ? { caption: b.caption } : {}) },
          ...(m.libraryFile ? { libraryFile: m.libraryFile } : {}),
        };
      });
    },
  );

  for (const [name, kind, summary] of [
    ['audio', 'audio', 'Send an audio file (shown as a music player)'],
    ['voice', 'ptt', 'Send a voice note (push-to-talk; OGG Opus preferred)'],
  ] as const) {
    // POST /api/instance/:instanceId/messages/audio and .../voice
    r.openapi(sendRoute(name, summary, z.object({ to: To, audio: MediaField('https://example.com/voice.ogg'), ...replyFields })), (c) => {
      const b = c.req.valid('json');
      return answer(c, b, async () => {
        const m = await withMedia(c, 'audio', b.to, b.audio);
        return { to: m.to, content: { kind, media: m.media }, ...(m.libraryFile ? { libraryFile: m.libraryFile } : {}) };
      });
    });
  }

  // POST /api/instance/:instanceId/messages/sticker
  r.openapi(sendRoute('sticker', 'Send a sticker (WebP preferred)', z.object({ to: To, sticker: MediaField('https://example.com/sticker.webp'), ...replyFields })), (c) => {
    const b = c.req.valid('json');
    return answer(c, b, async () => {
      const m = await withMedia(c, 'sticker', b.to, b.sticker);
      return { to: m.to, content: { kind: 'sticker', media: m.media }, ...(m.libraryFile ? { libraryFile: m.libraryFile } : {}) };
    });
  });

  // POST /api/instance/:instanceId/messages/location
  r.openapi(
    sendRoute(
      'location',
      'Send a map location',
      z.object({
        to: To,
        ...LocationFields,
        ...replyFields,
      }),
    ),
    (c) => {
      const b = c.req.valid('json');
      return answer(c, b, async () => ({
        to: chatIdOrThrow('to', b.to),
        content: { kind: 'location', location: { lat: b.lat, lng: b.lng, ...(b.name ? { name: b.name } : {}), ...(b.address ? { address: b.address } : {}) } },
      }));
    },
  );

  // POST /api/instance/:instanceId/messages/contact
  r.openapi(
    sendRoute(
      'contact',
      'Send a contact card (vCard)',
      z.object({
        to: To,
        contact_name: z.string().min(1).max(256).optional().openapi({ example: 'Ahmet', description: 'Default "Contact"' }),
        contact_phone: z.string().optional().openapi({ example: '905321234567' }),
        ...replyFields,
      }),
    ),
    (c) => {
      const b = c.req.valid('json');
      return answer(c, b, async () => {
        const to = chatIdOrThrow('to', b.to);
        const phone = b.contact_phone !== undefined ? phoneOrThrow('contact_phone', b.contact_phone) : undefined;
        const name = b.contact_name ?? 'Contact';
        return { to, content: { kind: 'vcard', vcard: buildVCard(name, phone), displayName: name } };
      });
    },
  );

  // POST /api/instance/:instanceId/messages/poll
  r.openapi(sendRoute('poll', 'Send a poll', PollBody), (c) => {
    const b = c.req.valid('json');
    return answer(c, b, async () => ({
      to: chatIdOrThrow('to', b.to),
      content: { kind: 'poll_creation', poll: { name: b.name, values: b.values, selectableCount: b.selectableCount } },
    }));
  });

  // POST /api/instance/:instanceId/messages/link
  r.openapi(
    sendRoute(
      'link',
      'Send a link with its preview (title, description, image, as WhatsApp makes it)',
      z.object({
        to: To,
        url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).max(2048).openapi({ example: 'https://hatline.dev/docs' }),
        caption: z.string().max(4096).optional().openapi({ description: 'Text shown above the link' }),
        ...replyFields,
      }),
    ),
    (c) => {
      const b = c.req.valid('json');
      return answer(c, b, async () => ({
        to: chatIdOrThrow('to', b.to),
        content: { kind: 'chat', body: b.caption ? `${b.caption}\n${b.url}` : b.url },
        linkPreview: true,
      }));
    },
  );

  return r;
}
