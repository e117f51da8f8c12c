import type { Capabilities, CapabilityName } from '../../engines/engine.js';
import { AppError } from '../../errors.js';
import type { InstanceRegistry } from './instance-registry.js';
import type { InstanceState } from './instance-state.js';

/** The one 409 for an instance that is not connected. */
export function assertOpen(state: InstanceState): InstanceState {
  if (state.status !== 'open') throw new AppError('not_connected', `instance ${state.id} is not connected (status: ${state.status})`);
  return state;
}

/** The state of an open instance: 404 for an unknown instance, 409 while it is not connected. */
export function requireOpen(registry: InstanceRegistry, instanceId: string): InstanceState {
  return assertOpen(registry.get(instanceId));
}

/**
 * A capability group of the instance's engine: the one place that answers 501 `unsupported`
 * (404 for an unknown instance first). `open` also requires the instance to be connected (409).
 */
export function capabilityOf<K extends CapabilityName>(registry: InstanceRegistry, instanceId: string, name: K, open = true): Capabilities[K] {
  const state = registry.get(instanceId);
  const group = registry.engine(instanceId)[name];
  if (!group) throw new AppError('unsupported', `the ${state.engine} engine of instance ${instanceId} cannot do this (no ${name} capability)`);
  if (open) requireOpen(registry, instanceId);
  return group as Capabilities[K];
}

/**
 * One operation of a capability group, for operations not every engine with the group has
 * (declared optional, `star?(...)`): 501 `unsupported` when this engine lacks it.
 */
export function operationOf<K extends CapabilityName, M extends keyof Capabilities[K] & string>(
  registry: InstanceRegistry,
  instanceId: string,
  name: K,
  method: M,
): NonNullable<Capabilities[K][M]> {
  const group = capabilityOf(registry, instanceId, name);
  const fn = group[method];
  if (typeof fn !== 'function') {
    throw new AppError('unsupported', `the ${registry.get(instanceId).engine} engine of instance ${instanceId} cannot do this (no ${name}.${method})`);
  }
  return (fn as (...args: unknown[]) => unknown).bind(group) as NonNullable<Capabilities[K][M]>;
}
