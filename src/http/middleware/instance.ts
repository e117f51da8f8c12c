import type { MiddlewareHandler } from 'hono';
import { assertOpen } from '../../services/instances/capability.js';
import type { InstanceService } from '../../services/instances/instance-service.js';
import type { AppEnv } from '../context.js';

/**
 * Puts the instance named in the path on the context; 404 (once, here) when there is none, and
 * the same 404 when it is outside the principal's scope (so other instances' names cannot be probed).
 */
export function loadInstance(instances: Pick<InstanceService, 'get'>): MiddlewareHandler<AppEnv> {
  return async function instanceFromPath(c, next) {
    const id = c.req.param('instanceId');
    if (id !== undefined) c.set('instance', instances.get(id, c.get('principal')));
    await next();
  };
}

/** For routes that talk to WhatsApp: 409 (once, here) while the instance is not connected. */
export const requireOpenInstance: MiddlewareHandler<AppEnv> = async function openInstance(c, next) {
  assertOpen(c.get('instance'));
  await next();
};
