import { describeError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Db, DialectName } from '../../storage/db.js';
import * as repo from '../../storage/leases-repo.js';
import type { NodeIdentity } from '../../storage/leases-repo.js';
import type { Ownership, OwnershipListener, Placement } from './ownership.js';

export interface LeaseKeeperOptions {
  db: Db;
  dialect: DialectName;
  node: NodeIdentity;
  /** How often leases are renewed and free instances claimed (LEASE_RENEW_MS). */
  renewMs: number;
  /** How long a lease holds without renewal (LEASE_TTL_MS). */
  ttlMs: number;
  /** How long after its start a node waits before claiming free instances (LEASE_JOIN_MS). */
  joinMs: number;
  /** The clock (unix ms); nodes' clocks must agree to well within ttlMs / 10 (NTP). */
  now: () => number;
  logger: Logger;
  /** Told once the state of an instance (`report`) is written (the other nodes read it again). */
  reported?: (instanceId: string) => void;
}

/** Rows of nodes silent this long are deleted (housekeeping; they hold nothing by then). */
const FORGET_NODES_AFTER_MS = 24 * 3_600_000;

/**
 * Ownership by lease, for nodes sharing a PostgreSQL database. Every `renewMs` the node says it
 * is alive, renews its leases (to now + ttlMs) and claims free ones (expired or released) up to
 * its fair share: the instances divided by the live nodes, rounded up. Claims are conditional
 * updates (leases-repo.ts), so no instance is ever held by two nodes. A node that stops renewing
 * loses its instances after ttlMs, and considers them lost itself a tenth of ttlMs earlier (room
 * for the clocks' disagreement). A node takes nothing that another live node holds: a node that
 * joins or rejoins takes only what is free. Under a NODE_ID that did not change, a restarted
 * node takes back at once the leases it held before that nobody took meanwhile (released at its
 * stop, or expired), without waiting to join.
 */
export class LeaseKeeper implements Ownership {
  readonly clustered = true;
  /** Held leases: instance id -> until when (unix ms) this node counts it as its own. */
  private readonly held = new Map<string, number>();
  private listener: OwnershipListener | null = null;
  private startedAt = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Renewals, claims and what they tell the listener run one at a time. */
  private serial: Promise<unknown> = Promise.resolve();
  private draining = false;
  private stopped = false;
  /** From the last renewal: how many instances there are and how many nodes are live. */
  private census = { instances: 0, nodes: 1 };
  private readonly margin: number;
  private readonly log: Logger;
  /** States to write (the latest per instance), and whether a writer is under way. */
  private readonly reports = new Map<string, string>();
  private reporting: Promise<void> | null = null;

  constructor(private readonly opts: LeaseKeeperOptions) {
    this.margin = Math.floor(opts.ttlMs / 10);
    this.log = opts.logger;
  }

  get nodeId(): string {
    return this.opts.node.id;
  }

  get secret(): string {
    return this.opts.node.secret;
  }

  owns(instanceId: string): boolean {
    const until = this.held.get(instanceId);
    return until !== undefined && until - this.margin > this.opts.now();
  }

  /** The instances this node holds now (tests, logs). */
  holding(): string[] {
    return [...this.held.keys()].filter((id) => this.owns(id)).sort();
  }

  async start(listener: OwnershipListener): Promise<void> {
    this.listener = listener;
    this.startedAt = this.opts.now();
    await this.tick();
    if (this.stopped) return;
    this.timer = setInterval(() => void this.tick(), this.opts.renewMs);
    this.timer.unref();
  }

  /** One renewal (the timer's; tests call it with their clock). */
  tick(): Promise<void> {
    return this.exclusive(() => this.renew());
  }

  async locate(instanceId: string): Promise<Placement> {
    if (this.owns(instanceId)) return { at: 'here' };
    const holder = await repo.holderOf(this.opts.db, instanceId, this.opts.now());
    if (holder && holder.id !== this.nodeId) return { at: 'node', nodeId: holder.id, url: holder.url, secret: holder.secret };
    if (!holder && !this.draining && (await this.claim(instanceId))) return { at: 'here' };
    // Held by this node in the database but no longer here (a renewal came too late), or taken
    // by another node a moment ago: ask again.
    const again = await repo.holderOf(this.opts.db, instanceId, this.opts.now());
    if (again && again.id !== this.nodeId) return { at: 'node', nodeId: again.id, url: again.url, secret: again.secret };
    return this.owns(instanceId) ? { at: 'here' } : { at: 'nowhere' };
  }

  async created(instanceId: string): Promise<void> {
    this.census.instances += 1;
    if (this.draining) return;
    // The census as it is now, not as of the last renewal: nodes that joined since, instances other nodes made.
    try {
      const { db, ttlMs } = this.opts;
      const leases = await repo.allLeases(db);
      const nodes = Math.max(1, (await repo.liveNodes(db, this.opts.now() - ttlMs)).length);
      this.census = { instances: leases.length + (leases.some((l) => l.instance_id === instanceId) ? 0 : 1), nodes };
    } catch (err) {
      this.log.warn('could not read the census; the last one decides', { error: describeError(err) });
    }
    const mine = [...this.held.keys()].filter((id) => this.owns(id)).length;
    if (mine < Math.ceil(this.census.instances / this.census.nodes)) await this.claim(instanceId);
  }

