import { timingSafeEqual } from 'node:crypto';
import { hashToken } from '../../token-hash.js';
import type { EmbedTokenService } from './embed-token-service.js';
import type { KeyService } from './key-service.js';
import { ADMIN, type Principal } from './principal.js';

/** The outcome of checking a presented token. */
export type Authentication =
  /** `rateKey` names the token for the rate limiter (never the token itself). */
  | { ok: true; principal: Principal; rateKey: string }
  | { ok: false; reason: string };

/**
 * Tells who a presented token is: the admin token (compared in constant time with every hash it
 * may be), an API key or an embed token (found by their public prefix, then compared in constant
 * time), or nobody.
 */
export class Authenticator {
  constructor(
    private readonly opts: {
      /** SHA-256 of the admin token(s). */
      adminHashes: Buffer[];
      keys: Pick<KeyService, 'authenticate'>;
      embedTokens: Pick<EmbedTokenService, 'authenticate'>;
    },
  ) {}

  authenticate(presented: string): Authentication {
    const hash = hashToken(presented);
    let admin: Buffer | null = null;
    for (const h of this.opts.adminHashes) if (timingSafeEqual(h, hash)) admin = h;
    if (admin) return { ok: true, principal: ADMIN, rateKey: admin.toString('hex') };
    for (const found of [this.opts.keys.authenticate(presented), this.opts.embedTokens.authenticate(presented)]) {
      if (found === null) continue;
      if ('refused' in found) return { ok: false, reason: found.refused };
      return { ok: true, principal: found.principal, rateKey: `${found.principal.kind}:${found.principal.id}` };
    }
    return { ok: false, reason: 'Invalid API token' };
  }
}
