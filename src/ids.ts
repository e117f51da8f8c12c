import { randomFillSync } from 'node:crypto';
import { badRequest } from './errors.js';

/**
 * WhatsApp ids as the API speaks them: users `905xxxxxxxxx@s.whatsapp.net`, groups `...@g.us`.
 * Recipients may be given as `+905...`, `905...`, `905...@s.whatsapp.net`, `905...@c.us` or a group id.
 * A person who hides their number from this account (WhatsApp's LIDs, 2026) is known only by
 * `<digits>@lid`: such ids are chat ids too (their messages are stored and answered under it).
 */

export const USER_SUFFIX = '@s.whatsapp.net';
export const GROUP_SUFFIX = '@g.us';
export const LID_SUFFIX = '@lid';

const PHONE = /^\d{7,15}$/;

export function isGroupJid(jid: string): boolean {
  return jid.endsWith(GROUP_SUFFIX);
}

export function phoneToJid(phone: string): string {
  return `${phone}${USER_SUFFIX}`;
}

/** The digits of a user id (`905...@s.whatsapp.net` -> `905...`), or null for groups and others. */
export function jidToPhone(jid: string): string | null {
  if (!jid.endsWith(USER_SUFFIX)) return null;
  const user = jid.slice(0, -USER_SUFFIX.length).split(':')[0] ?? '';
  return PHONE.test(user) ? user : null;
}

/** Digits of a phone number written with `+`, spaces, dashes, dots or parentheses; null when it is not one. */
export function normalizePhone(input: string): string | null {
  const trimmed = input.trim();
  if (!/^\+?[\d\s\-().]+$/.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, '');
  return PHONE.test(digits) ? digits : null;
}

/**
 * Turns what a client wrote into a chat id, or null when it is neither a phone number nor an id.
 * Accepts the library's `@c.us` too, so ids copied from other tools work.
 */
export function toChatId(input: string): string | null {
  const value = input.trim();
  if (value.endsWith(GROUP_SUFFIX)) {
    return /^[\d-]{5,64}@g\.us$/.test(value) ? value : null;
  }
  const at = value.indexOf('@');
  if (at >= 0) {
    const user = value.slice(0, at).split(':')[0] ?? '';
    const server = value.slice(at);
    if ((server === USER_SUFFIX || server === '@c.us') && PHONE.test(user)) return phoneToJid(user);
    if (server === LID_SUFFIX && /^\d{5,20}$/.test(user)) return `${user}${LID_SUFFIX}`;
    return null;
  }
  const phone = normalizePhone(value);
  return phone ? phoneToJid(phone) : null;
}

// --- parsing a client's input: a 400 naming the field when it is not what was asked for ------

/** A chat id (person or group) from a phone number or an id; a 400 naming `field` otherwise. */
export function chatIdOrThrow(field: string, input: string): string {
  const id = toChatId(input);
  if (!id) throw badRequest(`${field}: "${input}" is neither a phone number with country code nor a chat id`);
  return id;
}

/** A person's id from a phone number (`905...`, `+905...`), a user id or a LID; groups and anything else are a 400. */
export function userIdOrThrow(field: string, input: string): string {
  const id = toChatId(input);
  if (id && isGroupJid(id)) throw badRequest(`${field}: "${input}" is a group; expected a phone number or a user id`);
  if (!id || !(jidToPhone(id) || id.endsWith(LID_SUFFIX))) throw badRequest(`${field}: "${input}" is neither a phone number with country code nor a user id`);
  return id;
}

/** A person's id by phone number (`905...`, `...@s.whatsapp.net`): a LID, which hides the number, is a 400. */
export function phoneUserIdOrThrow(field: string, input: string): string {
  const id = userIdOrThrow(field, input);
  if (!jidToPhone(id)) throw badRequest(`${field}: "${input}" is a LID, which hides the phone number; expected a phone number`);
  return id;
}

/** A group id (`120363...@g.us`, or its digits alone); anything else is a 400. */
export function groupIdOrThrow(field: string, input: string): string {
  const value = input.trim();
  const id = toChatId(/^[\d-]{5,64}$/.test(value) ? `${value}${GROUP_SUFFIX}` : value);
  if (!id || !isGroupJid(id)) throw badRequest(`${field}: "${input}" is not a group id (expected 120363...@g.us)`);
  return id;
}

/** The digits of a phone number with country code; a 400 naming `field` otherwise. */
export function phoneOrThrow(field: string, input: string): string {
  const phone = normalizePhone(input);
  if (!phone) throw badRequest(`${field}: expected a phone number with country code, like 905321234567`);
  return phone;
}

/** Random bytes drawn ahead of need: one read of the system's generator serves many ids. */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

/**
 * `bytes` random bytes as lowercase hex, from the same cryptographic generator as `randomBytes`,
 * drawn 4 KB at a time (as `randomUUID` does): a `randomBytes` call for every request id, message
 * id and webhook id cost about 5 µs each here, a tenth of a send's time. For ids, not secrets.
 */
export function randomHex(bytes: number): string {
  if (bytes > pool.length) return randomFillSync(Buffer.alloc(bytes)).toString('hex');
  if (poolAt + bytes > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const hex = pool.toString('hex', poolAt, poolAt + bytes);
  poolAt += bytes;
  return hex;
}
