import type { MediaPayload } from '../../engines/engine.js';
import { deleteLibraryFile, listLibrary, type LibraryFile } from '../../media/media-library.js';
import { AppError } from '../../errors.js';
import { MAX_MEDIA_BYTES, resolveMedia, type MediaSources, type ResolvedMedia } from '../../media/media-source.js';
import { mimeOfName } from '../../media/mime.js';
import { receiveUpload, type UploadedFile } from '../../media/upload.js';
import type { UrlTrust } from '../../net/url-guard.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';

/** A file a client sent in a form field (a multipart part), as read. */
export interface FormFile {
  data: Buffer;
  /** What the part said it is ('' or application/octet-stream: guessed from the name). */
  mimetype: string;
  filename?: string | undefined;
}

/** Media loaded for a send: the payload, and the library file when it is one of this instance's. */
export interface MediaForSend {
  media: MediaPayload;
  libraryFile?: string;
}

export interface MediaServiceOptions extends MediaSources {
  registry: InstanceRegistry;
}

/** An instance's media library, and media a client points a send at. */
export class MediaService {
  readonly sources: MediaSources;

  constructor(private readonly opts: MediaServiceOptions) {
    this.sources = { publicUrl: opts.publicUrl, mediaDir: opts.mediaDir, urls: opts.urls };
  }

  /** `cancel` is aborted when the instance is being deleted: the upload stops and answers 404. */
  upload(instanceId: string, request: Request, cancel?: AbortSignal): Promise<UploadedFile> {
    this.opts.registry.get(instanceId);
    return receiveUpload(this.sources, instanceId, request, cancel);
  }

  list(instanceId: string): Promise<LibraryFile[]> {
    this.opts.registry.get(instanceId);
    return listLibrary(this.sources, instanceId);
  }

  delete(instanceId: string, filename: string): Promise<void> {
    this.opts.registry.get(instanceId);
    return deleteLibraryFile(this.sources, instanceId, filename);
  }

  /**
   * An http(s) URL, a base64 data URI or a media/upload URL, loaded (a 400 naming `field`
   * otherwise); `trust` is the requester's (urlTrustOf): whether ALLOW_PRIVATE_URLS applies.
   */
  resolve(field: string, input: string, trust: UrlTrust): Promise<ResolvedMedia> {
    return resolveMedia(this.sources, field, input, trust);
  }

  /**
   * A file sent in a form field, as media: at most 64 MB (413, like media/upload), not empty, its
   * MIME type from the part or else from its name; `expect: 'image'` for a picture.
   */
  fromForm(field: string, file: FormFile, expect?: 'image'): MediaPayload {
    if (file.data.length > MAX_MEDIA_BYTES) throw new AppError('payload_too_large', `${field}: is larger than 64 MB`);
    if (file.data.length === 0) throw new AppError('bad_request', `${field}: the file is empty`);
    const given = file.mimetype.split(';')[0]!.trim().toLowerCase();
    const mimetype = given && given !== 'application/octet-stream' ? given : mimeOfName(file.filename ?? '');
    if (expect === 'image' && !mimetype.startsWith('image/')) throw new AppError('bad_request', `${field}: expected an image (JPEG or PNG), got ${mimetype}`);
    return { mimetype, data: file.data, ...(file.filename ? { filename: file.filename } : {}) };
  }

  async forSend(instanceId: string, field: string, input: string, trust: UrlTrust): Promise<MediaForSend> {
    const { library, ...media } = await this.resolve(field, input, trust);
    return { media, ...(library && library.instance === instanceId ? { libraryFile: library.file } : {}) };
  }
}
