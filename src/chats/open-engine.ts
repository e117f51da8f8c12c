import type { Engine } from '../engines/engine.js';
import { AppError } from '../errors.js';
import type { InstanceManager } from '../instances/instance-manager.js';

/** The engine of an open instance: 404 for an unknown instance, 409 while it is not connected. */
export function openEngine(manager: InstanceManager, instanceId: string): Engine {
  const state = manager.get(instanceId);
  if (state.status !== 'open') {
    throw new AppError('not_connected', `instance ${instanceId} is not connected (status: ${state.status})`);
  }
  return manager.engine(instanceId);
}
