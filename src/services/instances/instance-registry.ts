import path from 'node:path';
import type { Engine, EngineContext, EngineEvent, EngineEventType, StartOptions, StatusUpdate } from '../../engines/engine.js';
import { createEngine, type EngineDeps, type EngineName } from '../../engines/registry.js';
import { AppError, describeError, notFound } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { InstanceRow } from '../../storage/schema.js';
import type { DeafReason, InstanceState } from './instance-state.js';
import { InstanceWork, type WorkLease } from './instance-work.js';
import type { StatusRecorder } from './status-recorder.js';

interface Runtime {
  state: InstanceState;
  engine: Engine;
  /** Lifecycle operations of one instance run one after another. */
  lock: Promise<unknown>;
  /** Set once deletion began: the instance answers 404 from then on. */
  deleting: boolean;
  /** Set while liveness reconnects a deaf instance, until it is open again: its status events say why. */
  recovering: boolean;
}

type Handler<K extends EngineEventType> = (instanceId: string, event: Extract<EngineEvent, { type: K }>) => void;
type Handlers = { [K in EngineEventType]: Handler<K>[] };
/** An instance became open; `firstLink` when its account was just linked (not a reconnect of a known one). */
type OpenedListener = (instanceId: string, opened: { firstLink: boolean }) => void;

export interface InstanceRegistryOptions {
  dataDir: string;
  engines: EngineDeps;
  status: StatusRecorder;
  logger: Logger;
  /** The clock of what is noted on instances (deafness); Date.now by default. */
  now?: () => number;
}

/**
 * Every instance's engine and live state, and the one place engine events come in: `qr` and
 * `status` update the state here, then every event goes to the handlers registered for its type
 * (the message store, the chat store, the jobs). Lifecycle calls of one instance are serialised.
 */
export class InstanceRegistry {
  private readonly runtimes = new Map<string, Runtime>();
  private readonly handlers: Handlers = {
    qr: [],
    status: [],
    message: [],
    ack: [],
    chat_upsert: [],
    contact_upsert: [],
    group_upsert: [],
    message_edit: [],
    message_revoke: [],
    reaction: [],
    poll_vote: [],
    group_change: [],
    presence: [],
    call: [],
  };
  private readonly opened: OpenedListener[] = [];
  private readonly log: Logger;
  private readonly work = new InstanceWork();
  private closing = false;

  constructor(private readonly opts: InstanceRegistryOptions) {
    this.log = opts.logger;
  }

  /** Subscribes to one type of engine event, for every instance. */
  onEngineEvent<K extends EngineEventType>(type: K, handler: Handler<K>): void {
    (this.handlers[type] as Handler<K>[]).push(handler);
  }

  /**
   * Told each time an instance becomes open (after a link, a reconnect, a restart, a server start),
   * synchronously, before the engine can report anything that follows.
   */
  onOpened(listener: OpenedListener): void {
    this.opened.push(listener);
  }

  sessionDir(instanceId: string): string {
    return path.join(this.opts.dataDir, 'sessions', instanceId);
  }

  list(): InstanceState[] {
    return [...this.runtimes.values()].filter((rt) => !rt.deleting).map((rt) => current(rt.state));
  }

  has(instanceId: string): boolean {
    const rt = this.runtimes.get(instanceId);
    return rt !== undefined && !rt.deleting;
  }

  /** True from the first step of a deletion until its last (the id is not free yet). */
  isDeleting(instanceId: string): boolean {
    return this.runtimes.get(instanceId)?.deleting === true;
  }

  /**
   * Takes a lease on the instance for a piece of work (a request); 404 when there is no such
   * instance or it is being deleted. A deletion waits until every lease is released.
   */
  enter(instanceId: string): WorkLease {
    this.runtime(instanceId);
    return this.work.enter(instanceId);
  }

  /** Aborts the leases of an instance being deleted and waits until they are released. */
  drain(instanceId: string): Promise<void> {
    return this.work.drain(instanceId);
  }

