import { createHash } from 'node:crypto';

/** The SHA-256 of a token: what is stored and compared, never the token itself. */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
