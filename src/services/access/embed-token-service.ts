import { randomBytes } from 'node:crypto';
import type { Account, ConnectionStatus } from '../../engines/engine.js';
import { AppError, badRequest, notFound } from '../../errors.js';
import type { Db } from '../../storage/db.js';
import { isUniqueViolation } from '../../storage/db.js';
import * as repo from '../../storage/embed-tokens-repo.js';
import type { EmbedTokenRow } from '../../storage/schema.js';
import type { InstanceState } from '../instances/instance-state.js';
import type { AuditRecorder } from './audit.js';
import { actorOf, canSee, hasPermission, type Permission, type Principal } from './principal.js';
import { EMBED_START, newSecret, prefixOf, secretMatches } from './secrets.js';

export type EmbedPermissions = 'read' | 'read_write';
export const EMBED_PERMISSIONS = ['read', 'read_write'] as const;

export const MIN_TTL_MINUTES = 30;
export const MAX_TTL_MINUTES = 30 * 24 * 60;
export const DEFAULT_TTL_MINUTES = 24 * 60;

export interface CreateEmbedTokenInput {
  customerLabel: string;
  instanceIds: string[];
  ttlMinutes?: number | undefined;
  permissions?: EmbedPermissions | undefined;
}

/** The creation answer (seed 000's shape): the token and the embed URL are shown this once. */
export interface CreatedEmbedToken {
  token: string;
  embedUrl: string;
  tokenId: string;
  customerLabel: string;
  instanceIds: string[];
  permissions: EmbedPermissions;
  expiresAt: string;
}

export interface EmbedTokenView {
  tokenId: string;
  customerLabel: string;
  prefix: string;
  instanceIds: string[];
  permissions: EmbedPermissions;
  createdAt: string;
  createdBy: string;
  expiresAt: string;
  revokedAt: string | null;
  status: 'active' | 'expired' | 'revoked';
}

export interface EmbedStatus {
  customerLabel: string;
  permissions: EmbedPermissions;
  expiresAt: string;
  instances: { id: string; status: ConnectionStatus; account: Account | null }[];
}

interface LiveToken {
  row: EmbedTokenRow;
  principal: Principal;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** What an embed token may do, as permissions: read; read_write also sends (and marks read). */
function permissionsOf(p: EmbedPermissions): Permission[] {
  return p === 'read_write' ? ['read', 'send'] : ['read'];
}

export interface EmbedTokenServiceOptions {
  db: Db;
  instances: { has(id: string): boolean; get(id: string): InstanceState };
  audit: AuditRecorder;
  /** PUBLIC_URL: the embed page lives at PUBLIC_URL/embed/. */
  publicUrl: string;
  now: () => number;
  /** Told of every token created or revoked here (the other nodes of a cluster load them again). */
  changed?: () => void;
}

/**
 * Embed tokens: a customer's time-limited access to the chats of some instances, for an embedded
 * inbox. Created by the admin token or by a key with `manage` for instances in its own scope
 * (read_write only by a key that may send). Stored hashed; live ones are kept in memory.
 */
export class EmbedTokenService {
  private readonly live = new Map<string, LiveToken>();

  constructor(private readonly opts: EmbedTokenServiceOptions) {}

  /** Loads the live tokens (at start, and when another node created or revoked one); the old set answers until the new one is read. */
  async load(): Promise<void> {
    const rows = await repo.listEmbedTokens(this.opts.db, this.opts.now());
    this.live.clear();
    for (const row of rows) this.remember(row, row.instanceIds);
  }

  /** The embed page's URL: the token travels in the fragment, which browsers never send to a server or in a Referer. */
  embedUrl(token: string): string {
    return `${this.opts.publicUrl}/embed/#token=${encodeURIComponent(token)}`;
  }

  async create(input: CreateEmbedTokenInput, creator: Principal): Promise<CreatedEmbedToken> {
    const customerLabel = input.customerLabel.trim();
    if (!customerLabel || customerLabel.length > 100) throw badRequest('customerLabel: 1 to 100 characters');
    const instanceIds = [...new Set(input.instanceIds)].sort();
    if (instanceIds.length === 0) throw badRequest('instanceIds: at least one instance');
    // Unknown and out-of-scope read the same, so a key cannot probe for other instances' names.
    for (const id of instanceIds) if (!canSee(creator, id) || !this.opts.instances.has(id)) throw badRequest(`instanceIds: unknown instance "${id}"`);
    const ttl = input.ttlMinutes ?? DEFAULT_TTL_MINUTES;
    if (!Number.isInteger(ttl) || ttl < MIN_TTL_MINUTES || ttl > MAX_TTL_MINUTES) {
      throw badRequest(`ttlMinutes: a whole number from ${MIN_TTL_MINUTES} (30 minutes) to ${MAX_TTL_MINUTES} (30 days)`);
    }
    const permissions = input.permissions ?? 'read';
    if (permissions === 'read_write' && !hasPermission(creator, 'send')) {
      throw new AppError('forbidden', 'A read_write embed token sends messages: the key creating it needs the send permission');
    }
    const now = this.opts.now();
    for (let attempt = 0; ; attempt++) {
      const secret = newSecret(EMBED_START);
      const row: EmbedTokenRow = {
        id: `emb_${randomBytes(8).toString('hex')}`,
        customer_label: customerLabel,
        prefix: secret.prefix,
        token_hash: secret.hash,
        permissions,
        expires_at: now + ttl * 60_000,
        created_at: now,
        created_by: creator.id,
        revoked_at: null,
      };
      try {
        await repo.insertEmbedToken(this.opts.db, row, instanceIds);
      } catch (err) {
        if (isUniqueViolation(err) && attempt < 3) continue;
        throw err;
      }
      this.forgetExpired(now);
      this.remember(row, instanceIds);
      this.opts.changed?.();
      await this.opts.audit.record(actorOf(creator), 'embed_token.create', {
        target: row.id,
        detail: { customerLabel, prefix: row.prefix, instanceIds, permissions, expiresAt: iso(row.expires_at) },
      });
      return {
        token: secret.plain,
        embedUrl: this.embedUrl(secret.plain),
        tokenId: row.id,
        customerLabel,
        instanceIds,
        permissions,
        expiresAt: new Date(row.expires_at).toISOString(),
      };
    }
  }

