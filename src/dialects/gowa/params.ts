import { z } from '@hono/zod-openapi';
import { AppError, badRequest } from '../../errors.js';
import { chatIdOrThrow, groupIdOrThrow, userIdOrThrow } from '../../ids.js';
import type { FormFile } from '../../services/media/media-service.js';

/**
 * GoWA's request fields as its clients send them: JSON, urlencoded or multipart (so booleans and
 * numbers may come as strings, arrays as comma-separated strings), and its phone rules.
 */

const blank = 'cannot be blank';

/** A required string field ("cannot be blank" when missing or empty, as GoWA's validators say). */
export const required = (example?: string) =>
  z
    .string({ error: blank })
    .trim()
    .min(1, blank)
    .openapi(example ? { example } : {});

/** A boolean, or its form spelling (`true`, `false`, `1`, `0`, empty = false). */
export const flag = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', ''])], { error: 'must be true or false' })
  .transform((v) => v === true || v === 'true' || v === '1')
  .openapi({ type: 'boolean' });

/** A whole number, or its form spelling. */
export const whole = z
  .union([z.number(), z.string().trim().regex(/^-?\d+$/, 'must be a whole number').transform(Number)], { error: 'must be a whole number' })
  .pipe(z.number().int('must be a whole number'))
  .openapi({ type: 'integer' });

/** A list of strings: a JSON array, or a comma-separated form value. */
export const list = (example: string[]) =>
  z
    .union([z.array(z.string()), z.string().transform((v) => v.split(','))], { error: 'must be a list' })
    .transform((v) => v.map((s) => s.trim()).filter((s) => s !== ''))
    .openapi({ type: 'array', items: { type: 'string' }, example });

/** WhatsApp's disappearing-message durations (seconds): GoWA refuses any other. */
export const DURATIONS = [0, 86400, 604800, 7776000] as const;
export const duration = whole
  .refine((v) => (DURATIONS as readonly number[]).includes(v), `must be one of ${DURATIONS.join(', ')} (seconds)`)
  .optional()
  .openapi({ type: 'integer', description: 'Disappearing after (0, 86400, 604800 or 7776000 s): accepted, not applied (see the README)' });

/** A file in a multipart form field. */
export const file = z.instanceof(File, { error: 'must be a file (multipart/form-data)' }).optional().openapi({ type: 'string', format: 'binary' });

export const isForwarded = flag.optional().openapi({ description: 'Accepted, not applied (see the README)' });

/**
 * GoWA's phone field as a chat id: a JID as given, or a number (a leading `+` dropped) that is a
 * user up to 15 digits and a group beyond (GoWA's SanitizePhone). A number starting with 0 is
 * refused, as GoWA does: it is not in international format.
 */
export function chatOf(field: string, input: string): string {
  const value = input.trim().replace(/^\+/, '');
  if (!value.includes('@')) {
    if (/^0/.test(value)) throw badRequest(`${field}: phone number must be in international format (should not start with 0)`);
    if (/^\d{16,}$/.test(value)) return groupIdOrThrow(field, value);
  }
  return chatIdOrThrow(field, value);
}

/** A person (a phone number or a user id). */
export function userOf(field: string, input: string): string {
  const value = input.trim().replace(/^\+/, '');
  if (/^0/.test(value)) throw badRequest(`${field}: phone number must be in international format (should not start with 0)`);
  return userIdOrThrow(field, value);
}

/** People of a group operation, each a phone number or a user id (400 naming the one that is neither). */
export function peopleOf(field: string, values: string[]): string[] {
  if (values.length === 0) throw badRequest(`${field}: ${blank}`);
  return values.map((v, i) => userOf(`${field}.${i}`, v));
}

/** A multipart file as the media service reads it. */
export async function formFile(value: File): Promise<FormFile> {
  return { data: Buffer.from(await value.arrayBuffer()), mimetype: value.type, filename: value.name || undefined };
}

/** GoWA's "either the file or its URL" rule: exactly what to send, or a 400 naming both fields. */
export function fileOrUrl(field: string, given: { file?: File | undefined; url?: string | undefined }): { file: File } | { url: string } {
  if (given.file) return { file: given.file };
  if (given.url?.trim()) return { url: given.url.trim() };
  throw new AppError('bad_request', `${field}: either ${field} (a file) or ${field}_url must be provided`);
}

/**
 * A time as GoWA's answers print it (Go's time.String() in UTC): `2026-12-01 10:00:00 +0000 UTC`.
 * Send answers say `(server timestamp: ...)` with it.
 */
export function goTime(unixSeconds: number): string {
  return `${new Date(unixSeconds * 1000).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, '')} +0000 UTC`;
}

/** RFC 3339 in UTC, without milliseconds (GoWA's timestamps in lists and webhooks). */
export function rfc3339(unixSeconds: number | null): string {
  if (unixSeconds === null) return '';
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
