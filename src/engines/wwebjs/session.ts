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
import { connectionSignals } from './connection-signals.js';
import { describeStartFailure, meaningOfDisconnect, messageOf } from './failures.js';
import { LidResolver } from './ids.js';
import type { MediaLimits } from './incoming-media.js';
import type { ClientFactory, WwebjsClient } from './library-types.js';
import { accountOf } from './mapper.js';
import { MessageIndex } from './message-index.js';
import { isInjected } from './page-ops.js';
import { RecentCalls } from './recent-calls.js';
import { Recipients } from './recipients.js';
import { SessionStatus } from './session-status.js';
import { ClientCloser } from './shutdown.js';
import { AttemptWatch, backoffDelay, formatDelay, type WwebjsTimings } from './supervisor.js';

const NOT_INJECTED = "whatsapp-web.js is not loaded in WhatsApp Web's page (after a reload)";

export interface SessionOptions {
  ctx: EngineContext;
  factory: ClientFactory;
  timings: WwebjsTimings;
  log: Logger;
  media: MediaLimits;
  /** Called each time a client becomes open (to sync what WhatsApp Web holds into the store). */
  onOpen?: (client: WwebjsClient) => void;
}

export class WwebjsSession {
  private readonly connection: SessionStatus;
  /** The linked account while the current client is ready. */
  account: Account | null = null;
  readonly ids: LidResolver;
  readonly recipients: Recipients;
  readonly index = new MessageIndex();
  readonly calls = new RecentCalls();
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
  private readonly closer: ClientCloser;

  constructor(private readonly opts: SessionOptions) {
    this.connection = new SessionStatus(opts.ctx.emit);
    this.profileDir = profileDirOf(opts.ctx.sessionDir, opts.ctx.instanceId);
    this.closer = new ClientCloser({ profileDir: this.profileDir, timeoutMs: opts.timings.destroyTimeoutMs, log: opts.log });
    this.ids = new LidResolver(() => {
      const client = this.client;
      return client ? (ids) => client.getContactLidAndPhone(ids) : null;
    }, opts.log);
    this.recipients = new Recipients(this.ids, () => {
      const client = this.client;
      return client ? (phone) => client.getNumberId(phone) : null;
    });
  }

  get status(): ConnectionStatus {
    return this.connection.status;
  }

  /** The client and account while open; EngineError not_connected otherwise. */
  openClient(): { client: WwebjsClient; account: Account } {
    if (this.status !== 'open' || !this.client || !this.account) {
      throw new EngineError('not_connected', `instance ${this.opts.ctx.instanceId} is not connected`);
    }
    return { client: this.client, account: this.account };
  }

  /** The pid of the current client's Chromium, once puppeteer launched it. */
  browserPid(): number | null {
    return this.client?.pupBrowser?.process()?.pid ?? null;
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
      this.connection.report('disconnected', { error: reason });
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
    this.recipients.clear();
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
      calls: this.calls,
      log: this.opts.log,
      media: this.opts.media,
    });
    this.connection.report('connecting', previousError ? { error: previousError } : {});
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
    return connectionSignals({
      client,
      watch,
      connection: this.connection,
      log: this.opts.log,
      live: () => this.isCurrent(gen),
      account: () => this.account,
      open: () => void this.becomeOpen(gen, client, watch),
      renewQr: () => this.renewQr(gen),
      fail: (reason) => this.fail(gen, reason),
      loggedOut: (reason) => void this.loggedOut(gen, reason),
      terminal: (error) => void this.terminal(gen, error),
    });
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
    const reopened = this.status === 'open' && this.account?.id === account.id; // ready again after a page reload
    this.account = account;
    this.failures = 0;
    this.pairingPhone = null; // linked: restarts restore the session
    this.connection.hideQr();
    watch.settled();
    const webVersion = await client.getWWebVersion().catch(() => null);
    if (!this.isCurrent(gen)) return;
    this.connection.report('open', { account, ...(webVersion ? { webVersion } : {}) });
    watch.checkHealth(async () => {
      await client.getState();
      // After WhatsApp Web reloads itself the library injects its helpers again; a page left without them fails every operation.
      if (!(await isInjected(client))) throw new Error(NOT_INJECTED);
    });
    if (!reopened) this.opts.onOpen?.(client);
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
    this.connection.hideQr();
    this.connection.report('disconnected', { error: `${reason}; restarting in ${formatDelay(delay)}` });
    const restartGen = this.generation;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      void this.restart(restartGen, reason);
    }, delay).unref();
  }

  private async restart(gen: number, reason: string | null): Promise<void> {
    await this.closed();
    if (!this.wanted || gen !== this.generation) return;
    try {
      this.launch(reason);
    } catch (err) {
      this.wanted = false;
      this.connection.report('disconnected', { error: messageOf(err) });
    }
  }

  /** A QR that stopped changing (WhatsApp Web went idle): a new attempt shows a fresh one. */
  private renewQr(gen: number): void {
    if (!this.isCurrent(gen)) return;
    this.opts.log.info('the QR code went stale; starting over for a fresh one');
    this.generation++;
    void this.detachClient(false);
    this.connection.hideQr();
    const renewGen = this.generation;
    void this.restart(renewGen, null);
  }

  /** Banned, refused or outdated: no restarts; it stays disconnected, saying why, until connected again. */
  private async terminal(gen: number, error: string): Promise<void> {
    if (!this.isCurrent(gen)) return;
    this.opts.log.warn('WhatsApp Web ended the session for good', { error });
    this.halt();
    const closing = this.detachClient(false);
    this.account = null;
    this.connection.hideQr();
    this.connection.report('disconnected', { error });
    await closing;
  }

  /** The phone unlinked this device: the library removed the session; a new scan is needed. */
  private async loggedOut(gen: number, reason: string): Promise<void> {
    if (!this.isCurrent(gen)) return;
    this.halt();
    const closing = this.detachClient(false);
    this.account = null;
    this.connection.hideQr();
    this.connection.report('disconnected', {
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
    return client ? this.closer.close(client, this.initializing, logout) : Promise.resolve();
  }

  private closed(): Promise<void> {
    return this.closer.closed();
  }

  private settleDisconnected(): void {
    this.account = null;
    this.connection.settleDisconnected();
  }

}
