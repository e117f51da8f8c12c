import type { CallsCapability } from '../../engine.js';
import { rejectCall } from '../page-account-ops.js';
import type { WwebjsOps } from './ops.js';

export function callsCapability(ops: WwebjsOps): CallsCapability {
  return {
    async reject(callId, from) {
      const { client } = ops.session.openClient();
      // The caller as WhatsApp Web named them when the call came in (a LID, for a migrated caller).
      const peer = ops.session.calls.peerOf(callId) ?? ops.session.ids.toLibraryChat(from);
      await ops.call('declining the call', () => rejectCall(client, peer, callId));
    },
  };
}
