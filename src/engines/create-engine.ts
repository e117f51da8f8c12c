import type { EngineName } from '../config.js';
import type { Engine, EngineContext } from './engine.js';
import type { SandboxNetwork } from './sandbox/network.js';
import { SandboxEngine } from './sandbox/sandbox-engine.js';

export interface EngineFactoryOptions {
  sandbox: SandboxNetwork;
  /** Builds a whatsapp-web.js engine; absent where the real engine is not wired (some tests). */
  wwebjs?: (ctx: EngineContext) => Engine;
}

export function engineFactory(opts: EngineFactoryOptions) {
  return (kind: EngineName, ctx: EngineContext): Engine => {
    if (kind === 'sandbox') return new SandboxEngine(ctx, opts.sandbox);
    if (!opts.wwebjs) throw new Error('the wwebjs engine is not available in this build');
    return opts.wwebjs(ctx);
  };
}
