import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { Account, StartOptions } from '../../engines/engine.js';
import { isEngineName, type EngineName } from '../../engines/registry.js';
import { AppError, conflict, describeError, notFound } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { instanceMediaDir } from '../../media/paths.js';
import { isUniqueViolation, type Db } from '../../storage/db.js';
import * as instancesRepo from '../../storage/instances-repo.js';
import { instanceRows } from '../../storage/leases-repo.js';
import { purgeInstance } from '../../storage/purge.js';
import type { InstanceRow } from '../../storage/schema.js';
import type { AuditRecorder } from '../access/audit.js';
import { canSee, SYSTEM, visibleTo, type Actor, type Principal } from '../access/principal.js';
import { requireOpen } from './capability.js';
import type { InstanceRegistry } from './instance-registry.js';
import { INSTANCE_ID, type InstanceState } from './instance-state.js';
import type { WorkLease } from './instance-work.js';
import type { QrImages } from './qr-image.js';
import type { StatusRecorder } from './status-recorder.js';

/**
 * What else must let go of an instance being deleted: `quiesce` stops its work and waits for what
 * is in flight (before its rows go), `forget` drops what is kept in memory (after).
 */
export interface DeletionHook {
  quiesce?(instanceId: string): Promise<void> | void;
  forget?(instanceId: string): void;
}

export interface InstanceServiceOptions {
  db: Db;
  registry: InstanceRegistry;
  status: StatusRecorder;
  qr: QrImages;
  defaultEngine: EngineName;
  mediaDir: string;
  logger: Logger;
  now: () => number;
  /** Where creations and deletions are recorded (the audit log). */
  audit?: AuditRecorder;
  /** Told of each instance created here (a node of a cluster may take it at once: Ownership.created). */
  onCreated?: (instanceId: string) => Promise<void>;
}

/** Instances: create, connect, restart, log out, delete, and bringing them back after a restart. */
/** How long an API that answers with a QR or pairing code waits for one (InstanceService.linking). */
export const LINK_WAIT_MS = 10_000;

export class InstanceService {
  private readonly hooks: DeletionHook[] = [];

  constructor(private readonly opts: InstanceServiceOptions) {}

  onDelete(hook: DeletionHook): void {
    this.hooks.push(hook);
  }

  /** Loads every instance (none starts: `resume` starts those this node serves). */
  async restore(): Promise<void> {
    for (const row of await instancesRepo.listInstances(this.opts.db)) this.load(row);
  }

  /** Knows a stored instance from now on (one created by another node); false when its engine cannot be built. */
  load(row: InstanceRow): boolean {
    if (this.opts.registry.has(row.id) || this.opts.registry.isDeleting(row.id)) return true;
    try {
      this.opts.registry.attach(row);
      return true;
    } catch (err) {
      this.opts.logger.error('instance could not be loaded', { instance: row.id, engine: row.engine, error: describeError(err) });
      return false;
    }
  }

  /**
   * Starts the instances this node serves from now on that were started before (null: every
   * instance, at the start of a server that serves them all). Resolves once they are taken on
   * (a request may use them from then on), with `started`, which resolves once they started.
   */
  async resume(instanceIds: readonly string[] | null): Promise<{ started: Promise<unknown> }> {
    const { registry } = this.opts;
    const rows = instanceIds === null ? await instancesRepo.listInstances(this.opts.db) : await instanceRows(this.opts.db, instanceIds);
    const starting = [];
    for (const row of rows) {
      if (!this.load(row)) continue;
      // Served elsewhere until now: it starts from what is stored, as after a restart.
      const run = instanceIds === null ? row.should_run === 1 : await registry.adopt(row);
      if (run) {
        starting.push(
          registry
            .withLock(row.id, () => registry.start(row.id, {}))
            .catch((err) => this.opts.logger.warn('instance did not start on restore', { instance: row.id, error: describeError(err) })),
        );
      }
    }
    return { started: Promise.all(starting) };
  }

