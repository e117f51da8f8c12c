import type { UrlTrust } from '../../net/url-guard.js';
import type { Db, DbOrTrx } from '../../storage/db.js';
import { getSettings, newWebhookSecret, updateSettings } from '../../storage/settings-repo.js';
import type { SettingsRow, SettingsUpdate, WebhookFormatValue } from '../../storage/schema.js';
import { DEFAULT_EVENT_NAMES, EVENT_NAMES, type EventName } from '../events.js';

/** The formats a webhook receiver may choose: the seed's envelope (Standard Webhooks), GoWA's or Evolution API's. */
export type WebhookFormat = WebhookFormatValue;
export const WEBHOOK_FORMATS = ['native', 'gowa', 'evolution'] as const satisfies readonly WebhookFormat[];

/** Evolution API's webhook options, used when webhookFormat is `evolution`. */
export interface EvolutionWebhook {
  /** Evolution's event ids (MESSAGES_UPSERT, ...); null: every event. */
  events: string[] | null;
  /** Each event goes to `<webhookUrl>/<event-name>` (messages-upsert, ...). */
  byEvents: boolean;
  /** Media of messages.upsert inline as base64 (`message.base64`). */
  base64: boolean;
  /** Extra headers sent with every delivery. */
  headers: Record<string, string>;
  /** The instance token the owner chose to expose in webhooks (`apikey`) and fetchInstances; null: not exposed. */
  apikey: string | null;
  /** The key id of that token (revoked when the owner changes their mind). */
  apikeyId: string | null;
}

export interface InstanceSettings {
  webhookUrl: string;
  /** Who set webhookUrl: a `strict` URL is delivered to public addresses only (urlTrustOf). */
  webhookUrlTrust: UrlTrust;
  webhookEnabled: boolean;
  /** Milliseconds between two sends of the instance. */
  sendDelay: number;
  /** The events sent to the webhook. */
  webhookEvents: EventName[];
  webhookSecret: string;
  /** Whether chatbot rules answer incoming messages. */
  chatbotEnabled: boolean;
  /** Incoming calls are declined at once. */
  rejectCalls: boolean;
  /** Sent to a caller whose call was declined; '' sends nothing. */
  rejectCallsMessage: string;
  /** The body and signature webhooks are sent with: the seed's envelope (Standard Webhooks), GoWA's or Evolution's. */
  webhookFormat: WebhookFormat;
  evolution: EvolutionWebhook;
}

export type SettingsPatch = Partial<Omit<InstanceSettings, 'webhookSecret' | 'evolution'>> & { evolution?: Partial<EvolutionWebhook> };

function jsonOr<T>(text: string | null, fallback: T, valid: (v: unknown) => boolean): T {
  if (text === null) return fallback;
  try {
    const parsed = JSON.parse(text) as unknown;
    return valid(parsed) ? (parsed as T) : fallback;
  } catch {
    return fallback;
  }
}

function evolutionOf(row: SettingsRow): EvolutionWebhook {
  return {
    events: jsonOr<string[] | null>(row.evolution_events, null, (v) => Array.isArray(v)),
    byEvents: row.evolution_by_events === 1,
    base64: row.evolution_base64 === 1,
    headers: jsonOr<Record<string, string>>(row.evolution_headers, {}, (v) => v !== null && typeof v === 'object' && !Array.isArray(v)),
    apikey: row.evolution_apikey,
    apikeyId: row.evolution_apikey_id,
  };
}

function evolutionUpdate(patch: Partial<EvolutionWebhook>): SettingsUpdate {
  const set: SettingsUpdate = {};
  if (patch.events !== undefined) set.evolution_events = patch.events === null ? null : JSON.stringify(patch.events);
  if (patch.byEvents !== undefined) set.evolution_by_events = patch.byEvents ? 1 : 0;
  if (patch.base64 !== undefined) set.evolution_base64 = patch.base64 ? 1 : 0;
  if (patch.headers !== undefined) set.evolution_headers = Object.keys(patch.headers).length ? JSON.stringify(patch.headers) : null;
  if (patch.apikey !== undefined) set.evolution_apikey = patch.apikey;
  if (patch.apikeyId !== undefined) set.evolution_apikey_id = patch.apikeyId;
  return set;
}

