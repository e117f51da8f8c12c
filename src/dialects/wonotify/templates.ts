import { z } from '@hono/zod-openapi';
import { AppError } from '../../errors.js';
import type { InteractiveText } from '../../services/messages/interactive-text.js';

const text = z.string().max(4096);

/** `interactiveButtons[].buttonParamsJson` (a JSON string): what each kind of button shows. */
const ButtonParams = z.object({
  display_text: z.string().min(1).max(256),
  id: z.string().optional(),
  url: z.string().optional(),
  phone_number: z.string().optional(),
  copy_code: z.string().optional(),
});

export const InteractiveMessage = z.object({
  text,
  title: text.optional(),
  subtitle: text.optional(),
  footer: text.optional(),
  interactiveButtons: z
    .array(z.object({ name: z.string().min(1), buttonParamsJson: z.string().min(2) }))
    .min(1)
    .max(10),
});

export const TemplateMessage = z.object({
  text,
  title: text.optional(),
  footer: text.optional(),
  templateButtons: z
    .array(
      z.object({
        index: z.number().int().optional(),
        quickReplyButton: z.object({ displayText: z.string().min(1), id: z.string().optional() }).optional(),
        urlButton: z.object({ displayText: z.string().min(1), url: z.string().min(1) }).optional(),
        callButton: z.object({ displayText: z.string().min(1), phoneNumber: z.string().min(1) }).optional(),
      }),
    )
    .min(1)
    .max(10),
});

export const ListMessage = z.object({
  text,
  title: text.optional(),
  footer: text.optional(),
  buttonText: z.string().max(256).optional(),
  sections: z
    .array(
      z.object({
        title: z.string().max(256).optional(),
        rows: z.array(z.object({ title: z.string().min(1).max(256), rowId: z.string().optional(), description: z.string().max(1024).optional() })).min(1).max(50),
      }),
    )
    .min(1)
    .max(10),
});

/** The one thing a button's text adds to its label: where it leads (a URL, a phone number, a code to copy). */
function buttonOf(name: string, json: string, at: string): { label: string; detail?: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new AppError('bad_request', `${at}.buttonParamsJson: is not valid JSON`);
  }
  const parsed = ButtonParams.safeParse(raw);
  if (!parsed.success) throw new AppError('bad_request', `${at}.buttonParamsJson: needs display_text`);
  const p = parsed.data;
  const detail = name === 'cta_url' ? p.url : name === 'cta_call' ? p.phone_number : name === 'cta_copy' ? p.copy_code : undefined;
  return detail ? { label: p.display_text, detail } : { label: p.display_text };
}

export function interactiveText(m: z.output<typeof InteractiveMessage>): InteractiveText {
  return {
    title: m.title,
    subtitle: m.subtitle,
    text: m.text,
    footer: m.footer,
    sections: [{ options: m.interactiveButtons.map((b, i) => buttonOf(b.name, b.buttonParamsJson, `message.interactiveButtons.${i}`)) }],
  };
}

export function templateText(m: z.output<typeof TemplateMessage>): InteractiveText {
  const options = m.templateButtons.map((b, i) => {
    if (b.quickReplyButton) return { label: b.quickReplyButton.displayText };
    if (b.urlButton) return { label: b.urlButton.displayText, detail: b.urlButton.url };
    if (b.callButton) return { label: b.callButton.displayText, detail: b.callButton.phoneNumber };
    throw new AppError('bad_request', `message.templateButtons.${i}: needs quickReplyButton, urlButton or callButton`);
  });
  return { title: m.title, text: m.text, footer: m.footer, sections: [{ options }] };
}

export function listText(m: z.output<typeof ListMessage>): InteractiveText {
  return {
    title: m.title,
    text: m.text,
    footer: m.footer,
    buttonText: m.buttonText,
    sections: m.sections.map((s) => ({ title: s.title, options: s.rows.map((r) => ({ label: r.title, detail: r.description })) })),
  };
}
