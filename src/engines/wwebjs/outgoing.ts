/** What the engine sends, as whatsapp-web.js's sendMessage content and options. */
import { EngineError, type OutgoingContent, type SendOptions } from '../engine.js';
import { toLibraryId } from './ids.js';
import type { ContentClasses, LibContent, LibSendOptions } from './library-types.js';

export interface LibrarySend {
  content: LibContent;
  options: LibSendOptions;
  /** What the library's echo of this send looks like: its message type, and its text when that is sure. */
  echo: { type: string; body: string | null };
}

export function toLibrarySend(content: OutgoingContent, classes: ContentClasses): LibrarySend {
  const { Location, MessageMedia, Poll } = classes;
  // sendSeen defaults to true in the library and marks the whole chat read on every send, which
  // would swallow unread incoming messages the API has not shown yet. linkPreview defaults to true
  // and runs the in-page link preview fetch on any text with a URL, which has broken sends before
  // (whatsapp-web.js #2998): off unless a send asks for one.
  const base: LibSendOptions = { sendSeen: false, linkPreview: false };
  const echo = (type: string, body: string | null = null) => ({ type, body });
  switch (content.kind) {
    case 'chat':
      return { content: content.body, options: base, echo: echo('chat', content.body) };
    case 'location': {
      const { lat, lng, name, address } = content.location;
      const options = { ...(name ? { name } : {}), ...(address ? { address } : {}) };
      return { content: new Location(lat, lng, options), options: base, echo: echo('location') };
    }
    case 'vcard':
      // A vCard body with parseVCards is sent as a contact card named by the card's FN;
      // the contact-card path (a Contact object) would need the contact in the address book.
      return { content: content.vcard, options: { ...base, parseVCards: true }, echo: echo('vcard') };
    case 'poll_creation': {
      const { name, values, selectableCount } = content.poll;
      return {
        content: new Poll(name, values, { allowMultipleAnswers: selectableCount !== 1, messageSecret: undefined }),
        options: base,
        echo: echo('poll_creation'),
      };
    }
    default: {
      const { media, kind } = content;
      const file = new MessageMedia(media.mimetype, media.data.toString('base64'), media.filename ?? null, media.data.length);
      const options: LibSendOptions = { ...base };
      if (content.caption && (kind === 'image' || kind === 'video' || kind === 'document')) options.caption = content.caption;
      if (kind === 'ptt') options.sendAudioAsVoice = true;
      if (kind === 'document') options.sendMediaAsDocument = true;
      if (kind === 'sticker') options.sendMediaAsSticker = true;
      return { content: file, options, echo: echo(kind) };
    }
  }
}

/** SendOptions once the quoted message's serialized key is known (capabilities/messages.ts finds it). */
export interface ResolvedSendOptions extends Omit<SendOptions, 'quoted'> {
  quotedKey?: string;
}

/**
 * Adds the send options every kind may carry to the library's options: the quoted message (by its
 * serialized key), mentions (WhatsApp Web ids; the text carries `@<phone>`), view once (images and
 * videos), a link preview (text).
 */
export function withSendOptions(send: LibrarySend, kind: OutgoingContent['kind'], extra: ResolvedSendOptions): LibrarySend {
  const options: LibSendOptions = { ...send.options };
  if (extra.quotedKey) {
    options.quotedMessageId = extra.quotedKey;
    // The library sends without the quote when it cannot find it; Hatline found it first, so a
    // quote that goes missing now is a failure, not a plain message.
    options.ignoreQuoteErrors = false;
  }
  if (extra.mentions?.length) options.mentions = extra.mentions.map(toLibraryId);
  if (extra.viewOnce) {
    if (kind !== 'image' && kind !== 'video') throw new EngineError('rejected', `only images and videos can be sent view once (this is a ${kind} message)`);
    options.isViewOnce = true;
  }
  if (extra.linkPreview && kind === 'chat') options.linkPreview = true;
  return { ...send, options };
}
