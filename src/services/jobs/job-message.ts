import type { MediaPayload, OutgoingContent } from '../../engines/engine.js';
import { AppError } from '../../errors.js';
import { checkMediaUrl, resolveMedia, type MediaSources, type ResolvedMedia } from '../../media/media-source.js';
import type { UrlTrust } from '../../net/url-guard.js';
import type { JobMessageType } from '../../storage/schema.js';
import type { TemplateService } from '../templates/template-service.js';
import { fillVariables, recipientVars, type Vars } from '../templates/variables.js';

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

/** The text for one recipient: `{name}`, `{phone}` and the recipient's own variables filled in (templates/variables.ts). */
export function personalise(text: string, recipient: { phone: string; name: string | null; vars?: Vars | null }): string {
  return fillVariables(text, recipientVars(recipient.phone, recipient.name, recipient.vars ?? null));
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

/** Where a job's text comes from: `body` as given, or the body of template `templateId` (one of them). */
export interface BodySource {
  body: string | null;
  templateId?: number | undefined;
}

/** The text of a job: the body given, or its template's; 400 when both are given. */
export async function bodyOf(
  templates: Pick<TemplateService, 'bodyFor'>,
  instanceId: string,
  source: BodySource,
): Promise<{ body: string | null; templateId: number | null }> {
  if (source.templateId === undefined) return { body: source.body, templateId: null };
  if (source.body) throw new AppError('bad_request', 'body, templateId: give the text or a template, not both');
  return templates.bodyFor(instanceId, source.templateId);
}
