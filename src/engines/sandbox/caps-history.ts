import type { HistoryCapability } from '../engine.js';
import type { SandboxSelf } from './sandbox-self.js';

/**
 * What the simulated phone holds, read on demand (issue 19: liveness and backfill). The probe
 * tells what a session knows on its own: a deaf session in `silent` mode still says its event
 * bridge is fine, so that only the newest message it holds, set against what Hatline was told,
 * gives it away; in `bridge_down` mode it says the bridge is broken, as the real engine does when
 * the page's event hooks are gone.
 */
export function historyCapability(engine: SandboxSelf): HistoryCapability {
  return {
    async probe() {
      engine.requireOpen();
      return { bridge: engine.deafness !== 'bridge_down', newestAt: engine.phone.newestAt() };
    },
    async recentChats(since, limit) {
      engine.requireOpen();
      return engine.phone.recentChats(since, limit);
    },
    async messagesSince(chatId, since, limit) {
      engine.requireOpen();
      return engine.phone.messagesSince(chatId, since, limit);
    },
  };
}
