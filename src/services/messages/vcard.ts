/** A vCard 3.0 for a contact card; `waid` makes WhatsApp offer to message the number. */
export function buildVCard(name: string, phone?: string, more: { organization?: string | undefined; email?: string | undefined; url?: string | undefined } = {}): string {
  const escape = (text: string) => text.replace(/([\\;,])/g, '\\$1').replace(/\r?\n/g, ' ');
  const escaped = escape(name);
  const lines = ['BEGIN:VCARD', 'VERSION:3.0', `FN:${escaped}`, `N:${escaped};;;;`];
  if (more.organization) lines.push(`ORG:${escape(more.organization)}`);
  if (more.email) lines.push(`EMAIL:${escape(more.email)}`);
  if (more.url) lines.push(`URL:${escape(more.url)}`);
  if (phone) lines.push(`TEL;type=CELL;type=VOICE;waid=${phone}:+${phone}`);
  lines.push('END:VCARD');
  return lines.join('\n');
}
