import { Readable } from 'node:stream';
import { createRoute, z } from '@hono/zod-openapi';
import { FILE_KINDS } from '../../services/files/file-service.js';
import type { Services } from '../deps.js';
import { createRouter, errors, jsonResponse } from '../openapi.js';

const tag = ['Files'];

const FileSchema = z
  .object({
    id: z.string().openapi({ example: '10452', description: 'For /api/files/{id}/raw' }),
    instanceId: z.string(),
    messageId: z.string(),
    chatId: z.string(),
    fromMe: z.boolean(),
    kind: z.enum(FILE_KINDS).openapi({ description: 'By MIME type: image (stickers too), video, audio (voice notes too), document (anything else)' }),
    messageType: z.string().openapi({ example: 'image' }),
    mimetype: z.string().openapi({ example: 'image/jpeg' }),
    filename: z.string(),
    size: z.number().nullable(),
    caption: z.string().nullable(),
    timestamp: z.number().openapi({ description: 'Unix seconds of the message' }),
    url: z.string().openapi({ description: 'PUBLIC_URL/media/{instanceId}/{file}, served without a token' }),
    rawUrl: z.string().openapi({ example: '/api/files/10452/raw' }),
  })
  .openapi('File');

const Counts = z.object({ all: z.number(), image: z.number(), video: z.number(), audio: z.number(), document: z.number() }).openapi({ description: 'Files per kind (of the instance asked for, or of every instance the token sees), whatever type and q say' });

/** What a browser may show in place (the dashboard's previews); anything else is a download. */
const SHOWN_INLINE = /^(image\/(jpeg|png|gif|webp|bmp)|video\/[\w.+-]+|audio\/[\w.+-]+|application\/pdf)$/;

/** `filename="..."` for old clients (ASCII, no quotes) and `filename*=` (RFC 8187) with the real name. */
function disposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export function fileRoutes({ files }: Pick<Services, 'files'>) {
  const r = createRouter();

  // GET /api/files
  r.openapi(
    createRoute({
      method: 'get',
      path: '/api/files',
      tags: tag,
      summary: 'Every media file of every message, in and out, newest first, with the counts per kind',
      request: {
        query: z.object({
          type: z.enum(['all', ...FILE_KINDS]).default('all'),
          q: z.string().max(200).optional().openapi({ description: 'Text in the file name or caption (any case)' }),
          instanceId: z.string().min(1).max(64).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
      },
      responses: { 200: jsonResponse(z.object({ items: z.array(FileSchema), counts: Counts }), 'Files'), 400: errors[400], 404: errors[404] },
    }),
    async (c) => {
      const { type, ...filter } = c.req.valid('query');
      return c.json(await files.list(c.get('principal'), { ...filter, kind: type === 'all' ? undefined : type }), 200);
    },
  );

  // GET /api/files/:id/raw
  r.openapi(
    createRoute({
      method: 'get',
      path: '/api/files/{id}/raw',
      tags: tag,
      summary: 'The file itself; ?download=1 to save it under its name',
      request: {
        params: z.object({ id: z.string().min(1).max(200).openapi({ param: { name: 'id', in: 'path' }, example: 'message:3EB0C767D26A1D8B0C2B', description: 'A file id, or message:{messageId}' }) }),
        query: z.object({
          download: z.enum(['0', '1']).optional(),
          instanceId: z.string().min(1).max(64).optional().openapi({ description: 'With message:{messageId}: the instance whose message it is' }),
        }),
      },
      responses: {
        200: { description: 'The file, with its MIME type', content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } },
        400: errors[400],
        404: errors[404],
      },
    }),
    async (c) => {
      const { download, instanceId } = c.req.valid('query');
      const file = await files.open(c.get('principal'), c.req.valid('param').id, instanceId);
      const inline = download !== '1' && SHOWN_INLINE.test(file.mimetype);
      return c.body(Readable.toWeb(file.stream) as ReadableStream, 200, {
        'Content-Type': file.mimetype,
        'Content-Length': String(file.size),
        'Content-Disposition': disposition(inline ? 'inline' : 'attachment', file.filename),
        'Cache-Control': 'private, max-age=3600',
        'X-Content-Type-Options': 'nosniff',
        // Whatever a file holds, it runs nothing on this origin.
        'Content-Security-Policy': "default-src 'none'; media-src 'self'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
      });
    },
  );

  return r;
}
