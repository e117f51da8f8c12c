import type { Kysely } from 'kysely';
import { MS } from './dialect.js';

// Scale-out (issue 20): the nodes sharing one database, and which node owns (serves) each
// instance, by a lease it renews. On SQLite (one machine) the tables stay empty: the one process
// owns everything.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('nodes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Where the other nodes forward a request for an instance this node owns (NODE_URL).
    .addColumn('url', 'text', (c) => c.notNull())
    // What a forwarded request carries to prove it comes from a node (NODE_SECRET, or one drawn at start).
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('heartbeat_at', MS, (c) => c.notNull())
    .addColumn('started_at', MS, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('instance_leases')
    .addColumn('instance_id', 'text', (c) => c.primaryKey().references('instances.id').onDelete('cascade'))
    // '' while no node has claimed it; no foreign key: a node's row goes when it stops, its leases expire.
    .addColumn('node_id', 'text', (c) => c.notNull())
    // The lease holds until then (unix ms); 0: released.
    .addColumn('expires_at', MS, (c) => c.notNull())
    // What the owner last said of the instance (status, error, ...), as JSON, for the other nodes' lists.
    .addColumn('state', 'text')
    .execute();
  // Renewals and counts go by node.
  await db.schema.createIndex('instance_leases_by_node').on('instance_leases').columns(['node_id', 'expires_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('instance_leases').execute();
  await db.schema.dropTable('nodes').execute();
}
