import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { EngineName } from '../config.js';
import type {
  AckUpdate,
  Account,
  ConnectionStatus,
  Engine,
  EngineContext,
  EngineMessage,
  StartOptions,
  StatusUpdate,
} from '../engines/engine.js';
import { AppError, conflict, describeError, notFound } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Db } from '../storage/db.js';
import type { EventSink } from '../messaging/events.js';
import * as instancesRepo from '../storage/instances-repo.js';
import type { InstanceRow } from '../storage/schema.js';

export type EngineFactory = (kind: EngineName, ctx: EngineContext) => Engine;

/** What the API knows of an instance right now. */
export interface InstanceState {
  id: string;
  description: string;
  engine: EngineName;
  status: ConnectionStatus;
  account: Account | null;
  error: string | null;
  pairingCode: string | null;
  qr: string | null;
  createdAt: number;
}

export interface InstanceEvents {
  status: [instanceId: string, update: StatusUpdate, previous: ConnectionStatus];
  message: [instanceId: string, message: EngineMessage];
  ack: [instanceId: string, ack: AckUpdate];
  deleted: [instanceId: string];
}

interface Runtime {
  state: InstanceState;
  engine: Engine;
  /** Lifecycle operations of one instance run one after another. */
  lock: Promise<unknown>;
}

export const INSTANCE_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface InstanceManagerOptions {
  db: Db;
  dataDir: string;
  mediaDir: string;
  createEngine: EngineFactory;
  logger: Logger;
  /** Where connection_status events are recorded (the webhook outbox). */
  events?: EventSink;
}

/**
 * Owns every instance's engine and live state: create, connect, restart, logout, delete, and
 * bringing started instances back after a server restart. Engine events are re-emitted with the
 * instance id for the message store, webhooks and jobs.
 */
export class InstanceManager extends EventEmitter<InstanceEvents> {
  private readonly runtimes = new Map<string, Runtime>();
  private readonly db: Db;
  private readonly log: Logger;
  private closing = false;
  /** Per instance, status writes (account, connection_status event) in the order they happened. */
  private readonly statusWrites = new Map<string, Promise<void>>();

  constructor(private readonly opts: InstanceManagerOptions) {
    super();
    this.db = opts.db;
    this.log = opts.logger;
  }

  sessionDir(instanceId: string): string {
    return path.join(this.opts.dataDir, 'sessions', instanceId);
  }

  mediaDir(instanceId: string): string {
    return path.join(this.opts.mediaDir, instanceId);
  }

  /** Loads every instance and starts those that were started before the last shutdown. */
  async restore(): Promise<void> {
    const rows = await instancesRepo.listInstances(this.db);
    const attached = rows.filter((row) => {
      try {
        this.attach(row);
        return true;
      } catch (err) {
        this.log.error('instance could not be loaded', { instance: row.id, engine: row.engine, error: describeError(err) });
        return false;
      }
    });
    await Promise.all(
      attached
        .filter((row) => row.should_run === 1)
        .map((row) =>
          this.withLock(row.id, (rt) => this.startEngine(rt, {})).catch((err) =>
            this.log.warn('instance did not start on restore', { instance: row.id, error: describeError(err) }),
          ),
        ),
    );
  }

  list(): InstanceState[] {
    return [...this.runtimes.values()].map((rt) => ({ ...rt.state }));
  }

  has(instanceId: string): boolean {
    return this.runtimes.has(instanceId);
  }

  /** The live state; 404 when there is no such instance. */
  get(instanceId: string): InstanceState {
    return { ...this.runtime(instanceId).state };
  }

  /** The instance's engine, for routes that talk to WhatsApp; 404 when there is no such instance. */
  engine(instanceId: string): Engine {
    return this.runtime(instanceId).engine;
  }

