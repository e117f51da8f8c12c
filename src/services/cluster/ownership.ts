/**
 * Which node serves (owns) each instance. Everything that acts for an instance (its engine, its
 * webhook deliveries, its scheduled messages, bulk jobs and chatbot, the session watch) runs only
 * where `owns(id)` is true; a request for an instance owned elsewhere is forwarded there.
 *
 * One machine (SQLite): `SoleOwnership`, this process owns everything. Several nodes on one
 * PostgreSQL database: the `LeaseKeeper`, by leases in the database.
 */
export interface Ownership {
  /** Whether other nodes may share the instances (false: this process serves them all). */
  readonly clustered: boolean;
  readonly nodeId: string;
  /** What forwarded requests carry to this node to prove they come from a node. */
  readonly secret: string;
  /** Whether this node serves the instance now: the one check every job and engine start makes. */
  owns(instanceId: string): boolean;
  /**
   * Where a request for the instance is answered: here, at another node, or nowhere yet (no live
   * owner and this node could not take it; the caller answers 503). An instance without a live
   * owner is taken by the node asked about it.
   */
  locate(instanceId: string): Promise<Placement>;
  /** A newly created instance: taken at once when this node holds less than its fair share. */
  created(instanceId: string): Promise<void>;
  /** Tells the other nodes the live state of an instance this node serves (JSON; the latest word wins). */
  report(instanceId: string, state: string): void;
  /** Begins: on one machine every instance is gained at once; in a cluster, leases are renewed and claimed from now on. */
  start(listener: OwnershipListener): Promise<void>;
  /** Stops taking instances (shutdown begins); those held stay held until `stop`. */
  drain(): void;
  /** Gives up every lease (after the engines stopped) so the other nodes take them at once. */
  stop(): Promise<void>;
}

export type Placement = { at: 'here' } | { at: 'node'; nodeId: string; url: string; secret: string } | { at: 'nowhere' };

/** What a node does when instances come and go. Both return soon: long work (an engine's start) runs on. */
export interface OwnershipListener {
  /** This node serves these instances from now on (null: every instance, on one machine at start). */
  gained(instanceIds: readonly string[] | null): Promise<void>;
  /** This node does not serve these any more: their engines stop (no logout) and their jobs end here. */
  lost(instanceIds: readonly string[]): Promise<void>;
  /** What the cluster knows of every instance (each renewal): instances created or deleted elsewhere, owners' states. */
  seen?(leases: readonly SeenLease[]): void;
}

/** One instance's lease as the last renewal read it. */
export interface SeenLease {
  instanceId: string;
  nodeId: string;
  /** The owner's word on the instance's live state (JSON), or null. */
  state: string | null;
}

/** One machine: this process owns every instance, always. */
export class SoleOwnership implements Ownership {
  readonly clustered = false;

  constructor(
    readonly nodeId: string,
    readonly secret: string,
  ) {}

  owns(): boolean {
    return true;
  }

  async locate(): Promise<Placement> {
    return { at: 'here' };
  }

  async created(): Promise<void> {}

  report(): void {}

  async start(listener: OwnershipListener): Promise<void> {
    await listener.gained(null);
  }

  drain(): void {}

  async stop(): Promise<void> {}
}
