import { randomBytes } from 'node:crypto';
import { AppError, badRequest, notFound } from '../../errors.js';
import type { Db } from '../../storage/db.js';
import { isUniqueViolation } from '../../storage/db.js';
import * as repo from '../../storage/keys-repo.js';
import type { ApiKeyRow } from '../../storage/schema.js';
import type { AuditRecorder } from './audit.js';
import { PERMISSIONS, type Actor, type Permission, type Principal, type Scope } from './principal.js';
import { KEY_START, newSecret, prefixOf, secretMatches } from './secrets.js';
import type { UsageMeter } from './usage-meter.js';

export interface CreateKeyInput {
  name: string;
  scope: Scope;
  instanceIds?: string[] | undefined;
  permissions?: Permission[] | undefined;
  hourlyLimit?: number | null | undefined;
  /** ISO 8601 (no offset: UTC); null or left out: never. */
  expiresAt?: string | null | undefined;
}

export type KeyStatus = 'active' | 'expired' | 'revoked';

/** A key as lists show it: never the key itself, only its first characters. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scope: Scope;
  instanceIds: string[];
  permissions: Permission[];
  hourlyLimit: number | null;
  expiresAt: string | null;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  status: KeyStatus;
}

/** The permissions new keys get when none are asked for: read and send, never manage by default. */
export const DEFAULT_KEY_PERMISSIONS: readonly Permission[] = ['read', 'send'];

/** What authenticating a presented key found. */
export type KeyCheck = { principal: Principal } | { refused: string } | null;

