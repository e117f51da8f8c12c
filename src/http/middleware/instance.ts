import type { Context, MiddlewareHandler } from 'hono';
import { assertOpen } from '../../services/instances/capability.js';
import type { InstanceService } from '../../services/instances/instance-service.js';
import type { AppEnv } from '../context.js';

export interface LoadInstanceOptions {
  /**
   * Whether the request holds the instance while it runs (default: always). A deletion waits for
   * the requests that hold it; the deletion request itself must not, or it would wait for itself.
   */
  holds?: (c: Context<AppEnv>) => boolean;
}

/**
 * Puts the instance named in the path on the context; 404 (once, here) when there is none, and
 * the same 404 when it is outside the principal's scope (so other instances' names cannot be probed).
 * The request holds the instance until it is done (`work` on the context): deleting the instance
 * first waits for it, so nothing it writes can outlive the instance's rows or media folder.
 */
export function loadInstance(instances: Pick<InstanceService, 'get' | 'enter'>, opts: LoadInstanceOptions = {}): MiddlewareHandler<AppEnv> {
  return async function instanceFromPath(c, next) {
    const id = c.req.param('instanceId');
    if (id === undefined) return next();
    c.set('instance', instances.get(id, c.get('principal')));
    // Both `/api/instance/:id` and `/api/instance/:id/*` may match one path: one lease is enough.
    if ((opts.holds && !opts.holds(c)) || c.get('work')) return next();
    const lease = instances.enter(id);
    c.set('work', lease);
    try {
      await next();
    } finally {
      lease.release();
    }
  };
}

/** For routes that talk to WhatsApp: 409 (once, here) while the instance is not connected. */
export const requireOpenInstance: MiddlewareHandler<AppEnv> = async function openInstance(c, next) {
  assertOpen(c.get('instance'));
  await next();
};
