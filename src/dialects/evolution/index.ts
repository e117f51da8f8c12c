import type { Context } from 'hono';
import { AppError } from '../../errors.js';
import type { AppEnv } from '../../http/context.js';
import type { Services } from '../../http/deps.js';
import { VERSION } from '../../paths.js';
import { dialectHandlerFactory, dialectRouter, type DialectOptions } from '../kit.js';
import { chatRoutes } from './chat-routes.js';
import { configRoutes } from './config-routes.js';
import { errorAnswer } from './envelope.js';
import { groupRoutes } from './group-routes.js';
import { instanceRoutes } from './instance-routes.js';
import { evolutionRoutes, WAFIXER_BASE } from './route.js';
import { sendRoutes } from './send-routes.js';

export { EVOLUTION_ACCESS, WAFIXER_BASE } from './route.js';

/** The first segments of Evolution's paths (what a catch-all at the root may claim). */
export const EVOLUTION_GROUPS = ['instance', 'message', 'chat', 'group', 'label', 'proxy', 'template', 'webhook', 'settings'] as const;

export interface EvolutionOptions extends Omit<DialectOptions, 'errorAnswer' | 'tokenOf'> {
  /** EVOLUTION_PREFIX: where Evolution's own paths are ('' is the root). */
  prefix: string;
}

/**
 * Evolution API v2 (seed 000's proxy paths): `/{group}/{action}/{instanceName}` under seed 000's
 * `/api/wafixer` and under EVOLUTION_PREFIX, so a client configured with an Evolution server URL
 * works by changing the host (and a path, if any). The key is Evolution's `apikey` header (or any
 * native token place); answers, statuses and the nested error body are Evolution's.
 */
export function evolutionDialect(services: Services, opts: EvolutionOptions) {
  const r = dialectRouter();
  const handler = dialectHandlerFactory({ ...opts, errorAnswer });
  const route = evolutionRoutes(r, handler, services.instances, [
    { path: WAFIXER_BASE, tag: 'Evolution API (seed 000: /api/wafixer)' },
    { path: opts.prefix, tag: `Evolution API (EVOLUTION_PREFIX: ${opts.prefix || '/'})` },
  ]);

  instanceRoutes(route, services);
  sendRoutes(route, services);
  chatRoutes(route, services);
  groupRoutes(route, services);
  configRoutes(route, services);

  // Evolution's greeting, which clients call to test a server URL (at the root it is the dashboard's place).
  if (opts.prefix) {
    r.get(opts.prefix, (c) => c.json(welcome(), 200));
    r.get(`${opts.prefix}/`, (c) => c.json(welcome(), 200));
  }

  // Anything else under Evolution's paths answers in its shape: `Cannot POST /x`.
  const unknown = (c: Context<AppEnv>) => errorAnswer(c, new AppError('not_found', `Cannot ${c.req.method} ${c.req.path}`));
  r.all(`${WAFIXER_BASE}/*`, unknown);
  if (opts.prefix) r.all(`${opts.prefix}/*`, unknown);
  else for (const group of EVOLUTION_GROUPS) r.all(`/${group}/*`, unknown);
  return r;
}

function welcome() {
  return {
    status: 200,
    message: 'Welcome to the Evolution API, it is working! (served by Hatline, an Evolution API compatible server)',
    version: VERSION,
    clientName: 'hatline',
    manager: null,
    documentation: '/docs',
  };
}
