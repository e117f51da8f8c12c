import { badRequest } from '../errors.js';
import { GROUP_SUFFIX, isGroupJid, jidToPhone, toChatId } from '../messaging/jid.js';

/** A person's id from a phone number (`905...`, `+905...`) or a user id; groups and anything else are a 400. */
export function userIdOrThrow(field: string, input: string): string {
  const id = toChatId(input);
  if (id && isGroupJid(id)) throw badRequest(`${field}: "${input}" is a group; expected a phone number or a user id`);
  if (!id || !jidToPhone(id)) throw badRequest(`${field}: "${input}" is neither a phone number with country code nor a user id`);
  return id;
}

/** A group id (`120363...@g.us`, or its digits alone); anything else is a 400. */
export function groupIdOrThrow(field: string, input: string): string {
  const value = input.trim();
  const id = toChatId(/^[\d-]{5,64}$/.test(value) ? `${value}${GROUP_SUFFIX}` : value);
  if (!id || !isGroupJid(id)) throw badRequest(`${field}: "${input}" is not a group id (expected 120363...@g.us)`);
  return id;
}
