import type { CallEvent, SentMessage } from '../../engines/engine.js';
import { describeError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { WriteQueue } from '../../storage/write-batch.js';
import type { EventSink } from '../events.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import type { InboundMessages } from '../messages/inbound.js';
import type { SettingsStore } from '../settings/settings-store.js';

export interface CallEventsOptions {
  registry: InstanceRegistry;
  inbound: Pick<InboundMessages, 'enqueue'>;
  writes: WriteQueue;
  events: EventSink;
  settings: Pick<SettingsStore, 'get'>;
  /** Sends the instance's reply to a declined caller (through the send queue, stored like any send). */
  send: (instanceId: string, to: string, body: string) => Promise<SentMessage>;
  logger: Logger;
  now: () => number;
}

/**
 * Incoming calls: each one reported is the `call` webhook event; with the instance's `rejectCalls`
 * setting a ringing call is declined at once (a second `call` event, status `rejected`) and the
 * caller gets `rejectCallsMessage` when there is one.
 */
export function handleCalls(opts: CallEventsOptions): void {
  const { registry, inbound, writes, events, logger } = opts;
  const record = (instanceId: string, call: CallEvent) =>
    inbound.enqueue(instanceId, () =>
      writes.run((trx) =>
        events.record(trx, instanceId, {
          event: 'call',
          data: { id: call.id, from: call.from, isVideo: call.isVideo, isGroup: call.isGroup, status: call.status, timestamp: call.timestamp },
        }),
      ),
    );

  const decline = async (instanceId: string, call: CallEvent) => {
    const settings = await opts.settings.get(instanceId);
    if (!settings?.rejectCalls || !registry.has(instanceId)) return;
    const calls = registry.engine(instanceId).calls;
    if (!calls) return; // an engine that cannot decline calls lets them ring
    await calls.reject(call.id, call.from);
    record(instanceId, { ...call, status: 'rejected', timestamp: Math.floor(opts.now() / 1000) });
    if (settings.rejectCallsMessage && !call.isGroup) await opts.send(instanceId, call.from, settings.rejectCallsMessage);
  };

  registry.onEngineEvent('call', (instanceId, { call }) => {
    record(instanceId, call);
    if (call.status !== 'offer') return;
    decline(instanceId, call).catch((err: unknown) => logger.warn('could not decline a call', { instance: instanceId, call: call.id, error: describeError(err) }));
  });
}
