import type { Services } from '../http/deps.js';
import type { Gates } from '../http/gates.js';
import type { Logger } from '../logger.js';
import { conwpDialect } from './conwp/index.js';
import { evolutionDialect } from './evolution/index.js';
import { gowaDialect } from './gowa/index.js';
import { wonotifyDialect } from './wonotify/index.js';

/** Every dialect's router, in the order they are mounted (before the native middleware). */
export function dialects(services: Services, gates: Gates, logger: Logger, config: { conwpHourlyLimit: number; publicUrl: string; evolutionPrefix: string }, now?: () => number) {
  return [
    gowaDialect(services, { gates, logger, publicUrl: config.publicUrl, ...(now ? { now } : {}) }),
    wonotifyDialect(services, { gates, logger }),
    conwpDialect(services, { gates, logger, hourlyLimit: config.conwpHourlyLimit, ...(now ? { now } : {}) }),
    evolutionDialect(services, { gates, logger, prefix: config.evolutionPrefix }),
  ];
}
