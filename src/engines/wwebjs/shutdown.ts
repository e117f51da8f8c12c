/**
 * Closing a client so that no Chromium outlives it: client.destroy() first, then a kill of the
 * browser's process group and of anything still running on the instance's profile.
 */
import type { Logger } from '../../logger.js';
import { killBrowserProcessGroup, killProcessesUsingProfile } from './chromium.js';
import { messageOf } from './failures.js';
import { withTimeout } from './supervisor.js';
import type { WwebjsClient } from './library-types.js';

export interface CloseOptions {
  /** The client's pending or settled `initialize()`. */
  initializing: Promise<unknown>;
  profileDir: string;
  timeoutMs: number;
  log: Logger;
  /** Runs the library's logout (unlink on WhatsApp, delete the session) before closing. */
  logout?: boolean;
}

function settled(p: Promise<unknown>): Promise<void> {
  return p.then(
    () => undefined,
    () => undefined,
  );
}

export async function closeClient(client: WwebjsClient, opts: CloseOptions): Promise<void> {
  const { log, timeoutMs } = opts;
  let initDone = false;
  void settled(opts.initializing).then(() => {
    initDone = true;
  });
  // The browser is only assigned to client.pupBrowser once launched; a destroy before that
  // would close nothing and the launch would finish afterwards. Give the launch a moment.
  if (!client.pupBrowser) await Promise.race([settled(opts.initializing), new Promise((r) => setTimeout(r, Math.min(timeoutMs, 5000)))]);

  const browser = client.pupBrowser ?? null;
  if (opts.logout && browser?.isConnected()) {
    try {
      await withTimeout(client.logout(), timeoutMs, 'logout');
    } catch (err) {
      log.warn('logout from WhatsApp failed; closing the browser anyway', { error: messageOf(err) });
    }
  }
  try {
    await withTimeout(client.destroy(), timeoutMs, 'client.destroy()');
  } catch (err) {
    log.warn('client.destroy() failed; killing the browser', { error: messageOf(err) });
  }
  const proc = browser?.process() ?? null;
  if (proc?.pid && proc.exitCode === null && proc.signalCode === null) killBrowserProcessGroup(proc.pid);
  const killed = killProcessesUsingProfile(opts.profileDir);
  if (killed > 0) log.warn('killed Chromium processes left on the profile', { count: killed, profile: opts.profileDir });

  if (!initDone) {
    // initialize() is still running (a launch that took longer than our wait, or a page load
    // with the library's unlimited navigation timeout): clean up again whenever it ends.
    void settled(opts.initializing).then(async () => {
      await withTimeout(client.destroy(), timeoutMs, 'client.destroy()').catch(() => undefined);
      killProcessesUsingProfile(opts.profileDir);
    });
  }
}

/**
 * The closes under way of one instance's clients: a new client must not start on the profile
 * while an old browser is still closing on it.
 */
export class ClientCloser {
  private readonly closing = new Set<Promise<void>>();

  constructor(private readonly opts: Pick<CloseOptions, 'profileDir' | 'timeoutMs' | 'log'>) {}

  /** Closes `client` (never rejects: a failure is logged) and tracks it until done. */
  close(client: WwebjsClient, initializing: Promise<unknown>, logout: boolean): Promise<void> {
    const { log } = this.opts;
    const closing = closeClient(client, { ...this.opts, initializing, logout }).catch((err: unknown) =>
      log.warn('closing the browser failed', { error: messageOf(err) }),
    );
    this.closing.add(closing);
    void closing.finally(() => this.closing.delete(closing));
    return closing;
  }

  /** Resolves once no close is under way. */
  async closed(): Promise<void> {
    while (this.closing.size > 0) await Promise.allSettled([...this.closing]);
  }
}
