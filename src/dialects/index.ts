import type { Context } from 'hono';
import type { AppEnv } from '../http/context.js';
import type { Services } from '../http/deps.js';
import type { Gates } from '../http/gates.js';
import { forwardToOwner, type InstanceOfRequest } from '../http/middleware/forward.js';
import type { Logger } from '../logger.js';
import { paramsOf, stringParam } from './kit.js';
import { conwpDialect } from './conwp/index.js';
import { evolutionDialect } from './evolution/index.js';
import { gowaDialect } from './gowa/index.js';
import { wonotifyDialect } from './wonotify/index.js';

/**
 * Where each dialect names the instance a request is for, so that a request for another node's
 * instance is answered there (read before the token is checked: the owner checks it). A GoWA or
 * conwp request that names none is for the key's only instance: it is forwarded once the token is
 * known (`onlyInstance`).
 */
function instanceOfRequest(services: Services): Record<'gowa' | 'wonotify' | 'conwp' | 'evolution', InstanceOfRequest> {
  return {
    // X-Device-Id (or ?device_id=): an instance id, or the JID of the account linked to one.
    gowa: (c) => {
      const wanted = decoded(c.req.header('x-device-id')?.trim() || c.req.query('device_id')?.trim());
      if (!wanted) return undefined;
      const all = services.instances.list();
      if (all.some((s) => s.id === wanted)) return wanted;
      const bare = wanted.replace(/:\d+(?=@)/, '');
      return all.find((s) => s.account && (s.account.id === bare || s.account.phone === bare.split('@')[0]))?.id;
    },
    wonotify: async (c: Context<AppEnv>) => stringParam((await paramsOf(c)).instance_id),
    conwp: async (c: Context<AppEnv>) => stringParam((await paramsOf(c)).device),
    evolution: (c) => c.req.param('instanceName'),
  };
}

function decoded(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Every dialect's router, in the order they are mounted (before the native middleware). */
export function dialects(services: Services, gates: Gates, logger: Logger, config: { conwpHourlyLimit: number; publicUrl: string; evolutionPrefix: string }, now?: () => number) {
  const log = logger.child({ component: 'forward' });
  const places = instanceOfRequest(services);
  const forward = (dialect: keyof typeof places) => forwardToOwner(services.cluster, log, places[dialect]);
  // Named none: the only instance the key sees, as the dialect's handlers pick it (gowa/device.ts, conwp's `device`).
  const onlyInstance = (dialect: keyof typeof places) =>
    forwardToOwner(services.cluster, log, async (c) => {
      if (await places[dialect](c)) return undefined; // named: forwarded before the token was checked
      const visible = services.instances.list(c.get('principal'));
      return visible.length === 1 ? visible[0]!.id : undefined;
    });
  return [
    gowaDialect(services, { gates, logger, publicUrl: config.publicUrl, forward: forward('gowa'), forwardAfterAuth: onlyInstance('gowa'), ...(now ? { now } : {}) }),
    wonotifyDialect(services, { gates, logger, forward: forward('wonotify') }),
    conwpDialect(services, { gates, logger, hourlyLimit: config.conwpHourlyLimit, forward: forward('conwp'), forwardAfterAuth: onlyInstance('conwp'), ...(now ? { now } : {}) }),
    evolutionDialect(services, { gates, logger, prefix: config.evolutionPrefix, forward: forward('evolution') }),
  ];
}
