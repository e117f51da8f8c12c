/** The whatsapp-web.js engine: the only part of Hatline that imports whatsapp-web.js. */
import { silentLogger, type Logger } from '../../logger.js';
import type { Engine, EngineContext } from '../engine.js';
import { libraryClientFactory } from './client-factory.js';
import type { ClientFactory } from './library-types.js';
import { defaultTimings, type WwebjsTimings } from './supervisor.js';
import { WwebjsEngine } from './wwebjs-engine.js';

export { findChromium } from './chromium.js';
export { CHROMIUM_ARGS } from './client-factory.js';
export type { ClientFactory, ClientParams, WwebjsClient } from './library-types.js';
export { defaultTimings, type WwebjsTimings } from './supervisor.js';

export interface WwebjsEngineOptions {
  /** CHROMIUM_PATH, or null to auto-detect; checked when an instance starts. */
  chromiumPath: string | null;
  /** Flags added to Chromium's command line (a `--proxy-server=...`, say). */
  chromiumArgs?: readonly string[];
  logger?: Logger;
  /** Supervisor timings; tests make them short. */
  timings?: Partial<WwebjsTimings>;
  /** Builds the library client; tests pass a fake. Defaults to the real whatsapp-web.js Client. */
  clientFactory?: ClientFactory;
}

export function createWwebjsEngine(ctx: EngineContext, options: WwebjsEngineOptions): Engine {
  const log = (options.logger ?? silentLogger).child({ engine: 'wwebjs', instance: ctx.instanceId });
  const factory =
    options.clientFactory ??
    libraryClientFactory({ chromiumPath: options.chromiumPath, ...(options.chromiumArgs ? { extraArgs: options.chromiumArgs } : {}) });
  return new WwebjsEngine(ctx, factory, { ...defaultTimings, ...options.timings }, log);
}