function fromRow(row: SettingsRow): InstanceSettings {
  let events: EventName[] = [...DEFAULT_EVENT_NAMES];
  if (row.webhook_events) {
    try {
      const parsed = JSON.parse(row.webhook_events) as string[];
      events = EVENT_NAMES.filter((e) => parsed.includes(e));
    } catch {
      // keep the default events
    }
  }
  return {
    webhookUrl: row.webhook_url,
    webhookUrlTrust: row.webhook_url_trust,
    webhookEnabled: row.webhook_enabled === 1,
    sendDelay: row.send_delay,
    webhookEvents: events,
    webhookSecret: row.webhook_secret,
    chatbotEnabled: row.chatbot_enabled === 1,
    rejectCalls: row.reject_calls === 1,
    rejectCallsMessage: row.reject_calls_message,
    webhookFormat: (WEBHOOK_FORMATS as readonly string[]).includes(row.webhook_format) ? row.webhook_format : 'native',
    evolution: evolutionOf(row),
  };
}

/**
 * Per-instance settings, cached in memory: they are read on every send and every event, and only
 * this process writes them, so the cache is refreshed on each write.
 */
export class SettingsStore {
  private readonly cache = new Map<string, InstanceSettings>();

  constructor(private readonly db: Db) {}

  /** `db` is the transaction when called inside one, so the read sees what the transaction wrote. */
  async get(instanceId: string, db: DbOrTrx = this.db): Promise<InstanceSettings | null> {
    const hit = this.cache.get(instanceId);
    if (hit) return hit;
    const row = await getSettings(db, instanceId);
    if (!row) return null;
    const settings = fromRow(row);
    this.cache.set(instanceId, settings);
    return settings;
  }

  async update(instanceId: string, patch: SettingsPatch): Promise<InstanceSettings> {
    const set: SettingsUpdate = {};
    if (patch.webhookUrl !== undefined) set.webhook_url = patch.webhookUrl;
    if (patch.webhookUrlTrust !== undefined) set.webhook_url_trust = patch.webhookUrlTrust;
    if (patch.webhookEnabled !== undefined) set.webhook_enabled = patch.webhookEnabled ? 1 : 0;
    if (patch.sendDelay !== undefined) set.send_delay = patch.sendDelay;
    if (patch.chatbotEnabled !== undefined) set.chatbot_enabled = patch.chatbotEnabled ? 1 : 0;
    if (patch.rejectCalls !== undefined) set.reject_calls = patch.rejectCalls ? 1 : 0;
    if (patch.rejectCallsMessage !== undefined) set.reject_calls_message = patch.rejectCallsMessage;
    if (patch.webhookFormat !== undefined) set.webhook_format = patch.webhookFormat;
    if (patch.evolution !== undefined) Object.assign(set, evolutionUpdate(patch.evolution));
    if (patch.webhookEvents !== undefined) {
      // null is the default (the seed's three events); anything else is kept as chosen, in EVENT_NAMES order.
      const chosen = EVENT_NAMES.filter((e) => patch.webhookEvents!.includes(e));
      const isDefault = chosen.length === DEFAULT_EVENT_NAMES.length && DEFAULT_EVENT_NAMES.every((e) => chosen.includes(e));
      set.webhook_events = isDefault ? null : JSON.stringify(chosen);
    }
    await updateSettings(this.db, instanceId, set);
    this.cache.delete(instanceId);
    const fresh = await this.get(instanceId);
    if (!fresh) throw new Error(`settings of ${instanceId} vanished`);
    return fresh;
  }

  async rotateSecret(instanceId: string): Promise<string> {
    return this.setSecret(instanceId, newWebhookSecret());
  }

  async setSecret(instanceId: string, secret: string): Promise<string> {
    await updateSettings(this.db, instanceId, { webhook_secret: secret });
    this.cache.delete(instanceId);
    return secret;
  }

  forget(instanceId: string): void {
    this.cache.delete(instanceId);
  }
}
