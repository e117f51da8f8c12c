/** A piece of work under way on an instance (a request): released once it is done. */
export interface WorkLease {
  /** Aborted when the instance is being deleted: work that can stop early (an upload) stops. */
  readonly signal: AbortSignal;
  release(): void;
}

interface Holds {
  active: number;
  /** Set once a deletion drains the instance: signals asked for from then on start aborted. */
  draining: boolean;
  /** The signals handed out (created only when a lease's work asks for one). */
  controllers: Set<AbortController>;
  /** Called once `active` is back to 0. */
  idle: (() => void)[];
}

/**
 * The work under way on each instance, so that a deletion can wait for it: the rows of an
 * instance go only once nothing that could still write them (or into its media folder) runs.
 * Work that can end early listens to its lease's signal; the rest finishes. Taking and releasing a
 * lease is a counter (every request on an instance takes one); a signal is made only when asked for.
 */
export class InstanceWork {
  private readonly holds = new Map<string, Holds>();

  /** Takes a lease on the instance (the caller has checked that it exists and is not being deleted). */
  enter(instanceId: string): WorkLease {
    let h = this.holds.get(instanceId);
    if (!h) this.holds.set(instanceId, (h = { active: 0, draining: false, controllers: new Set(), idle: [] }));
    const holds = h;
    holds.active++;
    let controller: AbortController | null = null;
    let released = false;
    return {
      get signal() {
        if (!controller) {
          controller = new AbortController();
          if (holds.draining) controller.abort();
          else holds.controllers.add(controller);
        }
        return controller.signal;
      },
      release: () => {
        if (released) return;
        released = true;
        if (controller) holds.controllers.delete(controller);
        if (--holds.active > 0) return;
        if (this.holds.get(instanceId) === holds) this.holds.delete(instanceId);
        for (const done of holds.idle.splice(0)) done();
      },
    };
  }

  /** Aborts the signals of an instance's leases and waits until every lease is released. */
  async drain(instanceId: string): Promise<void> {
    const holds = this.holds.get(instanceId);
    if (!holds) return;
    holds.draining = true;
    for (const c of holds.controllers) c.abort();
    holds.controllers.clear();
    if (holds.active > 0) await new Promise<void>((resolve) => holds.idle.push(resolve));
  }

  /** How many leases an instance has (tests, diagnostics). */
  count(instanceId: string): number {
    return this.holds.get(instanceId)?.active ?? 0;
  }
}
