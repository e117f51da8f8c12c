import { randomBytes } from 'node:crypto';
import type { SettingsStore } from '../../instances/settings-store.js';
import type { EventSink, HatlineEvent } from '../../messaging/events.js';
import type { DbOrTrx } from '../../storage/db.js';

/** How long an event is retried before it is given up (`failed`). */
export const GIVE_UP_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * The webhook outbox: `record` runs inside the transaction of the state change that caused the
 * event, so the event row exists exactly when the change does. Only events the instance's
 * webhook wants (enabled, a URL, the event subscribed) are written.
 */
export class WebhookOutbox implements EventSink {
  /** Told after a write; the dispatcher's query waits for the transaction to commit (one connection). */
  onRecorded: (instanceId: string) => void = () => undefined;

  constructor(private readonly settings: SettingsStore) {}

  async record(trx: DbOrTrx, instanceId: string, e: HatlineEvent): Promise<void> {
    const s = await this.settings.get(instanceId, trx);
    if (!s || !s.webhookEnabled || !s.webhookUrl || !s.webhookEvents.includes(e.event)) return;
    const now = Date.now();
    const payload = JSON.stringify({ event: e.event, data: e.data, timestamp: Math.floor(now / 1000), instance_id: instanceId });
    await trx
      .insertInto('webhook_events')
      .values({
        instance_id: instanceId,
        webhook_id: `msg_${randomBytes(12).toString('hex')}`,
        event: e.event,
        payload,
        status: 'pending',
        created_at: now,
        next_attempt_at: now,
        expires_at: now + GIVE_UP_AFTER_MS,
        last_attempt_at: null,
        delivered_at: null,
        last_error: null,
        response_code: null,
        url: null,
      })
      .execute();
    this.onRecorded(instanceId);
  }
}
