import type { MediaPayload } from '../../engines/engine.js';
import { deleteLibraryFile, listLibrary, type LibraryFile } from '../../media/media-library.js';
import { resolveMedia, type MediaSources, type ResolvedMedia } from '../../media/media-source.js';
import { receiveUpload, type UploadedFile } from '../../media/upload.js';
import type { UrlTrust } from '../../net/url-guard.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';

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

  async forSend(instanceId: string, field: string, input: string, trust: UrlTrust): Promise<MediaForSend> {
    const { library, ...media } = await this.resolve(field, input, trust);
    return { media, ...(library && library.instance === instanceId ? { libraryFile: library.file } : {}) };
  }
}