  async create(input: { id?: string; description?: string; engine: EngineName }): Promise<InstanceState> {
    const id = input.id ?? this.freshId();
    if (!INSTANCE_ID.test(id)) {
      throw new AppError('bad_request', 'id: must be 1 to 64 characters of letters, digits, "_" or "-"');
    }
    if (this.runtimes.has(id)) throw conflict(`instance ${id} already exists`);
    const now = Date.now();
    const row: InstanceRow = {
      id,
      description: input.description ?? '',
      engine: input.engine,
      should_run: 0,
      account_id: null,
      account_name: null,
      account_phone: null,
      created_at: now,
      updated_at: now,
    };
    try {
      await instancesRepo.insertInstance(this.db, row);
    } catch (err) {
      if (/UNIQUE|PRIMARY KEY/i.test(describeError(err))) throw conflict(`instance ${id} already exists`);
      throw err;
    }
    try {
      return { ...this.attach(row).state };
    } catch (err) {
      await instancesRepo.deleteInstance(this.db, id);
      throw new AppError('bad_request', `engine: ${describeError(err)}`);
    }
  }

  /** Starts connecting (a QR follows); a no-op when already connecting or open. */
  async connect(instanceId: string, options: StartOptions = {}): Promise<InstanceState> {
    return this.withLock(instanceId, async (rt) => {
      await instancesRepo.updateInstance(this.db, instanceId, { should_run: 1 });
      if (options.pairingPhone && rt.state.status !== 'disconnected') {
        if (rt.state.status === 'open') throw conflict(`instance ${instanceId} is already connected`);
        // Switching a QR attempt to pairing by phone: start over.
        await rt.engine.stop();
      }
      await this.startEngine(rt, options);
      return { ...rt.state };
    });
  }

  /** Stops and starts the engine in the background; the session is kept. */
  restart(instanceId: string): void {
    this.runtime(instanceId);
    void this.withLock(instanceId, async (rt) => {
      await instancesRepo.updateInstance(this.db, instanceId, { should_run: 1 });
      await rt.engine.stop();
      await this.startEngine(rt, {});
    }).catch((err) => this.log.warn('restart failed', { instance: instanceId, error: describeError(err) }));
  }

  /** Unlinks the account: the session is deleted and connecting again needs a new QR. */
  async logout(instanceId: string): Promise<void> {
    await this.withLock(instanceId, async (rt) => {
      await rt.engine.logout();
      rt.state.account = null;
      rt.state.qr = null;
      rt.state.pairingCode = null;
      rt.state.status = 'disconnected';
      rt.state.error = null;
      await instancesRepo.updateInstance(this.db, instanceId, {
        should_run: 0,
        account_id: null,
        account_name: null,
        account_phone: null,
      });
      await rm(this.sessionDir(instanceId), { recursive: true, force: true });
    });
  }

  /** Deletes the instance: its engine, its rows (messages and all), its media and session folders. */
  async delete(instanceId: string): Promise<void> {
    await this.withLock(instanceId, async (rt) => {
      await rt.engine.dispose();
      await instancesRepo.deleteInstance(this.db, instanceId);
      this.runtimes.delete(instanceId);
      this.statusWrites.delete(instanceId);
      this.emit('deleted', instanceId);
      await Promise.all([
        rm(this.sessionDir(instanceId), { recursive: true, force: true }),
        rm(this.mediaDir(instanceId), { recursive: true, force: true }),
      ]);
    });
  }

  /** Stops every engine (server shutdown); started instances start again at the next restore. */
  async stopAll(): Promise<void> {
    this.closing = true;
    await Promise.all(
      [...this.runtimes.values()].map((rt) =>
        rt.engine.stop().catch((err) => this.log.warn('engine did not stop cleanly', { instance: rt.state.id, error: describeError(err) })),
      ),
    );
    await this.settled();
  }

  // --- internals -----------------------------------------------------------------------------

  private runtime(instanceId: string): Runtime {
    const rt = this.runtimes.get(instanceId);
    if (!rt) throw notFound(`instance ${instanceId} not found`);
    return rt;
  }

  private freshId(): string {
    for (;;) {
      const id = `inst_${randomBytes(4).toString('hex')}`;
      if (!this.runtimes.has(id)) return id;
    }
  }

