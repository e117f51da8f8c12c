import type { Selectable } from 'kysely';

// The tables of scale-out (migration 015): the nodes sharing a PostgreSQL database and the lease
// by which one of them owns each instance. Part of `Database` in schema.ts.

export interface NodesTable {
  id: string;
  url: string;
  secret: string;
  /** Unix ms of the node's last renewal; a node is live while heartbeat_at + LEASE_TTL_MS is ahead. */
  heartbeat_at: number;
  started_at: number;
}
export type NodeRow = Selectable<NodesTable>;

export interface InstanceLeasesTable {
  instance_id: string;
  /** '' while unclaimed. */
  node_id: string;
  /** Unix ms; the lease holds while it is ahead (0: released). */
  expires_at: number;
  /** The owner's last word on the instance's live state, as JSON (see LeaseKeeper). */
  state: string | null;
}
export type InstanceLeaseRow = Selectable<InstanceLeasesTable>;

export interface ClusterTables {
  nodes: NodesTable;
  instance_leases: InstanceLeasesTable;
}
