/**
 * Buttons, lists and templates as text. WhatsApp no longer shows interactive messages sent from a
 * linked device (the multi-device Web client) to most users: they arrive blank or not at all. A
 * dialect whose API has them (wonotify, Evolution) sends this faithful rendering instead, and says
 * so in its answer, rather than answering "sent" for a message nobody can see.
 */
export interface InteractiveText {
  title?: string | undefined;
  subtitle?: string | undefined;
  text: string;
  footer?: string | undefined;
  /** Sections of options (a list's sections; buttons are one untitled section). */
  sections: { title?: string | undefined; options: { label: string; detail?: string | undefined }[] }[];
  /** A list's button label ("Choose"), shown above its options. */
  buttonText?: string | undefined;
}

/** `*Title*`, the subtitle, the text, the numbered options (1. Label — detail), then the footer in italics. */
export function renderInteractive(m: InteractiveText): string {
  const parts: string[] = [];
  const head = [m.title ? `*${m.title.trim()}*` : '', m.subtitle?.trim() ?? ''].filter(Boolean).join('\n');
  if (head) parts.push(head);
  if (m.text.trim()) parts.push(m.text.trim());
  let n = 0;
  const blocks: string[] = [];
  for (const section of m.sections) {
    if (!section.options.length) continue;
    const lines = section.options.map((o) => `${++n}. ${o.label.trim()}${o.detail?.trim() ? ` — ${o.detail.trim()}` : ''}`);
    blocks.push([section.title?.trim() ? `*${section.title.trim()}*` : '', ...lines].filter(Boolean).join('\n'));
  }
  if (blocks.length) parts.push([m.buttonText?.trim() ? `${m.buttonText.trim()}:` : '', ...blocks].filter(Boolean).join('\n'));
  if (m.footer?.trim()) parts.push(`_${m.footer.trim()}_`);
  return parts.join('\n\n');
}
