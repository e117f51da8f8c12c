import path from 'node:path';
import type { Engine, EngineContext, EngineEvent, EngineEventType, StartOptions, StatusUpdate } from '../../engines/engine.js';
import { createEngine, type EngineDeps } from '../../engines/registry.js';
import { AppError, describeError, notFound } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { InstanceRow } from '../../storage/schema.js';
import { accountOf, applySnapshot, applyStatus, current, initialState, servedElsewhere, type Runtime } from './instance-runtime.js';
import type { DeafReason, InstanceState } from './instance-state.js';
import { InstanceWork, type WorkLease } from './instance-work.js';
import type { StatusRecorder } from './status-recorder.js';

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
  /** Whether this node serves an instance (services/cluster/ownership.ts); every instance when left out. */
  owns?: (instanceId: string) => boolean;
}

/**
 * Every instance's engine and live state, and the one place engine events come in: `qr` and
 * `status` update the state here, then every event goes to the handlers registered for its type
 * (the message store, the chat store, the jobs). Lifecycle calls of one instance are serialised.
 *
 * Every node knows every instance, but runs the engines only of those it serves (`owns`): an
 * engine, a lifecycle call or a start of an instance served elsewhere answers 503 here, once.
 * The state of those comes from their node (`observe`).
 */
export class InstanceRegistry {
  private readonly runtimes = new Map<string, Runtime>();
  private readonly handlers: Partial<Handlers> = {};
  private readonly opened: OpenedListener[] = [];
  private readonly log: Logger;
  private readonly work = new InstanceWork();
  private closing = false;

  constructor(private readonly opts: InstanceRegistryOptions) {
    this.log = opts.logger;
  }

