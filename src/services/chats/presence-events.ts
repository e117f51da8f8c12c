import type { WriteQueue } from '../../storage/write-batch.js';
import type { EventSink } from '../events.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';

/**
 * Presence (typing, recording, paused; online and offline) as engines report it: nothing is
 * stored, it only becomes the `presence_update` webhook event (written only for webhooks that
 * chose it, like every event).
 */
export function recordPresenceEvents(registry: InstanceRegistry, writes: WriteQueue, events: EventSink): void {
  registry.onEngineEvent('presence', (instanceId, { presence }) => {
    void writes
      .run((trx) =>
        events.record(trx, instanceId, {
          event: 'presence_update',
          data: {
            chatId: presence.chatId,
            from: presence.from,
            state: presence.state,
            ...(presence.lastSeen !== undefined ? { lastSeen: presence.lastSeen } : {}),
          },
        }),
      )
      .catch(() => undefined); // a deleted instance's presence: nothing to record
  });
}
