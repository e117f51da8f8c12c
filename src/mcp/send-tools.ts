import { z } from '@hono/zod-openapi';
import { chatIdOrThrow } from '../ids.js';
import { CaptionField, ChatIdField, CreateScheduledSchema, EmojiField, LocationFields, MediaField, MessageIdField, PollFields, replyFields, TextField, ToField } from '../http/schemas.js';
import { urlTrustOf } from '../services/access/principal.js';
import type { Outgoing } from '../services/messages/message-service.js';
import { InstanceIdField } from './read-tools.js';
import { tool, type ToolContext } from './tool.js';

const I = '/api/instance/:instanceId';
const To = ToField.describe('Who to send to: a phone number with country code (+905321234567), a user id or a group id (...@g.us)');

/** A send through the same path as the native sends (404 and 409 before anything is built); answers its id. */
async function submit(ctx: ToolContext, instanceId: string, build: () => Promise<Outgoing>) {
  ctx.instance(instanceId);
  const answer = await ctx.services.messages.submit(instanceId, build);
  return answer.body as { sent: true; id: string };
}

export const SEND_TOOLS = [
  tool({
    name: 'send_text',
    title: 'Send a text message',
    description: 'Sends a WhatsApp text message, as a reply quoting quotedMessageId when given; answers its id once WhatsApp accepted it. It appears in read_messages.',
    endpoint: `POST ${I}/messages/chat`,
    readOnly: false,
    input: z.object({
      instanceId: InstanceIdField,
      to: To,
      body: TextField.describe('The text'),
      quotedMessageId: replyFields.quotedMessageId.describe('Reply to this message of the chat (an id read_messages shows): it is quoted'),
    }),
    run: ({ instanceId, to, body, quotedMessageId }, ctx) =>
      submit(ctx, instanceId, async () => ({ to: chatIdOrThrow('to', to), content: { kind: 'chat', body }, ...(quotedMessageId ? { quotedMessageId } : {}) })),
  }),

  tool({
    name: 'send_media',
    title: 'Send an image, video, audio or document',
    description: 'Sends a file from a URL (http(s), a data URI, or a media-library URL). kind defaults to what its MIME type says; anything not an image, video or audio goes as a document.',
    endpoint: `POST ${I}/messages/document`,
    readOnly: false,
    input: z.object({
      instanceId: InstanceIdField,
      to: To,
      url: MediaField('https://example.com/photo.jpg').describe('Where the file is: an http(s) URL, a base64 data URI or a media-library URL'),
      caption: CaptionField.describe('Text shown under it (not for audio)'),
      filename: z.string().min(1).max(255).optional().describe('The name a document shows'),
      kind: z.enum(['image', 'video', 'audio', 'document']).optional(),
    }),
    run: async ({ instanceId, to, url, caption, filename, kind }, { services, principal, instance }) => {
      instance(instanceId);
      const sent = await services.sends.file(instanceId, chatIdOrThrow('to', to), { field: 'url', url, caption, filename, kind, trust: urlTrustOf(principal) });
      return { sent: true, id: sent.id, kind: sent.kind };
    },
  }),

  tool({
    name: 'send_location',
    title: 'Send a location',
    description: 'Sends a map pin.',
    endpoint: `POST ${I}/messages/location`,
    readOnly: false,
    input: z.object({ instanceId: InstanceIdField, to: To, ...LocationFields }),
    run: ({ instanceId, to, lat, lng, name, address }, ctx) =>
      submit(ctx, instanceId, async () => ({
        to: chatIdOrThrow('to', to),
        content: { kind: 'location', location: { lat, lng, ...(name ? { name } : {}), ...(address ? { address } : {}) } },
      })),
  }),

  tool({
    name: 'send_poll',
    title: 'Send a poll',
    description: 'Sends a poll with 2 to 12 different options; selectableCount 1 allows one answer, 0 several.',
    endpoint: `POST ${I}/messages/poll`,
    readOnly: false,
    input: z.object({ instanceId: InstanceIdField, to: To, ...PollFields }),
    run: ({ instanceId, to, name, values, selectableCount }, ctx) =>
      submit(ctx, instanceId, async () => ({ to: chatIdOrThrow('to', to), content: { kind: 'poll_creation', poll: { name, values, selectableCount } } })),
  }),

  tool({
    name: 'react',
    title: 'React to a message',
    description: 'Puts an emoji reaction on a message of a chat (an empty emoji removes it). messageId is the id read_messages shows.',
    endpoint: `POST ${I}/messages/reaction`,
    readOnly: false,
    input: z.object({ instanceId: InstanceIdField, chatId: ChatIdField, messageId: MessageIdField.describe('The message id (read_messages shows it)'), emoji: EmojiField.describe("The emoji; '' removes the reaction") }),
    run: async ({ instanceId, chatId, messageId, emoji }, { services, instance }) => {
      instance(instanceId);
      await services.messageActions.react(instanceId, chatIdOrThrow('chatId', chatId), messageId, emoji);
      return { success: true };
    },
  }),

  tool({
    name: 'mark_read',
    title: 'Mark a chat read',
    description: "Marks a chat's incoming messages read (the senders see blue ticks); answers how many were unread.",
    endpoint: `POST ${I}/chats/read`,
    readOnly: false,
    input: z.object({ instanceId: InstanceIdField, chatId: ChatIdField }),
    run: async ({ instanceId, chatId }, { services, instance }) => {
      instance(instanceId);
      return { success: true, marked: await services.chats.markRead(instanceId, chatIdOrThrow('chatId', chatId)) };
    },
  }),

  tool({
    name: 'schedule_message',
    title: 'Schedule a message',
    description: 'Schedules a text, image or document to be sent later (scheduledAt in ISO 8601, in the future; without an offset it is UTC).',
    endpoint: `POST ${I}/scheduled`,
    readOnly: false,
    input: CreateScheduledSchema.extend({
      instanceId: InstanceIdField,
      recipient: CreateScheduledSchema.shape.recipient.describe('A phone number with country code, or a chat id'),
      scheduledAt: CreateScheduledSchema.shape.scheduledAt.describe('When: ISO 8601 like 2026-12-01T09:00:00+03:00, in the future'),
      mediaUrl: CreateScheduledSchema.shape.mediaUrl.describe('For image and document: an http(s) URL or a media-library URL'),
    }),
    run: async ({ instanceId, ...b }, { services, principal, instance }) => {
      instance(instanceId);
      const message = {
        recipient: b.recipient,
        recipientName: b.recipientName ?? null,
        messageType: b.messageType,
        body: b.body ?? null,
        mediaUrl: b.mediaUrl ?? null,
        filename: b.filename ?? null,
        scheduledAt: b.scheduledAt,
      };
      const id = await services.scheduled.create(instanceId, message, urlTrustOf(principal));
      return { success: true, id };
    },
  }),
];
