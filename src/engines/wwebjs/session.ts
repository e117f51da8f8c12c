/**
 * The life of one instance's whatsapp-web.js connection: launching a client, following it to a
 * QR code and `ready`, restarting it with backoff when the supervisor reports a failure, and
 * closing it (stop, logout, dispose) without leaving a browser behind.
 */
import { rm } from 'node:fs/promises';
import type { Logger } from '../../logger.js';
import { EngineError, type Account, type ConnectionStatus, type EngineContext, type StartOptions, type StatusUpdate } from '../engine.js';
import { clearStaleProfileLocks, killProcessesUsingProfile, profileDirOf } from './chromium.js';
import { bindClientEvents, type SessionSignals } from './client-events.js';
import { describeStartFailure, messageOf } from './failures.js';
import { LidResolver } from './ids.js';
import type { ClientFactory, WwebjsClient } from './library-types.js';
import { accountOf } from './mapper.js';
import { MessageIndex } from './message-index.js';
import { closeClient } from './shutdown.js';
import { AttemptWatch, backoffDelay, formatDelay, type WwebjsTimings } from './supervisor.js';

export interface SessionOptions {
  ctx: EngineContext;
  factory: ClientFactory;
  timings: WwebjsTimings;
  log: Logger;
  /** Called each time a client becomes open (to sync what WhatsApp Web holds into the store). */
  onOpen?: (client: WwebjsClient) => void;
}

/** WhatsApp Web's states while a linked session reconnects by itself. */
const RECONNECTING = new Set(['OPENING', 'PAIRING', 'TIMEOUT']);

export class WwebjsSession {
  status: ConnectionStatus = 'disconnected';
  /** The linked account while the current client is ready. */
  account: Account | null = null;
  readonly ids: LidResolver;
  readonly index = new MessageIndex();
  readonly profileDir: string;

  private client: WwebjsClient | null = null;
  private initializing: Promise<void> = Promise.resolve();
  private watch: AttemptWatch | null = null;
  /** Between start() and stop(): the supervisor keeps a client running. */
  private wanted = false;
  /** Bumped whenever the current client changes; events of older clients are ignored. */
  private generation = 0;
  private failures = 0;
  private pairingPhone: string | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private qrShowing = false;
  private lastError: string | null = null;
  private readonly closing = new Set<Promise<void>>();

  constructor(private readonly opts: SessionOptions) {
    this.profileDir = profileDirOf(opts.ctx.sessionDir, opts.ctx.instanceId);
    this.ids = new LidResolver(() => {
      const client = this.client;
      return client ? (ids) => client.getContactLidAndPhone(ids) : null;
    }, opts.log);
  }

  /** The client and account while open; EngineError not_connected otherwise. */
  openClient(): { client: WwebjsClient; account: Account } {
    if (this.status !== 'open' || !this.client || !this.account) {
      throw new EngineError('not_connected', `instance ${this.opts.ctx.instanceId} is not connected`);
    }
    return { client: this.client, account: this.account };
  }

  async start(options: StartOptions = {}): Promise<void> {
    if (this.wanted) return;
    this.wanted = true;
    this.failures = 0;
    this.pairingPhone = options.pairingPhone ?? null;
    const gen = this.generation;
    await this.closed(); // a browser still closing must not share the profile with the next one
    if (!this.wanted || gen !== this.generation) return;
    try {
      this.launch(null);
    } catch (err) {
      this.wanted = false;
      const reason = messageOf(err);
      this.report('disconnected', { error: reason });
      throw new EngineError('failed', reason);
    }
  }

  async stop(): Promise<void> {
    this.halt();
    await this.detachClient(false);
    await this.closed();
    this.settleDisconnected();
  }

  async logout(): Promise<void> {
    const linked = this.account !== null;
    this.halt();
    await this.detachClient(linked);
    await this.closed();
    await rm(this.profileDir, { recursive: true, force: true });
    this.ids.clear();
    this.index.clear();
    this.settleDisconnected();
  }

  // --- attempts ------------------------------------------------------------------------------

  private launch(previousError: string | null): void {
    const gen = ++this.generation;
    const { instanceId, sessionDir, emit } = this.opts.ctx;
    // Nothing of ours runs on the profile now (closed() was awaited), so whatever still does is
    // left from a crash of this process, and its locks are stale.
    killProcessesUsingProfile(this.profileDir);
    clearStaleProfileLocks(this.profileDir);
    const client = this.opts.factory({ instanceId, sessionDir, pairingPhone: this.pairingPhone });
    const watch = new AttemptWatch(this.opts.timings, (reason) => this.fail(gen, reason));
    this.client = client;
    this.watch = watch;
    bindClientEvents(client, this.signals(gen, client, watch), {
      emit,
      account: () => (this.isCurrent(gen) ? this.account : null),
      ids: this.ids,
      index: this.index,
      log: this.opts.log,
    });
    this.report('connecting', previousError ? { error: previousError } : {});
    watch.expect(this.pairingPhone ? 'show a pairing code or become ready' : 'show a QR code or become ready');
    const init = Promise.resolve().then(() => client.initialize());
    this.initializing = init;
    init.then(
      () => {
        if (this.isCurrent(gen)) watch.watchBrowser(client.pupBrowser);
      },
      (err: unknown) => {
        if (this.isCurrent(gen)) this.fail(gen, describeStartFailure(err));
      },
    );
  }

