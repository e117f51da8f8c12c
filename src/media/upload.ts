import { mkdir, rm } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type multerLib from 'multer';
import type { StorageEngine } from 'multer';
import { AppError, badRequest, notFound } from '../errors.js';
import { loadedOnFirstUse } from '../paths.js';
import type { MediaLibraryOptions } from './media-library.js';
import { MAX_MEDIA_BYTES } from './media-source.js';
import { mediaDisk, publishFile, temporaryName } from './media-store.js';
import { mimeOfName } from './mime.js';
import { instanceMediaDir, mediaUrl } from './paths.js';

// multer (with busboy) is loaded on the first upload, not at start-up.
const multer = loadedOnFirstUse<typeof multerLib>('multer');

/** The seed's answer for an upload. */
export interface UploadedFile {
  filename: string;
  originalname: string;
  mimetype: string;
  size: number;
  url: string;
}

/** What multer's disk storage leaves on the request for the file it wrote. */
interface WrittenPart {
  originalname: string;
  mimetype: string;
  size: number;
  path: string;
}

/**
 * The Node stream multer reads: the request body as hono holds it. Not `c.env.incoming`: by the
 * time a handler runs, the JSON-body check has already wrapped the incoming stream in the web
 * Request's body (Readable.toWeb pulls its first chunks), so reading `incoming` again would miss
 * them and wait forever. Works under `app.request()` too, where there is no Node request at all.
 */
function bodyAsNodeRequest(request: Request, body: ReadableStream<Uint8Array>) {
  const headers: IncomingHttpHeaders = {};
  request.headers.forEach((value, key) => {
    headers[key] = value;
  });
  // type-is (in multer) only parses requests that announce a body.
  if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) headers['transfer-encoding'] = 'chunked';
  const stream = Readable.fromWeb(body as unknown as NodeReadableStream<Uint8Array>);
  return Object.assign(stream, { headers, file: undefined as WrittenPart | undefined });
}

function uploadError(err: unknown): Error {
  if (err instanceof multer().MulterError) {
    if (err.code === 'LIMIT_FILE_SIZE') return new AppError('payload_too_large', 'file: is larger than 64 MB');
    if (err.code === 'LIMIT_UNEXPECTED_FILE') {
      return badRequest(`file: unexpected file field "${err.field ?? ''}"; send exactly one file, in the multipart field named "file"`);
    }
    return badRequest(`file: ${err.message}`);
  }
  // Errors of the disk are ours: a full one (ENOSPC) answers 507, others (EACCES, ...) 500. Anything else is a body busboy could not read.
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return err as Error;
  return badRequest(`file: the multipart body could not be read (${err instanceof Error ? err.message : String(err)})`);
}

/**
 * multer's storage: the file part streams into a hidden temporary file of `dir`, through the media
 * disk writes (mediaDisk), each temporary name remembered so that it is removed whatever happens.
 */
function temporaryFiles(dir: string, temporary: Set<string>): StorageEngine {
  return {
    _handleFile(_req, file, cb) {
      const full = path.join(dir, temporaryName('upload'));
      temporary.add(full);
      let size = 0;
      let done = false;
      const finish = (err: Error | null) => {
        if (done) return;
        done = true;
        if (err) cb(err);
        else cb(null, { path: full, size });
      };
      const out = mediaDisk.createWriteStream(full);
      out.on('error', (err: Error) => finish(err));
      out.on('finish', () => finish(null));
      file.stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
      });
      file.stream.pipe(out);
    },
    _removeFile(_req, file, cb) {
      rm(file.path, { force: true }).then(() => cb(null), cb);
    },
  };
}

/**
 * Streams the multipart field `file` of a request into MEDIA_DIR/{instanceId}/ with multer: at
 * most 64 MB (413 beyond), written under a hidden temporary name and renamed to a generated one
 * once complete. Whatever happens, no partial or temporary file is left behind.
 */
export async function receiveUpload(opts: MediaLibraryOptions, instanceId: string, request: Request, cancel?: AbortSignal): Promise<UploadedFile> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data\b/i.test(type)) {
    throw badRequest('file: send the file as multipart/form-data, in a field named "file"');
  }
  if (!request.body) throw badRequest('file: is required (multipart field "file")');

  const dir = instanceMediaDir(opts.mediaDir, instanceId);
  await mkdir(dir, { recursive: true });
  const temporary = new Set<string>();
  const handler = multer()({
    storage: temporaryFiles(dir, temporary),
    limits: { fileSize: MAX_MEDIA_BYTES, files: 1, fields: 20, parts: 21, fieldSize: 64 * 1024 },
    defParamCharset: 'utf8',
  }).single('file');

  const req = bodyAsNodeRequest(request, request.body);
  const gone = () => notFound(`instance ${instanceId} not found`);
  try {
    if (cancel?.aborted) throw gone();
    // multer is Express middleware; it only reads `req` (headers, the stream) and never touches `res`.
    await new Promise<void>((resolve, reject) => {
      // The instance is being deleted: stop reading; the deletion waits for this to end.
      const onCancel = () => {
        reject(gone());
        req.destroy();
      };
      cancel?.addEventListener('abort', onCancel, { once: true });
      handler(req as never, {} as never, (err?: unknown) => {
        cancel?.removeEventListener('abort', onCancel);
        if (err) reject(uploadError(err));
        else resolve();
      });
    });
    if (cancel?.aborted) throw gone();
    const part = req.file;
    if (!part) throw badRequest('file: is required (multipart field "file")');
    if (part.size === 0) throw badRequest('file: is empty');
    const filename = await publishFile(dir, part.path, part.mimetype, part.originalname);
    const mimetype = part.mimetype && part.mimetype !== 'application/octet-stream' ? part.mimetype : mimeOfName(part.originalname);
    return { filename, originalname: part.originalname, mimetype, size: part.size, url: mediaUrl(opts.publicUrl, instanceId, filename) };
  } finally {
    await Promise.all([...temporary].map((p) => rm(p, { force: true })));
  }
}
