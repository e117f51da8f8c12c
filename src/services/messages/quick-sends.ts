import { AppError, type ErrorBody } from '../../errors.js';
import type { UrlTrust } from '../../net/url-guard.js';
import type { MediaService } from '../media/media-service.js';
import type { MessageService } from './message-service.js';

export type MediaKind = 'image' | 'video' | 'audio' | 'document';

export interface MediaSend {
  /** The field the URL came in, for error messages (`media_url`). */
  field: string;
  /** An http(s) URL, a data URI or a media-library URL, as the native sends take. */
  url: string;
  caption?: string | undefined;
  /** The name a document shows. */
  filename?: string | undefined;
  /** Whose request this is: a URL from an instance-scoped key or an embed token may not lead inside. */
  trust: UrlTrust;
  /** What to send it as; by default what its MIME type says (anything not image, video or audio is a document). */
  kind?: MediaKind | undefined;
}

export interface Sent {
  id: string;
  /** The message's place in the instance's history (`messages.seq`): a number for APIs that answer one. */
  seq: number | null;
}

/** The kind a file is sent as, from its MIME type: a picture, a video, a sound, else a document. */
export function kindOfMime(mimetype: string): MediaKind {
  const type = mimetype.toLowerCase();
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  return 'document';
}

/**
 * Text and media sends as the other APIs' dialects ask for them (a chat id, a text or a media URL
 * with a caption), through the same rules as the native sends: MessageService.submit (404/409
 * before anything is fetched, the Idempotency-Key rule) and MediaService.forSend.
 */
export class QuickSends {
  constructor(
    private readonly messages: MessageService,
    private readonly media: MediaService,
  ) {}

  async text(instanceId: string, chatId: string, body: string, idempotencyKey?: string): Promise<Sent> {
    if (body === '') throw new AppError('bad_request', 'message: must not be empty');
    return this.sent(instanceId, await this.messages.submit(instanceId, async () => ({ to: chatId, content: { kind: 'chat', body } }), idempotencyKey));
  }

  async file(instanceId: string, chatId: string, input: MediaSend, idempotencyKey?: string): Promise<Sent & { kind: MediaKind }> {
    let kind: MediaKind = input.kind ?? 'document';
    const answer = await this.messages.submit(
      instanceId,
      async () => {
        const loaded = await this.media.forSend(instanceId, input.field, input.url, input.trust);
        kind = input.kind ?? kindOfMime(loaded.media.mimetype);
        const media = input.filename ? { ...loaded.media, filename: input.filename } : loaded.media;
        const caption = input.caption && kind !== 'audio' ? { caption: input.caption } : {};
        return { to: chatId, content: { kind, media, ...caption }, ...(loaded.libraryFile ? { libraryFile: loaded.libraryFile } : {}) };
      },
      idempotencyKey,
    );
    return { ...(await this.sent(instanceId, answer)), kind };
  }

  /** The id of a sent message, or the error a replayed answer kept, thrown again. */
  private async sent(instanceId: string, answer: { status: number; body: unknown }): Promise<Sent> {
    const body = answer.body as { sent?: true; id?: string } & Partial<ErrorBody>;
    if (answer.status !== 200 || !body.id) throw new AppError(body.code ?? 'failed', body.error ?? 'the send failed');
    return { id: body.id, seq: await this.messages.seqOf(instanceId, body.id) };
  }
}