  private signals(gen: number, client: WwebjsClient, watch: AttemptWatch): SessionSignals {
    const live = () => this.isCurrent(gen);
    return {
      qr: (qr) => {
        if (!live()) return;
        watch.satisfied(); // a person has to scan now: no timeout while the QR shows
        watch.watchBrowser(client.pupBrowser);
        this.qrShowing = true;
        this.opts.ctx.emit({ type: 'qr', qr });
      },
      pairingCode: (code) => {
        if (!live()) return;
        watch.satisfied();
        watch.watchBrowser(client.pupBrowser);
        this.report('connecting', { pairingCode: code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code });
      },
      authenticated: () => {
        if (!live()) return;
        this.hideQr();
        watch.expect('become ready after authenticating');
      },
      loading: () => {
        // Sync progress comes after a scan (or while a saved session restores). The sync of a
        // large account takes minutes, so the timeout counts from the latest progress.
        if (!live() || this.status === 'open') return;
        this.hideQr();
        watch.expect('finish syncing the session');
      },
      ready: () => {
        if (!live()) return;
        watch.satisfied();
        watch.watchBrowser(client.pupBrowser);
        void this.becomeOpen(gen, client, watch);
      },
      authFailure: (message) => {
        if (!live()) return;
        this.opts.log.warn('the saved WhatsApp session could not be restored', { error: message });
        this.report('connecting', { error: `the saved session could not be restored (${message}); a new QR code is needed` });
      },
      disconnected: (reason) => {
        if (!live()) return;
        if (reason === 'LOGOUT' || reason === 'UNPAIRED') void this.loggedOut(gen, reason);
        else this.fail(gen, `WhatsApp Web disconnected (${reason})`);
      },
      stateChanged: (state) => {
        if (!live() || !this.account) return;
        if (state === 'CONNECTED' && this.status !== 'open') this.report('open', { account: this.account });
        else if (RECONNECTING.has(state) && this.status === 'open') {
          this.report('connecting', { error: `the connection to WhatsApp was interrupted (${state}); WhatsApp Web is reconnecting` });
        }
      },
    };
  }

  private async becomeOpen(gen: number, client: WwebjsClient, watch: AttemptWatch): Promise<void> {
    const wid = client.info?.wid?._serialized;
    if (wid) await this.ids.resolve([wid]);
    if (!this.isCurrent(gen)) return;
    const account = accountOf(client.info, this.ids);
    if (!account) {
      this.fail(gen, `WhatsApp Web is ready but did not tell the linked phone number (${wid ?? 'no id'})`);
      return;
    }
    this.account = account;
    this.failures = 0;
    this.pairingPhone = null; // linked: restarts restore the session
    this.hideQr();
    this.report('open', { account });
    watch.checkHealth(() => client.getState());
    this.opts.onOpen?.(client);
  }

  /** A failure of the current attempt: close it, report why, and restart after a backoff. */
  private fail(gen: number, reason: string): void {
    if (!this.isCurrent(gen)) return;
    this.generation++;
    void this.detachClient(false);
    this.failures++;
    const delay = backoffDelay(this.failures, this.opts.timings);
    this.opts.log.warn('whatsapp-web.js attempt failed; restarting', { reason, attempt: this.failures, delayMs: delay });
    this.account = null;
    this.hideQr();
    this.report('disconnected', { error: `${reason}; restarting in ${formatDelay(delay)}` });
    const restartGen = this.generation;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      void this.restart(restartGen, reason);
    }, delay).unref();
  }

  private async restart(gen: number, reason: string): Promise<void> {
    await this.closed();
    if (!this.wanted || gen !== this.generation) return;
    try {
      this.launch(reason);
    } catch (err) {
      this.wanted = false;
      this.report('disconnected', { error: messageOf(err) });
    }
  }

  /** The phone unlinked this device: the library removed the session; a new scan is needed. */
  private async loggedOut(gen: number, reason: string): Promise<void> {
    if (!this.isCurrent(gen)) return;
    this.halt();
    const closing = this.detachClient(false);
    this.account = null;
    this.hideQr();
    this.report('disconnected', {
      error: `logged out (${reason}): this device was unlinked on the phone and the session was removed; connect again and scan a new QR code`,
    });
    await closing;
    await rm(this.profileDir, { recursive: true, force: true }).catch(() => undefined);
  }

  // --- helpers -------------------------------------------------------------------------------

  private isCurrent(gen: number): boolean {
    return this.wanted && gen === this.generation;
  }

  /** No more restarts, and events of the current client are ignored from now on. */
  private halt(): void {
    this.wanted = false;
    this.generation++;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
  }

  private detachClient(logout: boolean): Promise<void> {
    const client = this.client;
    this.client = null;
    this.watch?.close();
    this.watch = null;
    if (!client) return Promise.resolve();
    const { timings, log } = this.opts;
    const closing = closeClient(client, {
      initializing: this.initializing,
      profileDir: this.profileDir,
      timeoutMs: timings.destroyTimeoutMs,
      log,
      logout,
    }).catch((err: unknown) => log.warn('closing the browser failed', { error: messageOf(err) }));
    this.closing.add(closing);
    void closing.finally(() => this.closing.delete(closing));
    return closing;
  }

  private async closed(): Promise<void> {
    while (this.closing.size > 0) await Promise.allSettled([...this.closing]);
  }

  private settleDisconnected(): void {
    this.account = null;
    this.hideQr();
    // Also when already disconnected, to clear a "restarting in ..." error that no longer holds.
    if (this.status !== 'disconnected' || this.lastError) this.report('disconnected');
  }

  private hideQr(): void {
    if (!this.qrShowing) return;
    this.qrShowing = false;
    this.opts.ctx.emit({ type: 'qr', qr: null });
  }

  private report(status: ConnectionStatus, extra: Omit<StatusUpdate, 'status'> = {}): void {
    this.status = status;
    this.lastError = extra.error ?? null;
    this.opts.ctx.emit({ type: 'status', update: { status, ...extra } });
  }
}
