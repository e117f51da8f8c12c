import type { CallEvent, SentMessage } from '../../engines/engine.js';
import { describeError, notFound } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { WriteQueue } from '../../storage/write-batch.js';
import type { EventSink } from '../events.js';
import { capabilityOf } from '../instances/capability.js';
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

/** How many ringing calls are remembered at most (a call rings a minute or so: only a flood fills it). */
const MAX_RINGING = 1000;

/** Acting on incoming calls on a client's word. */
export interface CallControl {
  /**
   * Declines a call that rings now: the same `call` event (status `rejected`) as a decline by
   * `rejectCalls`. 404 when no call `callId` from `from` rings (ended, declined, or never seen).
   */
  reject(instanceId: string, callId: string, from: string): Promise<void>;
}

/**
 * Incoming calls: each one reported is the `call` webhook event; with the instance's `rejectCalls`
 * setting a ringing call is declined at once (a second `call` event, status `rejected`) and the
 * caller gets `rejectCallsMessage` when there is one. A client may decline a ringing call itself
 * (the answer's `reject`).
 */
export function handleCalls(opts: CallEventsOptions): CallControl {
  const { registry, inbound, writes, events, logger } = opts;
  const ringing = new Map<string, CallEvent>();
  const keyOf = (instanceId: string, callId: string) => `${instanceId}\n${callId}`;
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
    ringing.delete(keyOf(instanceId, call.id));
    record(instanceId, { ...call, status: 'rejected', timestamp: Math.floor(opts.now() / 1000) });
    if (settings.rejectCallsMessage && !call.isGroup) await opts.send(instanceId, call.from, settings.rejectCallsMessage);
  };

  registry.onEngineEvent('call', (instanceId, { call }) => {
    record(instanceId, call);
    const key = keyOf(instanceId, call.id);
    if (call.status !== 'offer') {
      ringing.delete(key);
      return;
    }
    ringing.set(key, call);
    if (ringing.size > MAX_RINGING) ringing.delete(ringing.keys().next().value!);
    decline(instanceId, call).catch((err: unknown) => logger.warn('could not decline a call', { instance: instanceId, call: call.id, error: describeError(err) }));
  });

  return {
    async reject(instanceId, callId, from) {
      const calls = capabilityOf(registry, instanceId, 'calls'); // 404, 501, 409 first
      const key = keyOf(instanceId, callId);
      const call = ringing.get(key);
      // Only a call seen ringing: its event needs what the offer said (video, group).
      if (!call || call.from !== from) throw notFound(`no call ${callId} from ${from} is ringing`);
      await calls.reject(callId, from);
      ringing.delete(key);
      record(instanceId, { ...call, status: 'rejected', timestamp: Math.floor(opts.now() / 1000) });
    },
  };
}
