import type { Kysely } from 'kysely';
import { autoId, MS } from './dialect.js';

// Access: API keys and embed tokens (stored hashed, with the instances they reach), the usage
// figures flushed from memory, and the audit log.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    // The first characters of the key (hl_live_ + 8): shown in lists, and how a key is found.
    .addColumn('prefix', 'text', (c) => c.notNull())
    // SHA-256 of the whole key, hex.
    .addColumn('key_hash', 'text', (c) => c.notNull())
    // global | instance
    .addColumn('scope', 'text', (c) => c.notNull())
    // Comma-separated: read, send, manage.
    .addColumn('permissions', 'text', (c) => c.notNull())
    .addColumn('hourly_limit', 'integer')
    .addColumn('expires_at', MS)
    .addColumn('created_at', MS, (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('revoked_at', MS)
    // Usage, added to by the periodic flush of the in-memory counters.
    .addColumn('requests_total', MS, (c) => c.notNull().defaultTo(0))
    .addColumn('requests_failed', MS, (c) => c.notNull().defaultTo(0))
    // Microseconds spent answering, summed (the mean is this over requests_total).
    .addColumn('busy_us', MS, (c) => c.notNull().defaultTo(0))
    .addColumn('last_used_at', MS)
    .execute();
  await db.schema.createIndex('api_keys_prefix').on('api_keys').column('prefix').unique().execute();

  // The instances an instance-scoped key reaches; a deleted instance leaves every key (cascade).
  await db.schema
    .createTable('api_key_instances')
    .addColumn('key_id', 'text', (c) => c.notNull().references('api_keys.id').onDelete('cascade'))
    .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('api_key_instances_pk', ['key_id', 'instance_id'])
    .execute();
  await db.schema.createIndex('api_key_instances_by_instance').on('api_key_instances').column('instance_id').execute();

  await db.schema
    .createTable('embed_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_label', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    // read | read_write
    .addColumn('permissions', 'text', (c) => c.notNull())
    .addColumn('expires_at', MS, (c) => c.notNull())
    .addColumn('created_at', MS, (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('revoked_at', MS)
    .execute();
  await db.schema.createIndex('embed_tokens_prefix').on('embed_tokens').column('prefix').unique().execute();

  await db.schema
    .createTable('embed_token_instances')
    .addColumn('token_id', 'text', (c) => c.notNull().references('embed_tokens.id').onDelete('cascade'))
    .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('embed_token_instances_pk', ['token_id', 'instance_id'])
    .execute();
  await db.schema.createIndex('embed_token_instances_by_instance').on('embed_token_instances').column('instance_id').execute();

  // Cumulative per instance (clearing the history does not reset them).
  await db.schema
    .createTable('instance_usage')
    .addColumn('instance_id', 'text', (c) => c.primaryKey().references('instances.id').onDelete('cascade'))
    .addColumn('messages_sent', MS, (c) => c.notNull().defaultTo(0))
    .addColumn('messages_received', MS, (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', MS, (c) => c.notNull())
    .execute();

  // Not tied to instances: the record of a deleted instance stays.
  await db.schema
    .createTable('audit_log')
    .addColumn('id', ...autoId(db))
    .addColumn('created_at', MS, (c) => c.notNull())
    // admin | key | embed | system
    .addColumn('actor_kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('instance_id', 'text')
    .addColumn('target', 'text')
    // JSON of what changed (never a key, token or secret).
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('audit_log_by_instance').on('audit_log').columns(['instance_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_log').execute();
  await db.schema.dropTable('instance_usage').execute();
  await db.schema.dropTable('embed_token_instances').execute();
  await db.schema.dropTable('embed_tokens').execute();
  await db.schema.dropTable('api_key_instances').execute();
  await db.schema.dropTable('api_keys').execute();
}
