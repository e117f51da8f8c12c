import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/** An instance's settings and its webhook outbox (see schema.ts for the conventions). */

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** Who stands behind a URL kept for later (src/net/url-guard.ts, UrlTrust). */
export type UrlTrustValue = 'operator' | 'strict';

/** The body a webhook receiver gets (migrations 011, 012): the seed's envelope, GoWA's or Evolution API's. */
export type WebhookFormatValue = 'native' | 'gowa' | 'evolution';

export interface SettingsTable {
  instance_id: string;
  webhook_url: Generated<string>;
  webhook_enabled: Generated<number>;
  send_delay: Generated<number>;
  /** JSON array of event names; null = every event. */
  webhook_events: string | null;
  /** `whsec_` + base64: the Standard Webhooks signing secret. */
  webhook_secret: string;
  chatbot_enabled: Generated<number>;
  /** Who set webhook_url (migration 009): `strict` URLs reach public addresses only. */
  webhook_url_trust: Generated<UrlTrustValue>;
  reject_calls: Generated<number>;
  /** Sent to a caller whose call was rejected; '' sends nothing. */
  reject_calls_message: Generated<string>;
  /** The webhook body and signature (migration 011). */
  webhook_format: Generated<WebhookFormatValue>;
  /** Evolution's webhook options (migration 012): JSON event ids (null: all), by-event URLs, base64 media, headers. */
  evolution_events: string | null;
  evolution_by_events: Generated<number>;
  evolution_base64: Generated<number>;
  evolution_headers: string | null;
  /** The instance token the owner chose to expose (webhooks' `apikey`, fetchInstances' `token`), and its key id. */
  evolution_apikey: string | null;
  evolution_apikey_id: string | null;
}
export type SettingsRow = Selectable<SettingsTable>;
export type SettingsUpdate = Updateable<Omit<SettingsTable, 'instance_id'>>;

export interface WebhookEventsTable {
  seq: Generated<number>;
  instance_id: string;
  webhook_id: string;
  event: string;
  payload: string;
  status: DeliveryStatus;
  attempts: Generated<number>;
  created_at: number;
  next_attempt_at: number;
  expires_at: number;
  last_attempt_at: number | null;
  delivered_at: number | null;
  last_error: string | null;
  response_code: number | null;
  url: string | null;
  /** The format `payload` was built in, which says how it is signed (migration 011). */
  format: Generated<WebhookFormatValue>;
}
export type WebhookEventRow = Selectable<WebhookEventsTable>;
export type NewWebhookEventRow = Insertable<WebhookEventsTable>;
