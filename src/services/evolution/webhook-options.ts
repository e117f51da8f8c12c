import { badRequest } from '../../errors.js';
import type { EvolutionWebhook } from '../settings/settings-store.js';
import { EVOLUTION_EVENTS, isEvolutionEvent } from './events.js';

/** What a client may set of Evolution's webhook options (the token is the owner's choice: EvolutionService). */
export type EvolutionWebhookInput = Partial<Pick<EvolutionWebhook, 'events' | 'byEvents' | 'base64' | 'headers'>>;

/** Headers the delivery itself sets: a receiver's extra headers may not replace them. */
const RESERVED = new Set(['host', 'content-type', 'content-length', 'transfer-encoding', 'connection', 'user-agent', 'webhook-id', 'webhook-timestamp', 'webhook-signature']);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;
const MAX_HEADERS = 20;

/** The options checked: known event ids (deduplicated, in Evolution's order) and sendable headers; a 400 naming the field otherwise. */
export function checkEvolutionWebhook(input: EvolutionWebhookInput, at = 'evolution'): EvolutionWebhookInput {
  const out: EvolutionWebhookInput = { ...input };
  if (input.events) {
    const unknown = input.events.filter((e) => !isEvolutionEvent(e));
    if (unknown.length) throw badRequest(`${at}.events: unknown event ${unknown.map((e) => `"${e}"`).join(', ')} (expected ids like MESSAGES_UPSERT, CONNECTION_UPDATE)`);
    out.events = EVOLUTION_EVENTS.filter((e) => input.events!.includes(e));
  }
  if (input.headers) {
    const entries = Object.entries(input.headers);
    if (entries.length > MAX_HEADERS) throw badRequest(`${at}.headers: at most ${MAX_HEADERS} headers`);
    const headers: Record<string, string> = {};
    for (const [name, value] of entries) {
      if (!TOKEN.test(name)) throw badRequest(`${at}.headers: "${name}" is not a header name`);
      if (RESERVED.has(name.toLowerCase())) throw badRequest(`${at}.headers: ${name} is set by the delivery itself`);
      if (typeof value !== 'string' || value.length > 4096 || /[\r\n\0]/.test(value)) throw badRequest(`${at}.headers.${name}: expected a string of at most 4096 characters on one line`);
      headers[name.toLowerCase()] = value;
    }
    out.headers = headers;
  }
  return out;
}