interface LiveKey {
  row: ApiKeyRow;
  principal: Principal;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** An ISO 8601 date and time (no offset: UTC), as unix milliseconds; 400 naming the field otherwise. */
function parseTime(field: string, raw: string): number {
  const text = raw.trim();
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/.test(text);
  const at = ISO_TIME.test(text) ? Date.parse(hasOffset ? text : `${text}Z`) : NaN;
  if (Number.isNaN(at)) throw badRequest(`${field}: "${raw}" is not an ISO 8601 date and time like 2026-12-01T09:00:00+03:00`);
  return at;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Permissions in their canonical order, from the comma-separated column. */
function parsePermissions(text: string): Permission[] {
  const given = new Set(text.split(','));
  return PERMISSIONS.filter((p) => given.has(p));
}

export interface KeyServiceOptions {
  db: Db;
  /** Whether an instance exists (key scopes may only name existing instances). */
  instanceExists: (instanceId: string) => boolean;
  audit: AuditRecorder;
  usage: UsageMeter;
  now: () => number;
  /** Told of every key created or revoked here (the other nodes of a cluster load them again). */
  changed?: () => void;
}

/**
 * API keys: created with a scope (global, or some instances) and permissions, shown once, stored
 * as a SHA-256. Keys not revoked are kept in memory (found by their public prefix, then compared
 * in constant time), so authenticating a request reads no table. Nodes sharing a PostgreSQL
 * database tell each other of keys created or revoked (`changed`), and each loads them again.
 */
export class KeyService {
  private readonly live = new Map<string, LiveKey>();

  constructor(private readonly opts: KeyServiceOptions) {}

  /** Loads the keys (at start, and when another node created or revoked one); the old set answers until the new one is read. */
  async load(): Promise<void> {
    const rows = await repo.listKeys(this.opts.db);
    this.live.clear();
    for (const row of rows) if (row.revoked_at === null) this.remember(row, row.instanceIds);
  }

  async create(input: CreateKeyInput, actor: Actor): Promise<{ key: ApiKeyView; plain: string }> {
    const name = input.name.trim();
    if (!name || name.length > 100) throw badRequest('name: 1 to 100 characters');
    const instanceIds = [...new Set(input.instanceIds ?? [])].sort();
    if (input.scope === 'instance' && instanceIds.length === 0) throw badRequest('instanceIds: an instance-scoped key needs at least one instance');
    if (input.scope === 'global' && instanceIds.length > 0) throw badRequest('instanceIds: a global key reaches every instance; leave instanceIds out or use scope "instance"');
    for (const id of instanceIds) if (!this.opts.instanceExists(id)) throw badRequest(`instanceIds: unknown instance "${id}"`);
    const permissions = PERMISSIONS.filter((p) => (input.permissions ?? DEFAULT_KEY_PERMISSIONS).includes(p));
    if (permissions.length === 0) throw badRequest('permissions: at least one of read, send, manage');
    const now = this.opts.now();
    const expiresAt = input.expiresAt == null ? null : parseTime('expiresAt', input.expiresAt);
    if (expiresAt !== null && expiresAt <= now) throw badRequest(`expiresAt: ${new Date(expiresAt).toISOString()} is not in the future`);

    for (let attempt = 0; ; attempt++) {
      const secret = newSecret(KEY_START);
      const row: ApiKeyRow = {
        id: `key_${randomBytes(8).toString('hex')}`,
        name,
        prefix: secret.prefix,
        key_hash: secret.hash,
        scope: input.scope,
        permissions: permissions.join(','),
        hourly_limit: input.hourlyLimit ?? null,
        expires_at: expiresAt,
        created_at: now,
        created_by: actor.id,
        revoked_at: null,
        requests_total: 0,
        requests_failed: 0,
        busy_us: 0,
        last_used_at: null,
      };
      try {
        await repo.insertKey(this.opts.db, row, instanceIds);
      } catch (err) {
        if (isUniqueViolation(err) && attempt < 3) continue; // the same public prefix twice: draw again
        throw err;
      }
      this.remember(row, instanceIds);
      this.opts.changed?.();
      await this.opts.audit.record(actor, 'key.create', {
        target: row.id,
        detail: { name, prefix: row.prefix, scope: row.scope, instanceIds, permissions, hourlyLimit: row.hourly_limit, expiresAt: iso(row.expires_at) },
      });
      return { key: this.view({ ...row, instanceIds }), plain: secret.plain };
    }
  }

  async list(): Promise<ApiKeyView[]> {
    return (await repo.listKeys(this.opts.db)).map((row) => this.view(row));
  }

  /** Revokes a key (it answers 401 from now on); 404 for an unknown one. */
  async revoke(id: string, actor: Actor): Promise<{ alreadyRevoked: boolean }> {
    const row = await repo.findKey(this.opts.db, id);
    if (!row) throw notFound(`API key ${id} not found`);
    const revoked = await repo.revokeKey(this.opts.db, id, this.opts.now());
    this.live.delete(row.prefix);
    this.opts.changed?.();
    if (revoked) await this.opts.audit.record(actor, 'key.revoke', { target: id, detail: { name: row.name, prefix: row.prefix } });
    return { alreadyRevoked: !revoked };
  }

  /** The principal of a presented key; a refusal for an expired one; null when it is no key of ours. */
  authenticate(presented: string): KeyCheck {
    const prefix = prefixOf(KEY_START, presented);
    const live = prefix ? this.live.get(prefix) : undefined;
    if (!live || !secretMatches(live.row.key_hash, presented)) return null;
    if (live.row.expires_at !== null && live.row.expires_at <= this.opts.now()) {
      return { refused: `This API key expired at ${iso(live.row.expires_at)}` };
    }
    return { principal: live.principal };
  }

  /** A deleted instance leaves every key's scope (the database does the same by cascade). */
  forgetInstance(instanceId: string): void {
    for (const [prefix, live] of this.live) {
      if (live.principal.instanceIds.includes(instanceId)) {
        this.remember(live.row, live.principal.instanceIds.filter((id) => id !== instanceId), prefix);
      }
    }
  }

  /** A key's view, with the usage counted since the last flush. */
  view(row: repo.ApiKeyWithInstances): ApiKeyView {
    const pending = this.opts.usage.pendingKey(row.id);
    const lastUsed = Math.max(row.last_used_at ?? 0, pending?.lastUsedAt ?? 0) || null;
    const now = this.opts.now();
    return {
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      scope: row.scope,
      instanceIds: row.instanceIds,
      permissions: parsePermissions(row.permissions),
      hourlyLimit: row.hourly_limit,
      expiresAt: iso(row.expires_at),
      createdAt: new Date(row.created_at).toISOString(),
      createdBy: row.created_by,
      lastUsedAt: iso(lastUsed),
      revokedAt: iso(row.revoked_at),
      status: row.revoked_at !== null ? 'revoked' : row.expires_at !== null && row.expires_at <= now ? 'expired' : 'active',
    };
  }

  private remember(row: ApiKeyRow, instanceIds: readonly string[], prefix = row.prefix): void {
    if (row.scope !== 'global' && row.scope !== 'instance') throw new AppError('internal', `key ${row.id} has an unknown scope`);
    const principal: Principal = Object.freeze({
      kind: 'key',
      id: row.id,
      name: row.name,
      scope: row.scope,
      instanceIds: Object.freeze([...instanceIds]),
      permissions: Object.freeze(parsePermissions(row.permissions)),
      hourlyLimit: row.hourly_limit,
    });
    this.live.set(prefix, { row, principal });
  }
}
