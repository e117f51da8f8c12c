/**
 * Runs the checks one after the other, each as one row: PASS (the detail says what was seen),
 * FAIL (what went wrong) or SKIP (why it was not run). A failing check never stops the next one,
 * except when the server cannot be reached or the operator pressed Ctrl-C: then every later
 * check is listed as SKIP with that reason, so the table always has every row.
 */
import { Interrupted, sleep, Unreachable } from './api.js';

export type Outcome = 'PASS' | 'FAIL' | 'SKIP';

export interface Row {
  check: string;
  result: Outcome;
  detail: string;
  durationMs: number;
}

/** Thrown by a check that cannot run here; its message is the reason. */
export class Skip extends Error {}

/** Thrown by a wait that ran out of time. */
export class TimedOut extends Error {}

export class Runner {
  readonly rows: Row[] = [];
  /** Why the remaining checks are not run, once the run cannot go on. */
  stopped: string | null = null;
  interrupted = false;

  constructor(
    private readonly signal: AbortSignal,
    private readonly onRow: (row: Row) => void,
  ) {}

  /** Runs one check; answers whether it passed. `needs`: checks that must have passed first. */
  async check(name: string, fn: () => Promise<string>, needs: string[] = []): Promise<boolean> {
    const started = Date.now();
    const add = (result: Outcome, detail: string) => {
      const row = { check: name, result, detail, durationMs: Date.now() - started };
      this.rows.push(row);
      this.onRow(row);
      return result === 'PASS';
    };
    if (this.stopped) return add('SKIP', `not run: ${this.stopped}`);
    const missing = needs.filter((n) => this.result(n) !== 'PASS');
    if (missing.length) return add('SKIP', `not run: needs ${missing.map((n) => `"${n}"`).join(', ')} to pass`);
    try {
      return add('PASS', await fn());
    } catch (err) {
      if (err instanceof Skip) return add('SKIP', err.message);
      if (err instanceof Interrupted || this.signal.aborted) {
        this.interrupted = true;
        this.stopped = 'the run was interrupted (Ctrl-C)';
        return add('SKIP', 'interrupted (Ctrl-C)');
      }
      if (err instanceof Unreachable) this.stopped = 'the server stopped answering';
      return add('FAIL', err instanceof Error ? err.message : String(err));
    }
  }

  /** Stops the run: every later check is a SKIP saying `why`. */
  stop(why: string): void {
    this.stopped ??= why;
  }

  result(name: string): Outcome | undefined {
    return this.rows.find((r) => r.check === name)?.result;
  }

  counts(): Record<Outcome, number> {
    const out: Record<Outcome, number> = { PASS: 0, FAIL: 0, SKIP: 0 };
    for (const r of this.rows) out[r.result]++;
    return out;
  }
}

export interface WaitOptions {
  timeoutMs: number;
  pollMs: number;
  signal: AbortSignal;
  /** What was last seen, for the timeout message. */
  lastSeen?: () => string | undefined;
}

/**
 * Asks `probe` every `pollMs` until it answers something (not undefined, null or false);
 * throws TimedOut after `timeoutMs`, naming `what` and the last thing seen.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, o: WaitOptions): Promise<T> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() >= deadline) {
      const seen = o.lastSeen?.();
      throw new TimedOut(`timed out after ${fmtSeconds(o.timeoutMs)} waiting for ${what}${seen ? ` (last seen: ${seen})` : ''}`);
    }
    await sleep(Math.min(o.pollMs, Math.max(0, deadline - Date.now())), o.signal);
  }
}

export function fmtSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
