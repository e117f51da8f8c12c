import { randomBytes } from 'node:crypto';
import type { EventSink, HatlineEvent } from '../../services/events.js';
import { GIVE_UP_AFTER_MS } from '../../services/settings/settings-service.js';
import type { SettingsStore } from '../../services/settings/settings-store.js';
import { gowaWebhookBody } from '../../services/webhooks/gowa-webhook.js';
import type { DbOrTrx } from '../../storage/db.js';
import { afterCommit } from '../../storage/transact.js';
import type { WebhookFormatValue } from '../../storage/schema.js';
import * as repo from '../../storage/webhooks-repo.js';
import type { EvolutionFormat } from './formats/evolution.js';

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
    /** Evolution API's format, for instances that chose it (webhookFormat `evolution`). */
    private readonly evolution?: EvolutionFormat,
  ) {}

  async record(trx: DbOrTrx, instanceId: string, e: HatlineEvent): Promise<void> {
    const s = await this.settings.get(instanceId, trx);
    if (!s || !s.webhookEnabled || !s.webhookUrl) return;
    // The body is built now, in the instance's format, and kept: a retry sends the same bytes.
    if (s.webhookFormat === 'evolution' && this.evolution) {
      // Evolution's own event choice (its names) decides, not webhookEvents.
      for (const f of await this.evolution.format(trx, instanceId, s, e)) await this.insert(trx, instanceId, 'evolution', f.event, f.payload);
      return;
    }
    if (!s.webhookEvents.includes(e.event)) return;
    if (s.webhookFormat === 'gowa') {
      const body = gowaWebhookBody(e, { deviceJid: this.accountOf(instanceId) ?? '', now: this.now(), rejectCalls: s.rejectCalls });
      if (body !== null) await this.insert(trx, instanceId, 'gowa', e.event, JSON.stringify(body)); // null: GoWA has no such event
      return;
    }
    const payload = JSON.stringify({ event: e.event, data: e.data, timestamp: Math.floor(this.now() / 1000), instance_id: instanceId });
    await this.insert(trx, instanceId, 'native', e.event, payload);
  }

  /**
   * Writes one event, its payload already made in `format`, to be delivered once the transaction
   * commits. The row keeps its format: it says how the delivery is signed and where it goes.
   */
  async insert(trx: DbOrTrx, instanceId: string, format: WebhookFormatValue, event: string, payload: string): Promise<void> {
    const now = this.now();
    await repo.insertEvent(trx, {
      format,
      instance_id: instanceId,
      webhook_id: `msg_${randomBytes(12).toString('hex')}`,
      event,
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