  /** The tokens a principal may see: all for the admin or a global key, those wholly inside its scope for an instance key. */
  async list(viewer: Principal): Promise<EmbedTokenView[]> {
    const rows = await repo.listEmbedTokens(this.opts.db);
    return rows.filter((row) => this.visible(viewer, row)).map((row) => this.view(row));
  }

  /** Revokes a token (401 from now on); 404 for an unknown token or one outside the viewer's scope. */
  async revoke(id: string, viewer: Principal): Promise<{ alreadyRevoked: boolean }> {
    const row = await repo.findEmbedToken(this.opts.db, id);
    if (!row || !this.visible(viewer, row)) throw notFound(`embed token ${id} not found`);
    const revoked = await repo.revokeEmbedToken(this.opts.db, id, this.opts.now());
    this.live.delete(row.prefix);
    this.opts.changed?.();
    if (revoked) await this.opts.audit.record(actorOf(viewer), 'embed_token.revoke', { target: id, detail: { customerLabel: row.customer_label, prefix: row.prefix } });
    return { alreadyRevoked: !revoked };
  }

  /** The principal of a presented embed token; a refusal once it expired; null when it is none of ours (or revoked). */
  authenticate(presented: string): { principal: Principal } | { refused: string } | null {
    const prefix = prefixOf(EMBED_START, presented);
    const live = prefix ? this.live.get(prefix) : undefined;
    if (!live || !secretMatches(live.row.token_hash, presented)) return null;
    if (live.row.expires_at <= this.opts.now()) return { refused: `This embed token expired at ${iso(live.row.expires_at)}` };
    return { principal: live.principal };
  }

  /** GET /api/embed/status: the token's label, permissions, expiry and instances with their status. */
  status(principal: Principal): EmbedStatus {
    const live = [...this.live.values()].find((t) => t.principal.id === principal.id);
    if (!live) throw new AppError('unauthorized', 'Invalid embed token');
    const instances = principal.instanceIds
      .filter((id) => this.opts.instances.has(id))
      .map((id) => {
        const s = this.opts.instances.get(id);
        return { id, status: s.status, account: s.account };
      });
    return { customerLabel: live.row.customer_label, permissions: live.row.permissions, expiresAt: new Date(live.row.expires_at).toISOString(), instances };
  }

  forgetInstance(instanceId: string): void {
    for (const [prefix, live] of this.live) {
      if (live.principal.instanceIds.includes(instanceId)) this.remember(live.row, live.principal.instanceIds.filter((id) => id !== instanceId), prefix);
    }
  }

  private forgetExpired(now: number): void {
    for (const [prefix, live] of this.live) if (live.row.expires_at <= now) this.live.delete(prefix);
  }

  private visible(viewer: Principal, row: repo.EmbedTokenWithInstances): boolean {
    if (viewer.kind === 'admin' || (viewer.kind === 'key' && viewer.scope === 'global')) return true;
    return viewer.kind === 'key' && row.instanceIds.length > 0 && row.instanceIds.every((id) => canSee(viewer, id));
  }

  private view(row: repo.EmbedTokenWithInstances): EmbedTokenView {
    return {
      tokenId: row.id,
      customerLabel: row.customer_label,
      prefix: row.prefix,
      instanceIds: row.instanceIds,
      permissions: row.permissions,
      createdAt: new Date(row.created_at).toISOString(),
      createdBy: row.created_by,
      expiresAt: new Date(row.expires_at).toISOString(),
      revokedAt: iso(row.revoked_at),
      status: row.revoked_at !== null ? 'revoked' : row.expires_at <= this.opts.now() ? 'expired' : 'active',
    };
  }

  private remember(row: EmbedTokenRow, instanceIds: readonly string[], prefix = row.prefix): void {
    const principal: Principal = Object.freeze({
      kind: 'embed',
      id: row.id,
      name: row.customer_label,
      scope: 'instance',
      instanceIds: Object.freeze([...instanceIds]),
      permissions: Object.freeze(permissionsOf(row.permissions)),
      hourlyLimit: null,
    });
    this.live.set(prefix, { row, principal });
  }
}
