import type { MediaPayload, OutgoingContent } from '../../engines/engine.js';
import { AppError } from '../../errors.js';
import { checkMediaUrl, resolveMedia, type MediaSources, type ResolvedMedia } from '../../media/media-source.js';
import type { UrlTrust } from '../../net/url-guard.js';
import type { JobMessageType } from '../../storage/schema.js';

export const JOB_MESSAGE_TYPES: readonly JobMessageType[] = ['text', 'image', 'document'];

/** The message of a bulk job or a scheduled message, as the client gave it. */
export interface JobMessage {
  messageType: JobMessageType;
  body: string | null;
  mediaUrl: string | null;
  filename: string | null;
}

/**
 * The rule bulk and scheduled messages share: text needs a body, image and document a mediaUrl,
 * and the media must load now (a bad URL fails the request, not every recipient later). A text
 * message sends no media, but a mediaUrl it carries is kept and shown: its form and address are
 * checked all the same.
 */
export async function prepareJobMessage(m: JobMessage, sources: MediaSources, trust: UrlTrust): Promise<void> {
  if (!m.body && !m.mediaUrl) throw new AppError('bad_request', 'body: body or mediaUrl is required');
  if (m.messageType === 'text' && !m.body) throw new AppError('bad_request', 'body: is required for a text message');
  if (m.messageType !== 'text' && !m.mediaUrl) throw new AppError('bad_request', `mediaUrl: is required for a ${m.messageType} message`);
  if (m.mediaUrl && m.messageType !== 'text') await loadJobMedia(sources, m.mediaUrl, trust);
  else if (m.mediaUrl) await checkMediaUrl(sources, 'mediaUrl', m.mediaUrl, trust);
}

/** `{name}` and `{phone}` filled in for one recipient. */
export function personalise(text: string, vars: { name: string; phone: string }): string {
  return text.replace(/\{(name|phone)\}/g, (_m, key: 'name' | 'phone') => vars[key]);
}

/** Loads a job's media (`library` is set when it is a file of the media library), judged with the trust of whoever made the job. */
export function loadJobMedia(sources: MediaSources, mediaUrl: string, trust: UrlTrust): Promise<ResolvedMedia> {
  return resolveMedia(sources, 'mediaUrl', mediaUrl, trust);
}

/** The payload without where it came from. */
export function payloadOf(m: ResolvedMedia): MediaPayload {
  const { library: _library, ...payload } = m;
  return payload;
}

export function jobContent(m: JobMessage, text: string | null, media: MediaPayload | null): OutgoingContent {
  if (m.messageType === 'text' || !media) return { kind: 'chat', body: text ?? '' };
  const caption = text ? { caption: text } : {};
  if (m.messageType === 'image') return { kind: 'image', media, ...caption };
  return { kind: 'document', media: { ...media, filename: m.filename ?? media.filename ?? 'document' }, ...caption };
}
