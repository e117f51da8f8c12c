import { z } from '@hono/zod-openapi';

/**
 * The bodies of Evolution's message routes (its JSON schemas, read from Evolution 2.3.6 to
 * 2.4.0-rc2). Every send takes the common fields of Evolution's `Metadata`.
 */
const flag = z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true');
const num = z.union([z.number(), z.string().regex(/^\s*-?\d+(\.\d+)?\s*$/, 'expected a number').transform(Number)]);

export const Metadata = z.object({
  number: z.union([z.string(), z.number()]).transform(String).openapi({ example: '905551112233', description: 'Digits with country code, a user JID or a group JID' }),
  delay: num.pipe(z.number().int().min(0).max(300_000, 'at most 300000 ms')).optional().openapi({ type: 'integer', description: 'Milliseconds to show "typing..." before sending' }),
  quoted: z.object({ key: z.object({ id: z.string().min(1) }), message: z.unknown().optional() }).optional().openapi({ description: 'Reply to this message (its key.id)' }),
  linkPreview: flag.optional(),
  mentionsEveryOne: flag.optional(),
  everyOne: flag.optional(),
  mentioned: z.array(z.string()).max(1024).optional(),
  messageId: z.string().optional().openapi({ description: 'Not used: WhatsApp gives the id' }),
});
export type MetadataInput = z.output<typeof Metadata>;

const nonBlank = (what: string) => z.string().refine((v) => v.trim() !== '', `${what} is required`);

export const SendText = Metadata.extend({ text: nonBlank('Text').pipe(z.string().max(65536)).openapi({ example: 'Merhaba' }) });

export const MEDIA_TYPES = ['image', 'video', 'document', 'audio'] as const;
export const SendMedia = Metadata.extend({
  mediatype: z.enum(MEDIA_TYPES),
  media: z.string().optional().openapi({ description: 'An http(s) URL or base64 (or a multipart `file`)' }),
  mimetype: z.string().optional(),
  caption: z.string().max(4096).optional(),
  fileName: z.string().max(255).optional(),
  file: z.unknown().optional().openapi({ type: 'string', format: 'binary' }),
});
export const SendAudio = Metadata.extend({ audio: z.string().optional(), file: z.unknown().optional().openapi({ type: 'string', format: 'binary' }) });
export const SendSticker = Metadata.extend({ sticker: z.string().optional(), file: z.unknown().optional().openapi({ type: 'string', format: 'binary' }) });

export const SendLocation = Metadata.extend({
  latitude: num.pipe(z.number().min(-90).max(90)).openapi({ type: 'number', example: 41.0082 }),
  longitude: num.pipe(z.number().min(-180).max(180)).openapi({ type: 'number', example: 28.9784 }),
  name: z.string().max(256),
  address: z.string().max(1024),
});

export const SendContact = Metadata.extend({
  contact: z
    .array(
      z.object({
        fullName: z.string().min(1).max(256),
        phoneNumber: z.string().min(1),
        wuid: z.string().optional(),
        organization: z.string().max(256).optional(),
        email: z.string().max(256).optional(),
        url: z.string().max(2048).optional(),
      }),
    )
    .min(1)
    .max(20),
});

export const SendReaction = z.object({
  key: z.object({ remoteJid: z.string().min(1), fromMe: flag, id: z.string().min(1) }),
  reaction: z.string().max(32),
});

export const SendPoll = Metadata.extend({
  name: z.string().min(1).max(256),
  selectableCount: num.pipe(z.number().int().min(0).max(10)).openapi({ type: 'integer', description: '1: one answer; 0 or more than 1: several answers' }),
  values: z
    .array(z.string().min(1).max(100))
    .min(2)
    .max(10)
    .refine((v) => new Set(v).size === v.length, 'values must be unique'),
});

export const SendList = Metadata.extend({
  title: z.string().max(1024),
  description: z.string().max(4096).optional(),
  footerText: z.string().max(1024),
  buttonText: z.string().max(256),
  sections: z
    .array(
      z.object({
        title: z.string().max(256),
        rows: z.array(z.object({ title: z.string().min(1).max(256), rowId: z.string().min(1), description: z.string().max(1024).optional() })).min(1).max(50),
      }),
    )
    .min(1)
    .max(10),
});

export const BUTTON_TYPES = ['reply', 'copy', 'url', 'call', 'pix'] as const;
export const SendButtons = Metadata.extend({
  title: z.string().max(1024).optional(),
  description: z.string().max(4096).optional(),
  footer: z.string().max(1024).optional(),
  thumbnailUrl: z.string().optional(),
  buttons: z
    .array(
      z.object({
        type: z.enum(BUTTON_TYPES),
        displayText: z.string().max(256).optional(),
        id: z.string().optional(),
        url: z.string().optional(),
        copyCode: z.string().optional(),
        phoneNumber: z.string().optional(),
        currency: z.string().optional(),
        name: z.string().optional(),
        keyType: z.string().optional(),
        key: z.string().optional(),
      }),
    )
    .min(1)
    .max(10),
});

export const SendTemplate = Metadata.extend({
  name: z.string().min(1),
  language: z.string().min(1),
  components: z.array(z.unknown()).optional(),
  webhookUrl: z.string().optional(),
});
