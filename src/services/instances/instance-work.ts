/** A piece of work under way on an instance (a request): released once it is done. */
export interface WorkLease {
  /** Aborted when the instance is being deleted: work that can stop early (an upload) stops. */
  readonly signal: AbortSignal;
  release(): void;
}

/**
 * The work under way on each instance, so that a deletion can wait for it: the rows of an
 * instance go only once nothing that could still write them (or into its media folder) runs.
 * Work that can end early listens to its lease's signal; the rest finishes.
 */
export class InstanceWork {
  private readonly leases = new Map<string, Set<{ controller: AbortController; finished: Promise<void> }>>();

  /** Takes a lease on the instance (the caller has checked that it exists and is not being deleted). */
  enter(instanceId: string): WorkLease {
    let set = this.leases.get(instanceId);
    if (!set) this.leases.set(instanceId, (set = new Set()));
    const controller = new AbortController();
    let done = () => undefined as void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const entry = { controller, finished };
    set.add(entry);
    let released = false;
    return {
      signal: controller.signal,
      release: () => {
        if (released) return;
        released = true;
        set.delete(entry);
        if (set.size === 0 && this.leases.get(instanceId) === set) this.leases.delete(instanceId);
        done();
      },
    };
  }

  /** Aborts the leases of an instance and waits until every one of them (and any taken meanwhile) is released. */
  async drain(instanceId: string): Promise<void> {
    for (;;) {
      const set = this.leases.get(instanceId);
      if (!set || set.size === 0) return;
      const entries = [...set];
      for (const e of entries) e.controller.abort();
      await Promise.all(entries.map((e) => e.finished));
    }
  }

  /** How many leases an instance has (tests, diagnostics). */
  count(instanceId: string): number {
    return this.leases.get(instanceId)?.size ?? 0;
  }
}
