import type { Logger } from '../../logger.js';
import * as repo from '../../storage/audit-repo.js';
import type { Db } from '../../storage/db.js';
import type { AuditLogRow } from '../../storage/schema.js';
import type { Actor } from './principal.js';

export const AUDIT_ACTIONS = [
  'key.create',
  'key.revoke',
  'embed_token.create',
  'embed_token.revoke',
  'instance.create',
  'instance.delete',
  'instance.data_delete',
  'settings.update',
  'webhook.secret_rotate',
  'webhook.secret_set',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  id: number;
  at: string;
  actor: { kind: Actor['kind']; id: string; name: string };
  action: string;
  instanceId: string | null;
  target: string | null;
  detail: unknown;
}

/** Where services record what changed access or configuration (the port they call). */
export interface AuditRecorder {
  record(actor: Actor, action: AuditAction, what?: { instanceId?: string; target?: string; detail?: Record<string, unknown> }): Promise<void>;
}

function rowToEntry(row: AuditLogRow): AuditEntry {
  return {
    id: row.id,
    at: new Date(row.created_at).toISOString(),
    actor: { kind: row.actor_kind as Actor['kind'], id: row.actor_id, name: row.actor_name },
    action: row.action,
    instanceId: row.instance_id,
    target: row.target,
    detail: row.detail === null ? null : (JSON.parse(row.detail) as unknown),
  };
}

/**
 * The audit log: who (the admin token, which key, which embed token) created or revoked keys and
 * tokens, created or deleted instances, changed settings and webhooks, and when. A detail never
 * holds a key, token or secret: callers pass names, prefixes and changed fields only.
 */
export class AuditTrail implements AuditRecorder {
  constructor(private readonly opts: { db: Db; now: () => number; logger: Logger }) {}

  async record(actor: Actor, action: AuditAction, what: { instanceId?: string; target?: string; detail?: Record<string, unknown> } = {}): Promise<void> {
    await repo.insertAudit(this.opts.db, {
      created_at: this.opts.now(),
      actor_kind: actor.kind,
      actor_id: actor.id,
      actor_name: actor.name,
      action,
      instance_id: what.instanceId ?? null,
      target: what.target ?? null,
      detail: what.detail ? JSON.stringify(what.detail) : null,
    });
    this.opts.logger.info('audit', { action, actor: actor.id, ...(what.instanceId ? { instance: what.instanceId } : {}), ...(what.target ? { target: what.target } : {}) });
  }

  async list(filter: { action?: string; instanceId?: string }, page: number, limit: number): Promise<{ items: AuditEntry[]; total: number }> {
    const { rows, total } = await repo.listAudit(this.opts.db, filter, limit, (page - 1) * limit);
    return { items: rows.map(rowToEntry), total };
  }
}