  /** Subscribes to one type of engine event, for every instance. */
  onEngineEvent<K extends EngineEventType>(type: K, handler: Handler<K>): void {
    ((this.handlers[type] ??= []) as Handler<K>[]).push(handler);
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

  /** Whether this node serves the instance: its engine runs here, and so does all its background work. */
  owns(instanceId: string): boolean {
    return this.opts.owns ? this.opts.owns(instanceId) : true;
  }

  /** The instances this node serves: what jobs walk over. */
  serving(): InstanceState[] {
    return this.list().filter((s) => this.owns(s.id));
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

  /** The instance's engine; 503 when another node serves the instance. */
  engine(instanceId: string): Engine {
    const rt = this.runtime(instanceId);
    if (!this.owns(instanceId)) throw servedElsewhere(instanceId);
    return rt.engine;
  }

  /** Builds the runtime of a stored instance (not started). */
  attach(row: InstanceRow): InstanceState {
    const rt: Runtime = { ...this.build(initialState(row)), lock: Promise.resolve(), deleting: false, recovering: false };
    this.runtimes.set(row.id, rt);
    return { ...rt.state };
  }

  /**
   * Runs a lifecycle operation after the ones before it; 404 once the instance is gone, 503 while
   * another node serves it (its engine is not here to start, stop or log out).
   */
  withLock<T>(instanceId: string, fn: (engine: Engine, state: InstanceState) => Promise<T>): Promise<T> {
    const rt = this.runtime(instanceId);
    return this.locked(rt, () => {
      if (this.runtimes.get(instanceId) !== rt || rt.deleting) throw notFound(`instance ${instanceId} not found`);
      if (!this.owns(instanceId)) throw servedElsewhere(instanceId);
      return fn(rt.engine, rt.state);
    });
  }

  /**
   * This node serves the instance from now on (it was served elsewhere, or nowhere): it starts
   * from what is stored (`row`), disconnected, with an engine that never ran here. Answers
   * whether the engine should start (it was started before), after the operations before it.
   */
  async adopt(row: InstanceRow): Promise<boolean> {
    if (!this.runtimes.has(row.id)) this.attach(row);
    const rt = this.runtimes.get(row.id)!;
    return this.locked(rt, async () => {
      if (rt.deleting || this.runtimes.get(row.id) !== rt) return false;
      // Nothing ran here since the last release, but dispose what there may be (first: a sandbox
      // engine leaves the simulated network under its id, which the new one then joins).
      await rt.engine.dispose().catch(() => undefined);
      Object.assign(rt, this.build({ ...initialState(row), lastDeafness: rt.state.lastDeafness }), { recovering: false });
      return row.should_run === 1;
    });
  }

  /**
   * Another node serves the instance from now on: the engine stops (no logout: the session stays
   * for the next node) and whatever it still reports is ignored; the state says disconnected until
   * its new node says otherwise.
   */
  async release(instanceId: string): Promise<void> {
    const rt = this.runtimes.get(instanceId);
    if (!rt) return;
    await this.locked(rt, async () => {
      if (rt.deleting || this.runtimes.get(instanceId) !== rt) return;
      const old = rt.engine;
      // A new state object: the old engine's events no longer reach anything (dispatch compares it).
      Object.assign(rt, this.build({ ...rt.state, status: 'disconnected', qr: null, pairingCode: null, error: null }), { recovering: false });
      await old.stop().catch((err) => this.log.warn('engine did not stop cleanly on handing the instance over', { instance: instanceId, error: describeError(err) }));
    });
  }

  /** What the node serving an instance says of it (its lease's state), and what is stored of it (`row`). */
  observe(row: InstanceRow, snapshot: string | null): void {
    const rt = this.runtimes.get(row.id);
    if (!rt || rt.deleting) return;
    rt.state.description = row.description;
    rt.state.groupId = row.group_id === null ? null : Number(row.group_id);
    if (this.owns(row.id)) return;
    rt.state.account = accountOf(row);
    applySnapshot(rt.state, snapshot);
  }

  /** Starts the engine; a failure to start is a 502 and leaves the instance disconnected. */
  async start(instanceId: string, options: StartOptions): Promise<void> {
    if (this.closing) return;
    const rt = this.runtime(instanceId);
    if (!this.owns(instanceId)) throw servedElsewhere(instanceId);
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

  /** Resolves once the status changes of an instance seen so far are stored (their `connection_status` events written). */
  statusWritten(instanceId: string): Promise<void> {
    return this.opts.status.settled(instanceId);
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

  /** A new state object and an engine bound to it (not started). */
  private build(state: InstanceState): Pick<Runtime, 'state' | 'engine'> {
    const id = state.id;
    const ctx: EngineContext = { instanceId: id, sessionDir: this.sessionDir(id), emit: (event) => this.dispatch(id, state, event) };
    return { state, engine: createEngine(state.engine, ctx, this.opts.engines) };
  }

  private locked<T>(rt: Runtime, fn: () => Promise<T>): Promise<T> {
    const run = rt.lock.then(fn);
    rt.lock = run.catch(() => undefined);
    return run;
  }

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
    for (const handler of (this.handlers[event.type] ?? []) as Handler<typeof event.type>[]) {
      try {
        handler(id, event as never);
      } catch (err) {
        this.log.error('an engine event handler failed', { instance: id, event: event.type, error: describeError(err) });
      }
    }
  }

  private onStatus(id: string, rt: Runtime, update: StatusUpdate): void {
    const { statusChanged, accountChanged, opened, firstLink, why } = applyStatus(rt, update, this.opts.now ?? Date.now);
    if (statusChanged || update.error) {
      this.log.info('instance status', { instance: id, status: update.status, ...(update.error ? { error: update.error } : {}) });
    }
    if (accountChanged || statusChanged) this.opts.status.record(id, update, accountChanged, statusChanged, why);
    if (!opened) return;
    for (const listener of this.opened) {
      try {
        listener(id, { firstLink });
      } catch (err) {
        this.log.error('an instance-opened listener failed', { instance: id, error: describeError(err) });
      }
    }
  }
}
