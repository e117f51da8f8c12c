import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Every table, as the code sees it. Integers 0/1 are booleans; times are unix milliseconds unless named `timestamp`. */
export interface Database {
  instances: InstancesTable;
  settings: SettingsTable;
  messages: MessagesTable;
  message_counts: MessageCountsTable;
  idempotency_keys: IdempotencyKeysTable;
  chat_states: ChatStatesTable;
  webhook_events: WebhookEventsTable;
  chatbot_rules: ChatbotRulesTable;
  bulk_jobs: BulkJobsTable;
  bulk_recipients: BulkRecipientsTable;
  scheduled_messages: ScheduledMessagesTable;
}

export interface InstancesTable {
  id: string;
  description: string;
  engine: string;
  should_run: number;
  account_id: string | null;
  account_name: string | null;
  account_phone: string | null;
  created_at: number;
  updated_at: number;
}
export type InstanceRow = Selectable<InstancesTable>;
export type NewInstanceRow = Insertable<InstancesTable>;
export type InstanceUpdate = Updateable<InstancesTable>;

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
}
export type SettingsRow = Selectable<SettingsTable>;

export interface MessagesTable {
  instance_id: string;
  id: string;
  chat_id: string;
  from_jid: string;
  to_jid: string;
  from_me: number;
  type: string;
  body: string | null;
  caption: string | null;
  media_file: string | null;
  media_mimetype: string | null;
  media_filename: string | null;
  media_size: number | null;
  /** JSON of the kind-specific fields (location, poll, vCard, quoted id, ...). */
  extra: string | null;
  status: string;
  error: string | null;
  seen: Generated<number>;
  sender_name: string | null;
  /** Unix seconds, as WhatsApp reports it. */
  timestamp: number;
}
export type MessageRow = Selectable<MessagesTable>;
export type NewMessageRow = Insertable<MessagesTable>;

/** Messages per instance and status, kept by triggers on `messages` (migration 005). */
export interface MessageCountsTable {
  instance_id: string;
  status: string;
  n: number;
}

export interface IdempotencyKeysTable {
  instance_id: string;
  key: string;
  status_code: number;
  body: string;
  created_at: number;
}

export interface WebhookEventsTable {
  seq: Generated<number>;
  instance_id: string;
  webhook_id: string;
  event: string;
  payload: string;
  /** pending | delivered | failed */
  status: string;
  attempts: Generated<number>;
  created_at: number;
  next_attempt_at: number;
  expires_at: number;
  last_attempt_at: number | null;
  delivered_at: number | null;
  last_error: string | null;
  response_code: number | null;
  url: string | null;
}
export type WebhookEventRow = Selectable<WebhookEventsTable>;

/** A chat's archive flag, kept so that it survives a restart (the engine's word wins while it knows the chat). */
export interface ChatStatesTable {
  instance_id: string;
  chat_id: string;
  archived: number;
  updated_at: number;
}
export type ChatStateRow = Selectable<ChatStatesTable>;

export interface ChatbotRulesTable {
  id: Generated<number>;
  instance_id: string;
  /** exact | contains | startswith | regex */
  match_type: string;
  trigger_text: string;
  response: string;
  /** Seconds before the reply. */
  delay: number;
  enabled: number;
  priority: number;
  created_at: number;
  updated_at: number;
}
export type ChatbotRuleRow = Selectable<ChatbotRulesTable>;

export interface BulkJobsTable {
  id: Generated<number>;
  instance_id: string;
  status: string;
  message_type: string;
  body: string | null;
  media_url: string | null;
  filename: string | null;
  /** Seconds between two recipients. */
  delay: number;
  total: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}
export type BulkJobRow = Selectable<BulkJobsTable>;

export interface BulkRecipientsTable {
  job_id: number;
  position: number;
  recipient: string;
  chat_id: string;
  name: string | null;
  status: string;
  message_id: string | null;
  error: string | null;
  updated_at: number | null;
}
export type BulkRecipientRow = Selectable<BulkRecipientsTable>;

export interface ScheduledMessagesTable {
  id: Generated<number>;
  instance_id: string;
  recipient: string;
  chat_id: string;
  recipient_name: string | null;
  message_type: string;
  body: string | null;
  media_url: string | null;
  filename: string | null;
  /** Unix milliseconds. */
  scheduled_at: number;
  status: string;
  message_id: string | null;
  error: string | null;
  created_at: number;
  sent_at: number | null;
}
export type ScheduledMessageRow = Selectable<ScheduledMessagesTable>;
