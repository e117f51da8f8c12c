/** What the engine sends, as whatsapp-web.js's sendMessage content and options. */
import type { OutgoingContent } from '../engine.js';
import { wwebjsLibrary } from './library.js';
import type { LibContent, LibSendOptions } from './library-types.js';

export interface LibrarySend {
  content: LibContent;
  options: LibSendOptions;
}

export function toLibrarySend(content: OutgoingContent): LibrarySend {
  const { Location, MessageMedia, Poll } = wwebjsLibrary();
  // sendSeen defaults to true in the library and marks the whole chat read on every send, which
  // would swallow unread incoming messages the API has not shown yet.
  const base: LibSendOptions = { sendSeen: false };
  switch (content.kind) {
    case 'chat':
      return { content: content.body, options: base };
    case 'location': {
      const { lat, lng, name, address } = content.location;
      const options = { ...(name ? { name } : {}), ...(address ? { address } : {}) };
      return { content: new Location(lat, lng, options), options: base };
    }
    case 'vcard':
      // A vCard body with parseVCards is sent as a contact card named by the card's FN;
      // the contact-card path (a Contact object) would need the contact in the address book.
      return { content: content.vcard, options: { ...base, parseVCards: true } };
    case 'poll_creation': {
      const { name, values, selectableCount } = content.poll;
      return {
        content: new Poll(name, values, { allowMultipleAnswers: selectableCount !== 1, messageSecret: undefined }),
        options: base,
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
      return { content: file, options };
    }
  }
}