  /** The live state; 404 when there is no such instance (or it is being deleted). */
  get(instanceId: string): InstanceState {
    return current(this.runtime(instanceId).state);
  }

  /** Records that WhatsApp's reach-out timelock refuses new contacts until `untilMs`. */
  noteTimelock(instanceId: string, untilMs: number): void {
    if (this.runtimes.has(instanceId)) this.runtime(instanceId).state.timelockUntil = untilMs;
  }

  engine(instanceId: string): Engine {
    return this.runtime(instanceId).engine;
  }

  /** Builds the runtime of a stored instance (not started). */
  attach(row: InstanceRow): InstanceState {
    const state: InstanceState = {
      id: row.id,
      description: row.description,
      engine: row.engine as EngineName,
      status: 'disconnected',
      account: row.account_id && row.account_phone ? { id: row.account_id, name: row.account_name ?? '', phone: row.account_phone } : null,
      error: null,
      pairingCode: null,
      qr: null,
      webVersion: null,
      timelockUntil: null,
      lastDeafness: null,
      createdAt: row.created_at,
      groupId: row.group_id === null ? null : Number(row.group_id),
    };
    const id = row.id;
    const ctx: EngineContext = { instanceId: id, sessionDir: this.sessionDir(id), emit: (event) => this.dispatch(id, state, event) };
    const rt: Runtime = { state, engine: createEngine(state.engine, ctx, this.opts.engines), lock: Promise.resolve(), deleting: false, recovering: false };
    this.runtimes.set(id, rt);
    return { ...state };
  }

  /** Runs a lifecycle operation after the ones before it; 404 once the instance is gone. */
  withLock<T>(instanceId: string, fn: (engine: Engine, state: InstanceState) => Promise<T>): Promise<T> {
    const rt = this.runtime(instanceId);
    const run = rt.lock.then(() => {
      if (this.runtimes.get(instanceId) !== rt || rt.deleting) throw notFound(`instance ${instanceId} not found`);
      return fn(rt.engine, rt.state);
    });
    rt.lock = run.catch(() => undefined);
    return run;
  }

  /** Starts the engine; a failure to start is a 502 and leaves the instance disconnected. */
  async start(instanceId: string, options: StartOptions): Promise<void> {
    if (this.closing) return;
    const rt = this.runtime(instanceId);
    rt.state.error = null;
    rt.state.pairingCode = null;
    try {
      await rt.engine.start(options);
    } catch (err) {
      rt.state.status = 'disconnected';
      rt.state.error = describeError(err);
      throw new AppError('upstream_failed', `instance ${instanceId} could not start: ${rt.state.error}`);
    }
  }

  /** The instance was filed under another group (or none). */
  regroup(instanceId: string, groupId: number | null): void {
    this.runtime(instanceId).state.groupId = groupId;
  }

  /**
   * Reconnects an instance found open but deaf: its engine stops and starts (the session is kept),
   * as a restart does. The instance notes why (`lastDeafness`), and its status events carry
   * `reason: "deaf"` until it is open again. Nothing happens when it is not open any more.
   */
  async recoverDeaf(instanceId: string, reason: DeafReason, detail: string): Promise<void> {
    await this.withLock(instanceId, async (engine, state) => {
      if (state.status !== 'open') return;
      const rt = this.runtime(instanceId);
      state.lastDeafness = { reason, detail, detectedAt: (this.opts.now ?? Date.now)(), recoveredAt: null };
      rt.recovering = true;
      try {
        await engine.stop();
        await this.start(instanceId, {});
      } catch (err) {
        rt.recovering = false;
        throw err;
      }
    });
  }

  /** The linked account's name changed (its profile name was set through the API). */
  accountRenamed(instanceId: string, name: string): void {
    const state = this.runtime(instanceId).state;
    if (state.account) state.account = { ...state.account, name };
  }

  /** Forgets the account of an instance that logged out. */
  loggedOut(instanceId: string): void {
    const state = this.runtime(instanceId).state;
    Object.assign(state, { account: null, qr: null, pairingCode: null, status: 'disconnected', error: null });
  }

