import type { Generated, Insertable, Selectable } from 'kysely';

// The tables of access (issue 15): API keys, embed tokens, usage and the audit log. Part of
// `Database` in schema.ts, kept apart so that neither file grows past a screenful of seams.
/** An API key: only its SHA-256 is kept; `prefix` (its first characters) finds it and is shown in lists. */
export interface ApiKeysTable {
  id: string;
  name: string;
  prefix: string;
  key_hash: string;
  scope: 'global' | 'instance';
  /** Comma-separated: read, send, manage. */
  permissions: string;
  hourly_limit: number | null;
  expires_at: number | null;
  created_at: number;
  created_by: string;
  revoked_at: number | null;
  requests_total: Generated<number>;
  requests_failed: Generated<number>;
  /** Microseconds spent answering, summed. */
  busy_us: Generated<number>;
  last_used_at: number | null;
}
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type NewApiKeyRow = Insertable<ApiKeysTable>;

export interface ApiKeyInstancesTable {
  key_id: string;
  instance_id: string;
}

export interface EmbedTokensTable {
  id: string;
  customer_label: string;
  prefix: string;
  token_hash: string;
  permissions: 'read' | 'read_write';
  expires_at: number;
  created_at: number;
  created_by: string;
  revoked_at: number | null;
}
export type EmbedTokenRow = Selectable<EmbedTokensTable>;
export type NewEmbedTokenRow = Insertable<EmbedTokensTable>;

export interface EmbedTokenInstancesTable {
  token_id: string;
  instance_id: string;
}

/** Cumulative message figures per instance, added to by the periodic usage flush. */
export interface InstanceUsageTable {
  instance_id: string;
  messages_sent: number;
  messages_received: number;
  updated_at: number;
}
export type InstanceUsageRow = Selectable<InstanceUsageTable>;

export interface AuditLogTable {
  id: Generated<number>;
  created_at: number;
  actor_kind: string;
  actor_id: string;
  actor_name: string;
  action: string;
  instance_id: string | null;
  target: string | null;
  /** JSON. */
  detail: string | null;
}
export type AuditLogRow = Selectable<AuditLogTable>;
export type NewAuditLogRow = Insertable<AuditLogTable>;
