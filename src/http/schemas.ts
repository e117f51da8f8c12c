import { z } from '@hono/zod-openapi';

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
