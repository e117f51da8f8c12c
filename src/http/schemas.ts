import { z } from '@hono/zod-openapi';
import { JOB_MESSAGE_TYPES } from '../services/jobs/job-message.js';

/** A stored message as the API shows it (history, chat messages; webhooks carry the same fields). */
export const MessageSchema = z
  .object({
    id: z.string(),
    chatId: z.string(),
    from: z.string(),
    to: z.string(),
    fromMe: z.boolean(),
    type: z.string().openapi({ example: 'chat', description: 'chat, image, video, audio, ptt, document, sticker, location, vcard, poll_creation, revoked (deleted for everyone)' }),
    body: z.string(),
    caption: z.string().optional(),
    status: z.string().openapi({ description: 'pending, sent, delivered, read, played, failed; received for incoming messages' }),
    timestamp: z.number().openapi({ description: 'Unix seconds' }),
    senderName: z.string().optional(),
    error: z.string().optional(),
    media: z.object({ url: z.string(), mimetype: z.string(), filename: z.string().nullable(), size: z.number().nullable() }).optional(),
    location: z.object({ lat: z.number(), lng: z.number(), name: z.string().optional(), address: z.string().optional() }).optional(),
    poll: z.object({ name: z.string(), values: z.array(z.string()), selectableCount: z.number() }).optional(),
    vcard: z.string().optional(),
    quotedMessageId: z.string().optional().openapi({ description: 'The message this one replies to' }),
    mentions: z.array(z.string()).optional().openapi({ description: 'People mentioned' }),
    forwarded: z.literal(true).optional(),
    viewOnce: z.literal(true).optional().openapi({ description: 'An image or video that can be opened once' }),
    starred: z.literal(true).optional(),
    editedAt: z.number().optional().openapi({ description: 'Unix seconds of the last edit' }),
    originalBody: z.string().optional().openapi({ description: 'The text before the first edit' }),
    reactions: z
      .array(z.object({ emoji: z.string(), from: z.string(), fromMe: z.boolean(), timestamp: z.number() }))
      .optional()
      .openapi({ description: 'One reaction per person (this account included)' }),
    votes: z
      .array(z.object({ voter: z.string(), selected: z.array(z.string()), timestamp: z.number() }))
      .optional()
      .openapi({ description: 'Polls: one vote per voter, with the options chosen' }),
  })
  .openapi('Message');

// --- Request fields shared by the native routes and the MCP tools (one schema validates both) ---

/** A recipient: a phone number with country code, a user id or a group id. */
export const ToField = z.string().min(1).openapi({ example: '+905321234567', description: 'Phone number (+905..., 905...), user id or group id (...@g.us)' });

/** A chat named by its id or a phone number. */
export const ChatIdField = z.string().min(1).openapi({ example: '905321234567@s.whatsapp.net', description: 'A chat id, or a phone number with country code' });

/** The text of a message. */
export const TextField = z.string().min(1).max(65536).openapi({ example: 'Merhaba!' });

/** Media to send: a URL, a data URI or a media-library URL. */
export const MediaField = (example: string) =>
  z.string().min(1).openapi({ example, description: 'An http(s) URL, a base64 data URI, or a URL from media/upload' });

export const CaptionField = z.string().max(4096).optional();

/** A latitude or longitude: a number, or a string holding one (form clients send strings). */
export const coordinate = (min: number, max: number, example: number) =>
  z
    .union([z.number(), z.string().regex(/^\s*-?\d+(\.\d+)?\s*$/, 'expected a number').transform(Number)])
    .pipe(z.number().min(min).max(max))
    .openapi({ type: 'number', example });

export const LocationFields = {
  lat: coordinate(-90, 90, 41.0082),
  lng: coordinate(-180, 180, 28.9784),
  name: z.string().max(256).optional(),
  address: z.string().max(1024).optional(),
};

export const PollFields = {
  name: z.string().min(1).max(256).openapi({ example: 'Toplantı?' }),
  values: z
    .array(z.string().min(1).max(100))
    .min(2, 'a poll needs 2 to 12 options')
    .max(12, 'a poll needs 2 to 12 options')
    .refine((v) => new Set(v).size === v.length, 'options must be different from each other')
    .openapi({ example: ['Pzt', 'Çar', 'Cum'] }),
  selectableCount: z.union([z.literal(0), z.literal(1)]).default(0).openapi({ description: '0 = several answers allowed, 1 = exactly one' }),
};

/** A stored message's id (WhatsApp's). */
export const MessageIdField = z.string().min(1).max(128).openapi({ example: '3EB0C767D26A1D8B0C2B', description: 'The message id' });

export const EmojiField = z.string().max(32).openapi({ example: '👍', description: "'' removes this account's reaction" });

/** What every send may carry: a reply and mentions. */
export const replyFields = {
  quotedMessageId: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .openapi({ example: '3EB0C767D26A1D8B0C2B', description: 'Reply to this message (the id of a message stored for this instance): it is quoted' }),
  mentions: z
    .array(z.string().min(1))
    .max(1024)
    .optional()
    .openapi({ example: ['905321234567'], description: 'People mentioned (phone numbers or user ids); the text shows each as @<phone>' }),
};

export const SCHEDULED_STATUSES = ['pending', 'queued', 'sending', 'sent', 'failed', 'cancelled'] as const;

export const CreateScheduledSchema = z
  .object({
    recipient: z.string().min(1).openapi({ example: '+905321234567' }),
    recipientName: z.string().max(256).optional(),
    messageType: z.enum(JOB_MESSAGE_TYPES).default('text'),
    body: z.string().max(65536).optional(),
    mediaUrl: z.string().min(1).optional(),
    filename: z.string().min(1).max(255).optional(),
    scheduledAt: z.string().openapi({ example: '2026-12-01T09:00:00+03:00', description: 'ISO 8601, in the future; no offset means UTC' }),
  })
  .openapi('CreateScheduled');
