import { describeError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Db } from '../../storage/db.js';
import { listInstances } from '../../storage/instances-repo.js';
import { allLeases, instanceRows } from '../../storage/leases-repo.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import type { InstanceService } from '../instances/instance-service.js';
import type { Ownership, Placement, SeenLease } from './ownership.js';

export interface ClusterMembershipOptions {
  db: Db;
  registry: InstanceRegistry;
  instances: InstanceService;
  ownership: Ownership;
  logger: Logger;
}

/**
 * What a node knows of the instances the other nodes serve: instances created or deleted through
 * another node come and go here too, and the state of each is what its node says (its lease's
 * state), refreshed at every renewal and when a node announces a change. And where a request for
 * an instance is answered (`locate`).
 */
export class ClusterMembership {
  private syncing: Promise<void> | null = null;
  private next: readonly SeenLease[] | null = null;
  private refreshing: Promise<void> | null = null;

  constructor(private readonly opts: ClusterMembershipOptions) {}

  get clustered(): boolean {
    return this.opts.ownership.clustered;
  }

  get nodeId(): string {
    return this.opts.ownership.nodeId;
  }

  /** Whether a forwarded request carries this node's secret. */
  isNodeSecret(presented: string): boolean {
    return presented === this.opts.ownership.secret;
  }

  /**
   * Where a request for the instance is answered: here (also for an instance nobody knows, which
   * answers 404 here), at the node serving it, or nowhere for now (503).
   */
  async locate(instanceId: string): Promise<Placement> {
    if (!this.clustered) return { at: 'here' };
    const { registry } = this.opts;
    if (!registry.has(instanceId) && !registry.isDeleting(instanceId)) {
      // Created through another node a moment ago: known from now on.
      for (const row of await instanceRows(this.opts.db, [instanceId])) this.opts.instances.load(row);
    }
    if (!registry.has(instanceId)) return { at: 'here' };
    return this.opts.ownership.locate(instanceId);
  }

  /** Every renewal's view of the leases (OwnershipListener.seen); one refresh at a time, the latest view wins. */
  seen(leases: readonly SeenLease[]): void {
    if (this.syncing) {
      this.next = leases;
      return;
    }
    this.syncing = this.sync(leases)
      .catch((err) => this.opts.logger.warn('could not refresh what the other nodes serve', { error: describeError(err) }))
      .finally(() => {
        this.syncing = null;
        const next = this.next;
        this.next = null;
        if (next) this.seen(next);
      });
  }

  /**
   * Reads the leases again now (another node said an instance was created, deleted or changed
   * state); calls that come while one is waiting to run share it.
   */
  refresh(): Promise<void> {
    if (!this.clustered) return Promise.resolve();
    this.refreshing ??= new Promise<void>((resolve) => setTimeout(resolve, 20)).then(async () => {
      this.refreshing = null;
      const now = Date.now();
      const leases = await allLeases(this.opts.db);
      this.seen(leases.map((l) => ({ instanceId: l.instance_id, nodeId: l.expires_at > now ? l.node_id : '', state: l.state })));
    });
    return this.refreshing.catch((err) => this.opts.logger.warn('could not refresh what the other nodes serve', { error: describeError(err) }));
  }

  /** Waits for the refresh under way (tests). */
  async settled(): Promise<void> {
    while (this.syncing) await this.syncing;
  }

  private async sync(leases: readonly SeenLease[]): Promise<void> {
    const { registry, instances, db } = this.opts;
    const rows = await listInstances(db);
    const stored = new Set(rows.map((r) => r.id));
    const byInstance = new Map(leases.map((l) => [l.instanceId, l]));
    for (const row of rows) {
      instances.load(row);
      const lease = byInstance.get(row.id);
      registry.observe(row, lease && lease.nodeId !== '' ? lease.state : null);
    }
    // Deleted through another node. Asked again: one created here since the list was read is kept.
    const gone = registry.list().map((s) => s.id).filter((id) => !stored.has(id));
    if (gone.length === 0) return;
    const still = new Set((await instanceRows(db, gone)).map((r) => r.id));
    for (const id of gone) if (!still.has(id)) instances.vanished(id);
  }
}
