import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { AppError, notFound } from '../../errors.js';
import { mimeOfName } from '../../media/mime.js';
import { instanceMediaDir, isSafeFileName } from '../../media/paths.js';
import type { AppEnv } from '../context.js';

const pageTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/**
 * The embed page's policy: it may be framed by Hatline's own pages and the EMBED_ALLOWED_ORIGINS
 * (the token travels in the URL's fragment, which never reaches the server, so the allowed origins
 * cannot depend on the token: they are one setting), and it loads nothing but Hatline's own files
 * (pictures may be WhatsApp's https URLs or data URIs).
 */
export function embedPolicy(allowedOrigins: readonly string[]): string {
  const ancestors = allowedOrigins.includes('*') ? '*' : ["'self'", ...allowedOrigins].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob: https:",
    "media-src 'self' data: blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
    `frame-ancestors ${ancestors}`,
  ].join('; ');
}

/** Streams a file from `dir` (never outside it); null when there is no such regular file. */
async function fileResponse(dir: string, name: string, type: string, cache: string, extra: Record<string, string> = {}): Promise<Response | null> {
  const full = path.join(dir, name);
  if (!full.startsWith(dir + path.sep)) return null;
  try {
    const info = await stat(full);
    if (!info.isFile()) return null;
    const body = Readable.toWeb(createReadStream(full)) as ReadableStream;
    return new Response(body, {
      headers: { 'Content-Type': type, 'Content-Length': String(info.size), 'Cache-Control': cache, 'X-Content-Type-Options': 'nosniff', ...extra },
    });
  } catch {
    return null;
  }
}

/** The dashboard's files from public/, the embed page, and received/uploaded media at /media/{instanceId}/{filename}. */
export function staticRoutes(opts: { publicDir: string; mediaDir: string; instanceExists: (instanceId: string) => boolean; embedAllowedOrigins: readonly string[] }) {
  const r = new Hono<AppEnv>();
  const embedHeaders = { 'Content-Security-Policy': embedPolicy(opts.embedAllowedOrigins), 'Referrer-Policy': 'no-referrer' };
  // The dashboard holds an admin's token: no other site may frame it (clickjacking).
  const dashboardHeaders = { 'Content-Security-Policy': "frame-ancestors 'none'", 'X-Frame-Options': 'DENY' };

  // GET /embed: the embed page lives at /embed/ (its relative URLs need the slash); the fragment
  // with the token survives the redirect (browsers keep it).
  r.get('/embed', (c) => c.redirect('embed/', 301));

  // GET /embed/ (the embedUrl of an embed token: /embed/#token=...)
  r.get('/embed/', async (c) => {
    const res = await fileResponse(path.join(opts.publicDir, 'embed'), 'index.html', pageTypes['.html']!, 'no-cache', embedHeaders);
    if (!res) throw notFound('the embed page is missing from public/embed/');
    return res;
  });

  // GET /media/:instanceId/:filename (no token: stored names are random)
  r.get('/media/:instanceId/:filename', async (c) => {
    const { instanceId, filename } = c.req.param();
    if (!isSafeFileName(instanceId) || !isSafeFileName(filename)) throw new AppError('bad_request', 'invalid media path');
    // Media of an instance being deleted (or of none: a folder a crash left behind) is not served.
    if (!opts.instanceExists(instanceId)) throw notFound(`media ${instanceId}/${filename} not found`);
    const res = await fileResponse(instanceMediaDir(opts.mediaDir, instanceId), filename, mimeOfName(filename), 'private, max-age=3600');
    if (!res) throw notFound(`media ${instanceId}/${filename} not found`);
    return res;
  });

  // GET / and the dashboard's assets
  r.get('/*', async (c, next) => {
    let name: string;
    try {
      name = decodeURIComponent(c.req.path).replace(/^\/+/, '');
    } catch {
      return next();
    }
    if (name === '') name = 'index.html';
    if (name === 'docs') name = 'docs.html';
    if (name.split('/').some((part) => part === '..' || part.includes('\0'))) return next();
    if (name.startsWith('embed/')) return next(); // only /embed/ itself, with its policy
    const type = pageTypes[path.extname(name)] ?? 'application/octet-stream';
    const res = await fileResponse(opts.publicDir, name, type, 'no-cache', type.startsWith('text/html') ? dashboardHeaders : {});
    return res ?? next();
  });

  return r;
}
