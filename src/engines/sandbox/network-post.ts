/** How long the simulated network takes to carry anything (messages, receipts, group news). */
export const DELIVERY_DELAY_MS = 100;

/**
 * The sandbox network's post: what travels (every trip takes the same time, so a phone gets what it
 * is sent in order), how much is still travelling to each phone, and what waits for a phone whose
 * instance is offline, tagged with the instance it came from.
 */
export class NetworkPost {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly travelling = new Map<string, number>();
  private readonly held = new Map<string, { from: string | null; run: () => void }[]>();

  /** Runs `fn` after the simulated latency; cancelled by close(). */
  later(fn: () => void, ms = DELIVERY_DELAY_MS): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref?.();
    this.timers.add(t);
  }

  /** Hands something over to `phone` after the latency, counted as travelling to it until then. */
  travel(phone: string, handOver: () => void): void {
    this.travelling.set(phone, (this.travelling.get(phone) ?? 0) + 1);
    this.later(() => {
      const left = (this.travelling.get(phone) ?? 1) - 1;
      if (left > 0) this.travelling.set(phone, left);
      else this.travelling.delete(phone);
      handOver();
    });
  }

  /** Whether anything sent to `phone` is still on its way. */
  isTravelling(phone: string): boolean {
    return this.travelling.has(phone);
  }

  /** Keeps `run` until the phone comes online (flush). */
  hold(phone: string, from: string | null, run: () => void): void {
    const list = this.held.get(phone) ?? [];
    list.push({ from, run });
    this.held.set(phone, list);
  }

  /** Runs what was held for `phone`. */
  flush(phone: string): void {
    const list = this.held.get(phone);
    if (!list) return;
    this.held.delete(phone);
    for (const h of list) h.run();
  }

  /** Forgets what an instance sent that still waits (it is gone). */
  dropFrom(instanceId: string): void {
    for (const [phone, list] of this.held) {
      const kept = list.filter((h) => h.from !== instanceId);
      if (kept.length) this.held.set(phone, kept);
      else this.held.delete(phone);
    }
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.travelling.clear();
  }
}
