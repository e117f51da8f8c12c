import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { MediaPayload } from '../engines/engine.js';
import { AppError } from '../errors.js';
import { guardedGet, type GuardedResponse } from '../net/guarded-get.js';
import { isUrlRefused, type UrlGuard, type UrlTrust } from '../net/url-guard.js';
import { mimeOfName } from './mime.js';
import { instanceMediaDir, isSafeFileName } from './paths.js';

export const MAX_MEDIA_BYTES = 64 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 30_000;

export interface MediaSources {
  /** PUBLIC_URL: URLs under `${publicUrl}/media/` are read from disk, not over HTTP. */
  publicUrl: string;
  mediaDir: string;
  /** The gate every media URL is fetched through. */
  urls: UrlGuard;
}

const bad = (field: string, why: string) => new AppError('bad_request', `${field}: ${why}`);

/** Percent-decoding that keeps a malformed name as it is instead of throwing. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function fromDataUri(field: string, input: string): MediaPayload {
  const m = /^data:([\w.+-]+\/[\w.+-]+)?((?:;\s*[\w.+-]+=[^;,]*)*);base64,/i.exec(input);
  if (!m) throw bad(field, 'a data URI must look like data:<mimetype>;base64,<data>');
  const payload = input.slice(m[0].length).replace(/\s+/g, '');
  if (payload.length === 0 || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload)) {
    throw bad(field, 'the data URI does not hold valid base64');
  }
  const data = Buffer.from(payload, 'base64');
  if (data.length > MAX_MEDIA_BYTES) throw bad(field, 'media is larger than 64 MB');
  const name = safeDecode(/;\s*name=([^;,]+)/i.exec(m[2] ?? '')?.[1] ?? '');
  return {
    mimetype: (m[1] ?? 'application/octet-stream').toLowerCase(),
    data,
    ...(name ? { filename: name } : {}),
  };
}

/** `{publicUrl}/media/{instance}/{file}` or `/media/{instance}/{file}` -> the file on disk, or null. */
function localMediaPath(sources: MediaSources, input: string): { instance: string; file: string } | null {
  let rest: string | null = null;
  const prefix = `${sources.publicUrl}/media/`;
  if (input.startsWith(prefix)) rest = input.slice(prefix.length);
  else if (input.startsWith('/media/')) rest = input.slice('/media/'.length);
  if (rest === null) return null;
  const parts = rest.split('?')[0]!.split('/').map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return '';
    }
  });
  if (parts.length !== 2 || !isSafeFileName(parts[0]!) || !isSafeFileName(parts[1]!)) return null;
  return { instance: parts[0]!, file: parts[1]! };
}

/** Media loaded for a send; `library` is set when it is a file of the media library. */
export interface ResolvedMedia extends MediaPayload {
  library?: { instance: string; file: string };
}

async function fromDisk(field: string, sources: MediaSources, where: { instance: string; file: string }): Promise<ResolvedMedia> {
  const full = path.join(instanceMediaDir(sources.mediaDir, where.instance), where.file);
  try {
    const info = await stat(full);
    if (!info.isFile()) throw new Error('not a file');
  } catch {
    throw bad(field, `no uploaded file ${where.instance}/${where.file} in the media library`);
  }
  return { mimetype: mimeOfName(where.file), data: await readFile(full), filename: where.file, library: where };
}

/** What a failed fetch says: the same whatever failed (refused, reset, timed out), so it tells nothing of the far side's ports. */
const COULD_NOT_FETCH = 'could not fetch the media URL';

async function fromHttp(field: string, sources: MediaSources, url: URL, trust: UrlTrust): Promise<MediaPayload> {
  const signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
  let res: GuardedResponse;
  try {
    res = await guardedGet(sources.urls, url, 'media', trust, { signal, headers: { 'user-agent': 'Hatline', accept: '*/*' } });
  } catch (err) {
    if (isUrlRefused(err)) throw refused(field);
    throw bad(field, COULD_NOT_FETCH);
  }
  if (res.status < 200 || res.status >= 300) {
    res.body.destroy();
    throw bad(field, `${COULD_NOT_FETCH}: the server answered HTTP ${res.status}`);
  }
  const declared = Number(res.headers['content-length'] ?? '0');
  if (declared > MAX_MEDIA_BYTES) {
    res.body.destroy();
    throw bad(field, 'media is larger than 64 MB');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      if (size > MAX_MEDIA_BYTES) {
        res.body.destroy();
        throw bad(field, 'media is larger than 64 MB');
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw bad(field, COULD_NOT_FETCH);
  }
  const name = safeDecode(url.pathname.split('/').pop() ?? '') || undefined;
  const header = res.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  const mimetype =
    header && header !== 'application/octet-stream' && header !== 'binary/octet-stream' ? header : mimeOfName(name ?? '');
  return { mimetype, data: Buffer.concat(chunks), ...(name ? { filename: name } : {}) };
}

function refused(field: string): AppError {
  return new AppError('url_refused', `${field}: refused: the URL leads to a non-public address (this machine, a private network or a metadata service)`);
}

/** An http(s) URL as a client gave it, or a 400 naming the field. */
function httpUrlOf(field: string, value: string): URL {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw bad(field, 'expected an http(s) URL, a base64 data URI, or a URL from media/upload');
  }
  return url;
}

/**
 * Checks a media URL to be kept for later (a scheduled message) without loading it: its form, and
 * for an http(s) URL whether its host may be reached (the literal address, and the name's DNS
 * answer now). It is judged again when it is loaded.
 */
export async function checkMediaUrl(sources: MediaSources, field: string, input: string, trust: UrlTrust): Promise<void> {
  const value = input.trim();
  if (value.startsWith('data:')) {
    fromDataUri(field, value);
    return;
  }
  if (localMediaPath(sources, value)) return;
  try {
    await sources.urls.check(httpUrlOf(field, value), 'media', trust);
  } catch (err) {
    if (isUrlRefused(err)) throw refused(field);
    throw err;
  }
}

/**
 * Loads media a client pointed at: a base64 data URI, an uploaded file's URL (read from disk),
 * or an http(s) URL (fetched through the URL guard, at most 64 MB; `trust` says whether the
 * operator's ALLOW_PRIVATE_URLS applies). Anything else is a 400 naming the field; a URL leading to
 * a non-public address is a 400 `url_refused`.
 */
export async function resolveMedia(sources: MediaSources, field: string, input: string, trust: UrlTrust): Promise<ResolvedMedia> {
  const value = input.trim();
  if (value.startsWith('data:')) return fromDataUri(field, value);
  const local = localMediaPath(sources, value);
  if (local) return fromDisk(field, sources, local);
  return fromHttp(field, sources, httpUrlOf(field, value), trust);
}
