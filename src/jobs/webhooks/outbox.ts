import { randomBytes } from 'node:crypto';
import type { EventSink, HatlineEvent } from '../../services/events.js';
import { GIVE_UP_AFTER_MS } from '../../services/settings/settings-service.js';
import type { SettingsStore } from '../../services/settings/settings-store.js';
import { gowaWebhookBody } from '../../services/webhooks/gowa-webhook.js';
import type { DbOrTrx } from '../../storage/db.js';
import { afterCommit } from '../../storage/transact.js';
import * as repo from '../../storage/webhooks-repo.js';

/**
 * The webhook outbox: `record` runs inside the transaction of the state change that caused the
 * event, so the event row exists exactly when the change does. Only events the instance's
 * webhook wants (enabled, a URL, the event subscribed) are written. The dispatcher is woken once
 * the transaction has committed (on a pool, a reader before the commit would not see the row).
 */
export class WebhookOutbox implements EventSink {
  /** Told once a recorded event is committed. */
  onRecorded: (instanceId: string) => void = () => undefined;

  constructor(
    private readonly settings: SettingsStore,
    private readonly now: () => number = Date.now,
    /** The account's JID of an instance, when linked (GoWA's `device_id`). */
    private readonly accountOf: (instanceId: string) => string | null = () => null,
  ) {}

  async record(trx: DbOrTrx, instanceId: string, e: HatlineEvent): Promise<void> {
    const s = await this.settings.get(instanceId, trx);
    if (!s || !s.webhookEnabled || !s.webhookUrl || !s.webhookEvents.includes(e.event)) return;
    const now = this.now();
    // The body is built now, in the instance's format, and kept: a retry sends the same bytes.
    let body: unknown = { event: e.event, data: e.data, timestamp: Math.floor(now / 1000), instance_id: instanceId };
    if (s.webhookFormat === 'gowa') {
      body = gowaWebhookBody(e, { deviceJid: this.accountOf(instanceId) ?? '', now, rejectCalls: s.rejectCalls });
      if (body === null) return; // GoWA has no such event
    }
    const payload = JSON.stringify(body);
    await repo.insertEvent(trx, {
      format: s.webhookFormat,
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
    });
    afterCommit(trx, () => this.onRecorded(instanceId));
  }
}
