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

/** A vCard 3.0 for a contact card; `waid` makes WhatsApp offer to message the number. */
export function buildVCard(name: string, phone?: string): string {
  const escaped = name.replace(/([\\;,])/g, '\\$1').replace(/\r?\n/g, ' ');
  const lines = ['BEGIN:VCARD', 'VERSION:3.0', `FN:${escaped}`, `N:${escaped};;;;`];
  if (phone) lines.push(`TEL;type=CELL;type=VOICE;waid=${phone}:+${phone}`);
  lines.push('END:VCARD');
  return lines.join('\n');
}