  private async startEngine(rt: Runtime, options: StartOptions): Promise<void> {
    if (this.closing) return;
    rt.state.error = null;
    rt.state.pairingCode = null;
    try {
      await rt.engine.start(options);
    } catch (err) {
      rt.state.status = 'disconnected';
      rt.state.error = describeError(err);
      throw new AppError('upstream_failed', `instance ${rt.state.id} could not start: ${rt.state.error}`);
    }
  }

  private withLock<T>(instanceId: string, fn: (rt: Runtime) => Promise<T>): Promise<T> {
    const rt = this.runtime(instanceId);
    const run = rt.lock.then(() => {
      if (this.runtimes.get(instanceId) !== rt) throw notFound(`instance ${instanceId} not found`);
      return fn(rt);
    });
    rt.lock = run.catch(() => undefined);
    return run;
  }

  private attach(row: InstanceRow): Runtime {
    const account: Account | null =
      row.account_id && row.account_phone
        ? { id: row.account_id, name: row.account_name ?? '', phone: row.account_phone }
        : null;
    const state: InstanceState = {
      id: row.id,
      description: row.description,
      engine: row.engine as EngineName,
      status: 'disconnected',
      account,
      error: null,
      pairingCode: null,
      qr: null,
      createdAt: row.created_at,
    };
    const id = row.id;
    const ctx: EngineContext = {
      instanceId: id,
      sessionDir: this.sessionDir(id),
      listener: {
        qr: (qr) => {
          state.qr = qr;
        },
        status: (update) => this.onStatus(id, state, update),
        message: (message) => this.emit('message', id, message),
        ack: (ack) => this.emit('ack', id, ack),
      },
    };
    const rt: Runtime = { state, engine: this.opts.createEngine(row.engine as EngineName, ctx), lock: Promise.resolve() };
    this.runtimes.set(id, rt);
    return rt;
  }

  private onStatus(id: string, state: InstanceState, update: StatusUpdate): void {
    const previous = state.status;
    state.status = update.status;
    state.error = update.error ?? null;
    state.pairingCode = update.status === 'connecting' ? (update.pairingCode ?? state.pairingCode) : null;
    if (update.status !== 'connecting') state.qr = null;
    let accountChanged = false;
    if (update.status === 'open' && update.account) {
      accountChanged = state.account?.id !== update.account.id || state.account?.name !== update.account.name;
      state.account = { ...update.account };
    }
    const statusChanged = previous !== update.status;
    if (statusChanged || update.error) {
      this.log.info('instance status', { instance: id, status: update.status, ...(update.error ? { error: update.error } : {}) });
    }
    if (accountChanged || statusChanged) this.writeStatus(id, update, accountChanged, statusChanged);
    this.emit('status', id, update, previous);
  }

  /** Saves a new account and records the connection_status event, in one transaction. */
  private writeStatus(id: string, update: StatusUpdate, accountChanged: boolean, statusChanged: boolean): void {
    const account = update.account;
    const write = async () => {
      if (!this.runtimes.has(id)) return;
      await this.db.transaction().execute(async (trx) => {
        if (accountChanged && account) {
          await instancesRepo.updateInstance(trx, id, { account_id: account.id, account_name: account.name, account_phone: account.phone });
        }
        if (statusChanged && this.opts.events) {
          const status = update.status === 'open' ? 'connected' : update.status;
          await this.opts.events.record(trx, id, {
            event: 'connection_status',
            data: {
              status,
              ...(update.status === 'open' && account ? { account: { id: account.id, name: account.name, phone: account.phone } } : {}),
              ...(update.error ? { error: update.error } : {}),
            },
          });
        }
      });
    };
    const next = (this.statusWrites.get(id) ?? Promise.resolve())
      .then(write)
      .catch((err) => this.log.warn('could not record a status change', { instance: id, error: describeError(err) }));
    this.statusWrites.set(id, next);
  }

  /** Waits for the status writes made so far (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all(this.statusWrites.values());
  }
}
