import { randomBytes, timingSafeEqual } from 'node:crypto';
import { hashToken } from '../../token-hash.js';

/** How API keys and embed tokens begin: recognisable in a config file, a log scanner or a leak report. */
export const KEY_START = 'hl_live_';
export const EMBED_START = 'hl_embed_';

/** Characters after the start that are public: they find the stored record and are shown in lists. */
const LOOKUP_CHARS = 8;

export interface NewSecret {
  /** The whole secret: shown once, in the answer that creates it, and never kept. */
  plain: string;
  /** Its public first characters (start + 8): how it is found and how lists name it. */
  prefix: string;
  /** SHA-256 of the whole secret, hex: what is stored. */
  hash: string;
}

/** A fresh secret: start + 8 public characters + 32 secret ones (24 random bytes, base64url). */
export function newSecret(start: string): NewSecret {
  const lookup = randomBytes(6).toString('base64url');
  const plain = `${start}${lookup}${randomBytes(24).toString('base64url')}`;
  return { plain, prefix: plain.slice(0, start.length + LOOKUP_CHARS), hash: hashToken(plain).toString('hex') };
}

/** The prefix of a presented secret that begins with `start`; null when it is not one. */
export function prefixOf(start: string, presented: string): string | null {
  if (!presented.startsWith(start) || presented.length < start.length + LOOKUP_CHARS + 16) return null;
  return presented.slice(0, start.length + LOOKUP_CHARS);
}

/** Whether the presented secret is the stored one, compared in constant time (hashes of equal length). */
export function secretMatches(storedHashHex: string, presented: string): boolean {
  const stored = Buffer.from(storedHashHex, 'hex');
  const given = hashToken(presented);
  return stored.length === given.length && timingSafeEqual(stored, given);
}
