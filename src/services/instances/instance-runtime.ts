import type { Engine, StatusUpdate } from '../../engines/engine.js';
import type { EngineName } from '../../engines/registry.js';
import { AppError } from '../../errors.js';
import type { InstanceRow } from '../../storage/schema.js';
import type { InstanceState } from './instance-state.js';

/** One instance in the registry: its live state and its engine. */
export interface Runtime {
  state: InstanceState;
  engine: Engine;
  /** Lifecycle operations of one instance run one after another. */
  lock: Promise<unknown>;
  /** Set once deletion began: the instance answers 404 from then on. */
  deleting: boolean;
  /** Set while liveness reconnects a deaf instance, until it is open again: its status events say why. */
  recovering: boolean;
}

/** The state of a stored instance whose engine has not started. */
export function initialState(row: InstanceRow): InstanceState {
  return {
    id: row.id,
    description: row.description,
    engine: row.engine as EngineName,
    status: 'disconnected',
    account: accountOf(row),
    error: null,
    pairingCode: null,
    qr: null,
    webVersion: null,
    timelockUntil: null,
    lastDeafness: null,
    createdAt: row.created_at,
    groupId: row.group_id === null ? null : Number(row.group_id),
  };
}

export function accountOf(row: InstanceRow): InstanceState['account'] {
  return row.account_id && row.account_phone ? { id: row.account_id, name: row.account_name ?? '', phone: row.account_phone } : null;
}

/**
 * Applies an engine's status report to the runtime's state; answers what changed: whether the
 * status or the account did, whether the instance just opened (and for a newly linked account),
 * and why, when liveness is reconnecting it (`reason: "deaf"`).
 */
export function applyStatus(rt: Runtime, update: StatusUpdate, now: () => number) {
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
  const opened = update.status === 'open' && previous !== 'open';
  if (opened && recovering) {
    rt.recovering = false;
    if (state.lastDeafness) state.lastDeafness = { ...state.lastDeafness, recoveredAt: now() };
  }
  return {
    statusChanged: previous !== update.status,
    accountChanged,
    opened,
    firstLink: linkedBefore === null || linkedBefore !== (state.account?.id ?? null),
    why: recovering ? { reason: 'deaf' as const, ...(state.error ? { error: state.error } : {}) } : {},
  };
}

/** A copy of an instance's state as of now (a reach-out timelock that is over is forgotten). */
export function current(state: InstanceState): InstanceState {
  if (state.timelockUntil !== null && state.timelockUntil <= Date.now()) state.timelockUntil = null;
  return { ...state };
}

/** What the node serving an instance tells the others of its live state (JSON in its lease row). */
type Snapshot = Pick<InstanceState, 'status' | 'error' | 'webVersion' | 'timelockUntil' | 'lastDeafness'>;

export function snapshotOf(state: InstanceState): string {
  const s: Snapshot = { status: state.status, error: state.error, webVersion: state.webVersion, timelockUntil: state.timelockUntil, lastDeafness: state.lastDeafness };
  return JSON.stringify(s);
}

/** Applies another node's word on an instance (null: nobody serves it now, so it is not connected). */
export function applySnapshot(state: InstanceState, json: string | null): void {
  let s: Partial<Snapshot> = {};
  try {
    s = json ? (JSON.parse(json) as Partial<Snapshot>) : {};
  } catch {
    s = {};
  }
  state.status = s.status === 'open' || s.status === 'connecting' ? s.status : 'disconnected';
  state.error = typeof s.error === 'string' ? s.error : null;
  state.webVersion = typeof s.webVersion === 'string' ? s.webVersion : state.webVersion;
  state.timelockUntil = typeof s.timelockUntil === 'number' ? s.timelockUntil : null;
  state.lastDeafness = s.lastDeafness && typeof s.lastDeafness === 'object' ? s.lastDeafness : state.lastDeafness;
  state.qr = null;
  state.pairingCode = null;
}

/** The answer for an instance another node serves, when a request reached this one anyway. */
export function servedElsewhere(instanceId: string): AppError {
  return new AppError('unavailable', `instance ${instanceId} is served by another node right now (it may be moving between nodes); try again`, { 'Retry-After': '5' });
}
