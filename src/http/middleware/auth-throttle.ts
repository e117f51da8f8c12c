const WINDOW_MS = 60_000;
/** Beyond this many addresses remembered, those without a recent failure are forgotten. */
const MAX_ADDRESSES = 10_000;

/**
 * Failed authentications per remote address in a rolling minute. Once an address reaches the
 * limit it is throttled (429) until its oldest counted failure is a minute old; `onThrottled` is
 * told once when that begins (one log line per episode, not one per request).
 */
export class FailedAuthThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    private readonly now: () => number,
    private readonly onThrottled: (address: string, retryAfterSeconds: number) => void,
  ) {}

  /** Seconds the address must wait; 0 when it may try. */
  retryAfter(address: string): number {
    const times = this.recent(address);
    if (times.length < this.limit) return 0;
    return Math.max(1, Math.ceil((times[times.length - this.limit]! + WINDOW_MS - this.now()) / 1000));
  }

  failed(address: string): void {
    let times = this.recent(address);
    if (times.length === 0) {
      if (this.failures.size >= MAX_ADDRESSES) this.prune();
      times = [];
      this.failures.set(address, times);
    }
    times.push(this.now());
    if (times.length === this.limit) this.onThrottled(address, this.retryAfter(address));
  }

  private recent(address: string): number[] {
    const times = this.failures.get(address);
    if (!times) return [];
    const cutoff = this.now() - WINDOW_MS;
    let drop = 0;
    while (drop < times.length && times[drop]! <= cutoff) drop++;
    if (drop) times.splice(0, drop);
    if (times.length === 0) this.failures.delete(address);
    return times;
  }

  private prune(): void {
    for (const address of [...this.failures.keys()]) this.recent(address);
  }
}