  report(instanceId: string, state: string): void {
    this.reports.set(instanceId, state);
    this.reporting ??= this.writeReports().finally(() => {
      this.reporting = null;
    });
  }

  /** Waits until the states reported so far are written (tests). */
  async reported(): Promise<void> {
    while (this.reporting) await this.reporting;
  }

  drain(): void {
    this.draining = true;
  }

  async stop(): Promise<void> {
    this.draining = true;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.exclusive(async () => {
      try {
        await repo.releaseLeases(this.opts.db, this.nodeId);
        await repo.removeNode(this.opts.db, this.nodeId);
      } catch (err) {
        this.log.warn('could not give up the leases at shutdown; they expire by themselves', { error: describeError(err) });
      }
      this.held.clear();
    });
  }

  /** Takes one free instance now; true when this node holds it afterwards. */
  private claim(instanceId: string): Promise<boolean> {
    return this.exclusive(async () => {
      if (this.owns(instanceId)) return true;
      const now = this.opts.now();
      const until = now + this.opts.ttlMs;
      if (!(await repo.claimLease(this.opts.db, this.nodeId, instanceId, now, until))) return false;
      this.held.set(instanceId, until);
      this.log.info('instance claimed', { instance: instanceId });
      await this.listener?.gained([instanceId]);
      return true;
    });
  }

  private async renew(): Promise<void> {
    if (this.stopped || !this.listener) return;
    const { db, dialect, node, ttlMs } = this.opts;
    const now = this.opts.now();
    const until = now + ttlMs;
    let renewed: string[];
    let leases: Awaited<ReturnType<typeof repo.allLeases>>;
    let nodes: number;
    try {
      await repo.heartbeat(db, node, now);
      await repo.addMissingLeases(db);
      renewed = await repo.renewLeases(db, node.id, now, until);
      nodes = Math.max(1, (await repo.liveNodes(db, now - ttlMs)).length);
      leases = await repo.allLeases(db);
      await repo.forgetSilentNodes(db, now - FORGET_NODES_AFTER_MS);
    } catch (err) {
      this.log.warn('could not renew the leases', { error: describeError(err) });
      // Whatever could not be renewed in time is not ours any more.
      const expired = [...this.held.keys()].filter((id) => !this.owns(id));
      for (const id of expired) this.held.delete(id);
      if (expired.length) await this.lose(expired);
      return;
    }
    const kept = new Set(renewed);
    const lost = [...this.held.keys()].filter((id) => !kept.has(id));
    const gained = renewed.filter((id) => !this.held.has(id));
    for (const id of lost) this.held.delete(id);
    for (const id of renewed) this.held.set(id, until);
    this.census = { instances: leases.length, nodes };
    if (!this.draining) {
      // Its own from before (a restart under the same NODE_ID): nobody took them, no need to wait.
      const back = await repo.reclaimOwnLeases(db, node.id, now, until);
      for (const id of back) this.held.set(id, until);
      gained.push(...back);
    }
    if (!this.draining && now - this.startedAt >= this.opts.joinMs) {
      const fair = Math.ceil(leases.length / nodes);
      const claimed = await repo.claimFreeLeases(db, dialect, node.id, now, until, fair - this.held.size);
      for (const id of claimed) this.held.set(id, until);
      gained.push(...claimed);
    }
    this.listener.seen?.(leases.map((l) => ({ instanceId: l.instance_id, nodeId: this.held.has(l.instance_id) ? node.id : l.expires_at > now ? l.node_id : '', state: l.state })));
    if (lost.length) await this.lose(lost);
    if (gained.length) {
      this.log.info('instances gained', { instances: gained });
      await this.listener.gained(gained);
    }
  }

  private async writeReports(): Promise<void> {
    for (;;) {
      const next = this.reports.entries().next();
      if (next.done) return;
      const [instanceId, state] = next.value;
      this.reports.delete(instanceId);
      if (!this.owns(instanceId)) continue;
      try {
        await repo.setLeaseState(this.opts.db, this.nodeId, instanceId, state);
        this.opts.reported?.(instanceId);
      } catch (err) {
        this.log.debug('could not tell the state of an instance', { instance: instanceId, error: describeError(err) });
      }
    }
  }

  private async lose(ids: string[]): Promise<void> {
    this.log.warn('instances lost (their leases ran out or were taken)', { instances: ids });
    await this.listener?.lost(ids);
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.serial.then(fn);
    this.serial = run.catch((err) => this.log.error('lease keeping failed', { error: describeError(err) }));
    return run;
  }
}
