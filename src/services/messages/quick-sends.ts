import type { MediaPayload, OutgoingContent } from '../../engines/engine.js';
import { AppError, type ErrorBody } from '../../errors.js';
import type { UrlTrust } from '../../net/url-guard.js';
import type { FormFile, MediaService } from '../media/media-service.js';
import type { MessageService, Outgoing } from './message-service.js';

export type MediaKind = 'image' | 'video' | 'audio' | 'document';
/** What a media send goes out as: a kind of file, a voice note, or a sticker. */
export type SentKind = MediaKind | 'ptt' | 'sticker';

/** What may go with a send: a reply, mentions, view once (images and videos), a link preview (text). */
export type SendExtras = Pick<Outgoing, 'quotedMessageId' | 'mentions' | 'viewOnce' | 'linkPreview'>;

/** How a media send goes: its caption, the name a document shows, and what it is sent as. */
interface MediaOptions {
  caption?: string | undefined;
  /** The name a document shows. */
  filename?: string | undefined;
  /**
   * What to send it as; by default what its MIME type says (anything not image, video or audio is a
   * document). `ptt` is a voice note; `sticker` a sticker made from an image.
   */
  kind?: SentKind | undefined;
  /** The file must be of this kind (its MIME type), else a 400 naming the field: a PDF is not sent as an image. */
  expect?: 'image' | 'video' | 'audio' | undefined;
  extras?: SendExtras | undefined;
}

export interface MediaSend extends MediaOptions {
  /** The field the URL came in, for error messages (`media_url`). */
  field: string;
  /** An http(s) URL, a data URI or a media-library URL, as the native sends take. */
  url: string;
  /** Whose request this is: a URL from an instance-scoped key or an embed token may not lead inside. */
  trust: UrlTrust;
}

export interface FileSend extends MediaOptions {
  /** The form field the file came in, for error messages. */
  field: string;
  file: FormFile;
}

export interface Sent {
  id: string;
  /** The message's place in the instance's history (`messages.seq`): a number for APIs that answer one. */
  seq: number | null;
  /** When WhatsApp took it (Unix seconds), when stored. */
  timestamp: number | null;
}

/** The kind a file is sent as, from its MIME type: a picture, a video, a sound, else a document. */
export function kindOfMime(mimetype: string): MediaKind {
  const type = mimetype.toLowerCase();
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  return 'document';
}

const KIND_WORD = { image: 'an image', video: 'a video', audio: 'an audio file' } as const;

/**
 * Sends as the other APIs' dialects ask for them (a chat id, a text, a media URL or a file from a
 * form, a location, a contact card, a poll), through the same rules as the native sends:
 * MessageService.submit (404/409 before anything is fetched, the Idempotency-Key rule) and
 * MediaService (forSend for URLs, fromForm for files).
 */
export class QuickSends {
  constructor(
    private readonly messages: MessageService,
    private readonly media: MediaService,
  ) {}

  async text(instanceId: string, chatId: string, body: string, idempotencyKey?: string, extras: SendExtras = {}): Promise<Sent> {
    if (body === '') throw new AppError('bad_request', 'message: must not be empty');
    return this.content(instanceId, chatId, { kind: 'chat', body }, extras, idempotencyKey);
  }

  /** Any content the dialect built (a location, a contact card, a poll) with its extras. */
  async content(instanceId: string, chatId: string, content: OutgoingContent, extras: SendExtras = {}, idempotencyKey?: string): Promise<Sent> {
    return this.sent(instanceId, await this.messages.submit(instanceId, async () => ({ to: chatId, content, ...extras }), idempotencyKey));
  }

  /** Media behind a URL (fetched only once the send can happen). */
  async file(instanceId: string, chatId: string, input: MediaSend, idempotencyKey?: string): Promise<Sent & { kind: SentKind }> {
    return this.sendMedia(instanceId, chatId, input, idempotencyKey, async () => {
      const loaded = await this.media.forSend(instanceId, input.field, input.url, input.trust);
      return { media: loaded.media, ...(loaded.libraryFile ? { libraryFile: loaded.libraryFile } : {}) };
    });
  }

  /** A file a client sent in a form field. */
  async upload(instanceId: string, chatId: string, input: FileSend, idempotencyKey?: string): Promise<Sent & { kind: SentKind }> {
    return this.sendMedia(instanceId, chatId, input, idempotencyKey, async () => ({ media: this.media.fromForm(input.field, input.file) }));
  }

  private async sendMedia(
    instanceId: string,
    chatId: string,
    input: MediaOptions & { field: string },
    idempotencyKey: string | undefined,
    load: () => Promise<{ media: MediaPayload; libraryFile?: string }>,
  ): Promise<Sent & { kind: SentKind }> {
    let kind: SentKind = input.kind ?? 'document';
    const answer = await this.messages.submit(
      instanceId,
      async () => {
        const loaded = await load();
        const found = kindOfMime(loaded.media.mimetype);
        if (input.expect && found !== input.expect) {
          throw new AppError('bad_request', `${input.field}: expected ${KIND_WORD[input.expect]}, got ${loaded.media.mimetype}`);
        }
        kind = input.kind ?? found;
        // A document shows a name: the one asked for, else the file's own (its form name, its URL's last part), else "document".
        const filename = input.filename ?? loaded.media.filename ?? (kind === 'document' ? 'document' : undefined);
        const media = filename ? { ...loaded.media, filename } : loaded.media;
        const caption = input.caption && kind !== 'audio' && kind !== 'ptt' && kind !== 'sticker' ? { caption: input.caption } : {};
        return {
          to: chatId,
          content: { kind, media, ...caption },
          ...(loaded.libraryFile ? { libraryFile: loaded.libraryFile } : {}),
          ...input.extras,
        };
      },
      idempotencyKey,
    );
    return { ...(await this.sent(instanceId, answer)), kind };
  }

  /** The id of a sent message, or the error a replayed answer kept, thrown again. */
  private async sent(instanceId: string, answer: { status: number; body: unknown }): Promise<Sent> {
    const body = answer.body as { sent?: true; id?: string } & Partial<ErrorBody>;
    if (answer.status !== 200 || !body.id) throw new AppError(body.code ?? 'failed', body.error ?? 'the send failed');
    const place = await this.messages.placeOf(instanceId, body.id);
    return { id: body.id, seq: place?.seq ?? null, timestamp: place?.timestamp ?? null };
  }
}
