import type { OutgoingContent } from './engine.js';

/** The text a message shows: its body, a caption, a place name, the vCard, the poll question. */
export function bodyOf(content: OutgoingContent): string {
  switch (content.kind) {
    case 'chat':
      return content.body;
    case 'location':
      return [content.location.name, content.location.address].filter(Boolean).join('\n');
    case 'vcard':
      return content.vcard;
    case 'poll_creation':
      return content.poll.name;
    default:
      return content.caption ?? '';
  }
}