  /** An instance deleted by another node: what is kept of it in memory goes too. */
  vanished(instanceId: string): void {
    if (!this.opts.registry.has(instanceId)) return;
    for (const hook of this.hooks) hook.forget?.(instanceId);
    this.opts.qr.forget(instanceId);
    this.opts.registry.forget(instanceId);
  }

  /** Every instance, or those `viewer` may see (an instance key: only its own). */
  list(viewer?: Principal): InstanceState[] {
    const all = this.opts.registry.list();
    return viewer ? visibleTo(viewer, all, (s) => s.id) : all;
  }

  /** The instance; 404 when there is none, and the same 404 when it is outside `viewer`'s scope. */
  get(instanceId: string, viewer?: Principal): InstanceState {
    if (viewer && !canSee(viewer, instanceId)) throw notFound(`instance ${instanceId} not found`);
    return this.opts.registry.get(instanceId);
  }

  /** The linked account; 409 while the instance is not connected. */
  account(instanceId: string): Account {
    const state = requireOpen(this.opts.registry, instanceId);
    if (!state.account) throw new AppError('not_connected', `instance ${instanceId} is not connected (status: ${state.status})`);
    return state.account;
  }

  async create(input: { id?: string | undefined; description?: string | undefined; engine?: string | undefined }, actor: Actor = SYSTEM): Promise<InstanceState> {
    const id = input.id ?? this.freshId();
    if (!INSTANCE_ID.test(id)) throw new AppError('bad_request', 'id: must be 1 to 64 characters of letters, digits, "_" or "-"');
    const engine = input.engine ?? this.opts.defaultEngine;
    if (!isEngineName(engine)) throw new AppError('bad_request', `engine: unknown engine "${engine}"`);
    if (this.opts.registry.isDeleting(id)) throw conflict(`instance ${id} is being deleted; create it again once the deletion is done`);
    if (this.opts.registry.has(id)) throw conflict(`instance ${id} already exists`);
    const now = this.opts.now();
    const row: InstanceRow = {
      id,
      description: input.description ?? '',
      engine,
      should_run: 0,
      account_id: null,
      account_name: null,
      account_phone: null,
      created_at: now,
      updated_at: now,
      group_id: null,
    };
    try {
      await instancesRepo.insertInstance(this.opts.db, row);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`instance ${id} already exists`);
      throw err;
    }
    // A deletion cut short by a crash (rows gone, folders not yet) must not hand its media or its
    // WhatsApp session to a new instance with the same id.
    await this.removeFolders(id);
    let state: InstanceState;
    try {
      state = this.opts.registry.attach(row);
    } catch (err) {
      await instancesRepo.deleteInstance(this.opts.db, id);
      throw new AppError('bad_request', `engine: ${describeError(err)}`);
    }
    await this.opts.audit?.record(actor, 'instance.create', { instanceId: id, detail: { engine, description: row.description } });
    await this.opts.onCreated?.(id);
    return state;
  }

  /** Starts connecting (a QR follows, or a pairing code for `pairingPhone`); a no-op when already connecting or open. */
  async connect(instanceId: string, options: StartOptions = {}): Promise<InstanceState> {
    const { registry } = this.opts;
    return registry.withLock(instanceId, async (engine, state) => {
      await instancesRepo.updateInstance(this.opts.db, instanceId, { should_run: 1 });
      if (options.pairingPhone && state.status !== 'disconnected') {
        if (state.status === 'open') throw conflict(`instance ${instanceId} is already connected`);
        await engine.stop(); // switching a QR attempt to pairing by phone: start over
      }
      await registry.start(instanceId, options);
      return registry.get(instanceId);
    });
  }

  /** Stops and starts the engine in the background; the session is kept. */
  restart(instanceId: string): void {
    const { registry } = this.opts;
    registry.get(instanceId);
    void registry
      .withLock(instanceId, async (engine) => {
        await instancesRepo.updateInstance(this.opts.db, instanceId, { should_run: 1 });
        await engine.stop();
        await registry.start(instanceId, {});
      })
      .catch((err) => this.opts.logger.warn('restart failed', { instance: instanceId, error: describeError(err) }));
  }

  /** Unlinks the account: the session is deleted and connecting again needs a new QR. */
  async logout(instanceId: string): Promise<void> {
    const { registry } = this.opts;
    await registry.withLock(instanceId, async (engine) => {
      await engine.logout();
      registry.loggedOut(instanceId);
      await instancesRepo.updateInstance(this.opts.db, instanceId, { should_run: 0, account_id: null, account_name: null, account_phone: null });
      await rm(registry.sessionDir(instanceId), { recursive: true, force: true });
    });
  }

  /**
   * Deletes the instance, quiescing it first: it answers 404 from the first step on and its engine
   * stops; then the requests under way on it end (uploads are cut off, the rest finish and answer),
   * its background work stops (sends still queued fail, jobs stop); then its rows go in batches
   * that never stall the server; then its session and media folders. Until the last step, creating
   * an instance with the same id is a 409.
   */
  async delete(instanceId: string, actor: Actor = SYSTEM): Promise<void> {
    const { registry } = this.opts;
    await registry.beginDelete(instanceId);
    await registry.drain(instanceId);
    await this.opts.audit?.record(actor, 'instance.delete', { instanceId });
    for (const hook of this.hooks) await hook.quiesce?.(instanceId);
    await this.opts.status.settled(instanceId);
    await purgeInstance(this.opts.db, instanceId);
    await this.removeFolders(instanceId);
    for (const hook of this.hooks) hook.forget?.(instanceId);
    this.opts.qr.forget(instanceId);
    registry.forget(instanceId);
  }

  /** Whether the instance exists (false from the first step of its deletion on). */
  exists(instanceId: string): boolean {
    return this.opts.registry.has(instanceId);
  }

  /**
   * Takes a lease on the instance for a request under way (see InstanceRegistry.enter): its
   * deletion waits until the request is done, and aborts the lease's signal meanwhile.
   */
  enter(instanceId: string): WorkLease {
    return this.opts.registry.enter(instanceId);
  }

  /**
   * Connects when the instance is not connected (a pairing by phone restarts a QR attempt), and
   * waits at most `timeoutMs` for what linking needs next: a QR code, a pairing code, or the open
   * session. Answers the state then, whatever it is (the caller says what is missing).
   */
  async linking(instanceId: string, options: StartOptions = {}, timeoutMs = LINK_WAIT_MS): Promise<InstanceState> {
    const before = this.get(instanceId);
    if (before.status === 'disconnected' || (options.pairingPhone && before.status === 'connecting' && !before.pairingCode)) {
      await this.connect(instanceId, options);
    }
    const ready = (s: InstanceState) => s.status === 'open' || s.status === 'disconnected' || (options.pairingPhone ? !!s.pairingCode : !!s.qr);
    const until = Date.now() + timeoutMs; // real time: a test clock may stand still
    let state = this.get(instanceId);
    while (!ready(state) && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      state = this.get(instanceId);
    }
    return state;
  }

  /** The QR code as a data URI while connecting (null otherwise), with the status. */
  async qrDataUri(instanceId: string): Promise<{ qrCode: string | null; status: InstanceState['status'] }> {
    const state = this.get(instanceId);
    const qrCode = state.qr && state.status === 'connecting' ? await this.opts.qr.dataUri(state.id, state.qr) : null;
    return { qrCode, status: state.status };
  }

  /** The QR code as a PNG while connecting; null otherwise. */
  async qrPng(instanceId: string): Promise<Buffer | null> {
    const state = this.get(instanceId);
    return state.qr && state.status === 'connecting' ? this.opts.qr.png(state.id, state.qr) : null;
  }

  private async removeFolders(instanceId: string): Promise<void> {
    await Promise.all([
      rm(this.opts.registry.sessionDir(instanceId), { recursive: true, force: true }),
      rm(instanceMediaDir(this.opts.mediaDir, instanceId), { recursive: true, force: true }),
    ]);
  }

  private freshId(): string {
    for (;;) {
      const id = `inst_${randomBytes(4).toString('hex')}`;
      if (!this.opts.registry.has(id) && !this.opts.registry.isDeleting(id)) return id;
    }
  }
}
