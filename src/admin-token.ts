import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hashToken } from './token-hash.js';

export interface AdminToken {
  hash: Buffer;
  /** Set only on the start that generated the token: it is shown once and never stored in clear. */
  generated: string | null;
}

export const TOKEN_FILE = 'api-token.sha256';

/**
 * The admin token: API_TOKEN when set; otherwise the one generated on first start, of which only
 * the SHA-256 is kept in DATA_DIR (delete that file to generate a new token).
 */
export function loadAdminToken(apiToken: string | null, dataDir: string): AdminToken {
  if (apiToken) return { hash: hashToken(apiToken), generated: null };
  const file = path.join(dataDir, TOKEN_FILE);
  try {
    const hex = readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(hex)) return { hash: Buffer.from(hex, 'hex'), generated: null };
  } catch {
    // first start
  }
  const token = `hl_${randomBytes(24).toString('base64url')}`;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, hashToken(token).toString('hex') + '\n', { mode: 0o600 });
  return { hash: hashToken(token), generated: token };
}