  /**
   * The first step of a deletion: from now on the instance answers 404 and its engine is gone.
   * Answers the engine, already disposed.
   */
  async beginDelete(instanceId: string): Promise<void> {
    await this.withLock(instanceId, async (engine) => {
      const rt = this.runtime(instanceId);
      rt.deleting = true;
      await engine.dispose();
    });
  }

  /** The last step of a deletion: the runtime goes. */
  forget(instanceId: string): void {
    this.runtimes.delete(instanceId);
    this.opts.status.forget(instanceId);
  }

  /** Stops every engine (server shutdown); started instances start again at the next restore. */
  async stopAll(): Promise<void> {
    this.closing = true;
    await Promise.all(
      [...this.runtimes.values()].map((rt) =>
        rt.engine.stop().catch((err) => this.log.warn('engine did not stop cleanly', { instance: rt.state.id, error: describeError(err) })),
      ),
    );
    await this.opts.status.settled();
  }

  // --- internals -----------------------------------------------------------------------------

  private runtime(instanceId: string): Runtime {
    const rt = this.runtimes.get(instanceId);
    if (!rt || rt.deleting) throw notFound(`instance ${instanceId} not found`);
    return rt;
  }

  private dispatch(id: string, state: InstanceState, event: EngineEvent): void {
    const rt = this.runtimes.get(id);
    if (rt?.state !== state) return; // an engine of a deleted runtime
    if (event.type === 'qr') state.qr = event.qr;
    if (event.type === 'status') this.onStatus(id, rt, event.update);
    for (const handler of this.handlers[event.type] as Handler<typeof event.type>[]) {
      try {
        handler(id, event as never);
      } catch (err) {
        this.log.error('an engine event handler failed', { instance: id, event: event.type, error: describeError(err) });
      }
    }
  }

  private onStatus(id: string, rt: Runtime, update: StatusUpdate): void {
    const { state } = rt;
    const previous = state.status;
    const linkedBefore = state.account?.id ?? null;
    const recovering = rt.recovering;
    state.status = update.status;
    const deafError = recovering && update.status !== 'open' && state.lastDeafness ? `deaf (${state.lastDeafness.detail}); reconnecting` : null;
    state.error = update.error ?? deafError;
    state.pairingCode = update.status === 'connecting' ? (update.pairingCode ?? state.pairingCode) : null;
    if (update.status !== 'connecting') state.qr = null;
    if (update.webVersion) state.webVersion = update.webVersion;
    let accountChanged = false;
    if (update.status === 'open' && update.account) {
      accountChanged = state.account?.id !== update.account.id || state.account?.name !== update.account.name;
      state.account = { ...update.account };
    }
    const statusChanged = previous !== update.status;
    if (statusChanged || update.error) {
      this.log.info('instance status', { instance: id, status: update.status, ...(update.error ? { error: update.error } : {}) });
    }
    const opened = update.status === 'open' && previous !== 'open';
    if (opened && recovering) {
      rt.recovering = false;
      if (state.lastDeafness) state.lastDeafness = { ...state.lastDeafness, recoveredAt: (this.opts.now ?? Date.now)() };
    }
    const why = recovering ? { reason: 'deaf' as const, ...(state.error ? { error: state.error } : {}) } : {};
    if (accountChanged || statusChanged) this.opts.status.record(id, update, accountChanged, statusChanged, why);
    if (!opened) return;
    const firstLink = linkedBefore === null || linkedBefore !== (state.account?.id ?? null);
    for (const listener of this.opened) {
      try {
        listener(id, { firstLink });
      } catch (err) {
        this.log.error('an instance-opened listener failed', { instance: id, error: describeError(err) });
      }
    }
  }
}

/** A copy of an instance's state as of now (a reach-out timelock that is over is forgotten). */
function current(state: InstanceState): InstanceState {
  if (state.timelockUntil !== null && state.timelockUntil <= Date.now()) state.timelockUntil = null;
  return { ...state };
}
