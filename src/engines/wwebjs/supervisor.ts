/**
 * Supervision of one whatsapp-web.js attempt: a start that never reaches a QR or ready, a browser
 * that dies, a session that stops answering getState(). Each is reported once through
 * `onFailure(reason)`; the session then tears the client down and restarts with backoff.
 */
import type { LibBrowser } from './library-types.js';
import { messageOf } from './failures.js';

export interface WwebjsTimings {
  /** How long a start may take to show a QR code (or pairing code) or become ready; also how
   * long a scanned or restored session may take from `authenticated` to `ready`. */
  readyTimeoutMs: number;
  /** How often an open session is asked getState(). */
  healthIntervalMs: number;
  /** How long getState() may take before the session counts as hung. */
  healthTimeoutMs: number;
  /** First restart delay; doubles with each failure in a row. */
  backoffBaseMs: number;
  /** The longest restart delay. */
  backoffCapMs: number;
  /** How long client.destroy() (or logout) may take before the browser is killed. */
  destroyTimeoutMs: number;
  /**
   * How long a QR may show without a new one before the attempt is renewed: WhatsApp Web rotates
   * its QR every ~20 s, then goes idle (UNPAIRED_IDLE) and shows none, and 1.34.7's own refresh of
   * an idle QR runs in Node and throws (review D7).
   */
  qrFreshMs: number;
  /**
   * After `authenticated`, how often the session is probed for being connected without the
   * library's `ready` (OpenWA #415: ready "did not reliably complete"; review D7).
   */
  reconcileMs: number;
  /**
   * How long getState() may fail the way a page reload fails (WhatsApp Web reloads itself after
   * linking and on updates; the library re-injects and says `ready` again) before it counts.
   */
  reloadGraceMs: number;
}

export const defaultTimings: WwebjsTimings = {
  readyTimeoutMs: 120_000,
  healthIntervalMs: 30_000,
  healthTimeoutMs: 20_000,
  backoffBaseMs: 2_000,
  backoffCapMs: 5 * 60_000,
  destroyTimeoutMs: 10_000,
  qrFreshMs: 90_000,
  reconcileMs: 15_000,
  reloadGraceMs: 60_000,
};

/** What getState() throws while WhatsApp Web reloads (navigation) rather than because it died. */
const RELOADING = /Execution context was destroyed|is not loaded in WhatsApp Web's page|Cannot find context with specified id|window\.require is not a function|Cannot read properties of undefined \(reading '(?:Socket|state)'\)|Requiring unknown module/i;

/** The delay before restart number `failures` (1 = after the first failure). */
export function backoffDelay(failures: number, timings: Pick<WwebjsTimings, 'backoffBaseMs' | 'backoffCapMs'>): number {
  const exp = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(timings.backoffCapMs, timings.backoffBaseMs * 2 ** exp);
}

export function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

/** Resolves with `work`, or rejects when it takes longer than `ms`. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${formatDelay(ms)}`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Watches one attempt. After `close()` (or the first failure) it reports nothing more. Its timers
 * are unref'd: supervision alone must not keep a process alive that is otherwise done.
 */
export class AttemptWatch {
  private progressTimer: NodeJS.Timeout | null = null;
  private healthTimer: NodeJS.Timeout | null = null;
  private qrTimer: NodeJS.Timeout | null = null;
  private reconcileTimer: NodeJS.Timeout | null = null;
  /** Since when getState() has been failing as a reload does (null: it answers). */
  private reloadingSince: number | null = null;
  private browser: LibBrowser | null = null;
  private closed = false;

  constructor(
    private readonly timings: WwebjsTimings,
    private readonly onFailure: (reason: string) => void,
  ) {}

  /** Expects the next step within the ready timeout; `what` completes "did not ... within N s". */
  expect(what: string): void {
    this.clearProgress();
    if (this.closed) return;
    const ms = this.timings.readyTimeoutMs;
    this.progressTimer = setTimeout(() => this.fail(`WhatsApp Web did not ${what} within ${formatDelay(ms)}`), ms).unref();
  }

  /** The expected step happened, or we now wait on a person (a QR or pairing code is showing). */
  satisfied(): void {
    this.clearProgress();
  }

  /** Treats the browser closing as a failure (idempotent; the first browser seen is watched). */
  watchBrowser(browser: LibBrowser | null | undefined): void {
    if (this.closed || this.browser || !browser) return;
    this.browser = browser;
    browser.once('disconnected', this.onBrowserGone);
    if (!browser.isConnected()) this.onBrowserGone();
  }

  /**
   * Asks `probe` every health interval; a throw or a hang counts as a failure, except the errors of
   * a page reload, which get `reloadGraceMs` (probed more often meanwhile) to answer again.
   */
  checkHealth(probe: () => Promise<unknown>): void {
    if (this.closed || this.healthTimer) return;
    const tick = async () => {
      this.healthTimer = null;
      try {
        await withTimeout(probe(), this.timings.healthTimeoutMs, 'getState()');
        this.reloadingSince = null;
      } catch (err) {
        const message = messageOf(err);
        const now = Date.now();
        if (!RELOADING.test(message) || (this.reloadingSince !== null && now - this.reloadingSince >= this.timings.reloadGraceMs)) {
          this.fail(`WhatsApp Web stopped answering: ${message}`);
          return;
        }
        this.reloadingSince ??= now;
      }
      if (this.closed) return;
      const next = this.reloadingSince === null ? this.timings.healthIntervalMs : Math.min(this.timings.healthIntervalMs, 2000);
      this.healthTimer = setTimeout(tick, next).unref();
    };
    this.healthTimer = setTimeout(tick, this.timings.healthIntervalMs).unref();
  }

  /** A QR is showing: `onStale` runs when no newer one came within `qrFreshMs`. */
  qrShown(onStale: () => void): void {
    if (this.qrTimer) clearTimeout(this.qrTimer);
    if (this.closed) return;
    this.qrTimer = setTimeout(() => {
      this.qrTimer = null;
      if (!this.closed) onStale();
    }, this.timings.qrFreshMs).unref();
  }

  /** Probes every `reconcileMs` until `probe` answers true (then `onReady`) or the watch closes. */
  reconcile(probe: () => Promise<boolean>, onReady: () => void): void {
    if (this.closed || this.reconcileTimer) return;
    const tick = async () => {
      this.reconcileTimer = null;
      let ready = false;
      try {
        ready = await withTimeout(probe(), this.timings.healthTimeoutMs, 'the readiness probe');
      } catch {
        ready = false;
      }
      if (this.closed) return;
      if (ready) onReady();
      else this.reconcileTimer = setTimeout(tick, this.timings.reconcileMs).unref();
    };
    this.reconcileTimer = setTimeout(tick, this.timings.reconcileMs).unref();
  }

  /** Stops probing for readiness (the library said `ready` itself). */
  settled(): void {
    if (this.reconcileTimer) clearTimeout(this.reconcileTimer);
    this.reconcileTimer = null;
    if (this.qrTimer) clearTimeout(this.qrTimer);
    this.qrTimer = null;
  }

  close(): void {
    this.closed = true;
    this.clearProgress();
    this.settled();
    if (this.healthTimer) clearTimeout(this.healthTimer);
    this.healthTimer = null;
    this.browser?.off('disconnected', this.onBrowserGone);
    this.browser = null;
  }

  private readonly onBrowserGone = () => this.fail('the browser (Chromium) closed unexpectedly');

  private fail(reason: string): void {
    if (this.closed) return;
    this.close();
    this.onFailure(reason);
  }

  private clearProgress(): void {
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.progressTimer = null;
  }
}
