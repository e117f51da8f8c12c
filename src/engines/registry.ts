/**
 * Every engine Hatline can run, by name: the one list read by the configuration
 * (DEFAULT_ENGINE), request validation (`engine` of a new instance), instance creation and the
 * dashboard (GET /api/engines). Adding an engine is one entry here.
 */
import type { Logger } from '../logger.js';
import type { Engine, EngineContext } from './engine.js';
import type { SandboxNetwork } from './sandbox/network.js';
import { SandboxEngine } from './sandbox/sandbox-engine.js';
import { createWwebjsEngine } from './wwebjs/index.js';

/** What engines need from the server to be built. */
export interface EngineDeps {
  sandbox: SandboxNetwork;
  chromiumPath: string | null;
  /** Where WhatsApp Web builds are recorded (DATA_DIR/wwebjs-web-versions). */
  webVersionCacheDir: string | null;
  /** WWEBJS_WEB_VERSION, or null for the live page. */
  webVersion: string | null;
  logger: Logger;
  /** Builds wwebjs engines instead of the real library (tests pass one over a fake Client). */
  wwebjs?: (ctx: EngineContext) => Engine;
}

interface EngineEntry {
  /** Shown in the dashboard and the API reference. */
  label: string;
  create(ctx: EngineContext, deps: EngineDeps): Engine;
}

export const ENGINES = {
  wwebjs: {
    label: 'WhatsApp Web (whatsapp-web.js, a real phone)',
    create: (ctx, deps) =>
      deps.wwebjs
        ? deps.wwebjs(ctx)
        : createWwebjsEngine(ctx, {
            chromiumPath: deps.chromiumPath,
            webVersionCacheDir: deps.webVersionCacheDir,
            webVersion: deps.webVersion,
            logger: deps.logger,
          }),
  },
  sandbox: {
    label: 'Sandbox (a simulated WhatsApp network inside the server)',
    create: (ctx, deps) => new SandboxEngine(ctx, deps.sandbox),
  },
} satisfies Record<string, EngineEntry>;

export type EngineName = keyof typeof ENGINES;
export const ENGINE_NAMES = Object.keys(ENGINES) as [EngineName, ...EngineName[]];

export function isEngineName(name: string): name is EngineName {
  return Object.hasOwn(ENGINES, name);
}

export function createEngine(name: EngineName, ctx: EngineContext, deps: EngineDeps): Engine {
  return ENGINES[name].create(ctx, deps);
}

/** The engines for a client to choose from: `{ name, label }`. */
export function engineList(): { name: EngineName; label: string }[] {
  return ENGINE_NAMES.map((name) => ({ name, label: ENGINES[name].label }));
}
