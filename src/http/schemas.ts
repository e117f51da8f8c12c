import { z } from '@hono/zod-openapi';

/** A stored message as the API shows it (history, chat messages; webhooks carry the same fields). */
export const MessageSchema = z
  .object({
    id: z.string(),
    chatId: z.string(),
    from: z.string(),
    to: z.string(),
    fromMe: z.boolean(),
    type: z.string().openapi({ example: 'chat', description: 'chat, image, video, audio, ptt, document, sticker, location, vcard, poll_creation, revoked' }),
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
  })
  .openapi('Message');
