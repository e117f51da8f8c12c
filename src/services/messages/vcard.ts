/** A vCard 3.0 for a contact card; `waid` makes WhatsApp offer to message the number. */
export function buildVCard(name: string, phone?: string): string {
  const escaped = name.replace(/([\\;,])/g, '\\$1').replace(/\r?\n/g, ' ');
  const lines = ['BEGIN:VCARD', 'VERSION:3.0', `FN:${escaped}`, `N:${escaped};;;;`];
  if (phone) lines.push(`TEL;type=CELL;type=VOICE;waid=${phone}:+${phone}`);
  lines.push('END:VCARD');
  return lines.join('\n');
}
