import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { ApiKeyInstancesTable, ApiKeysTable, AuditLogTable, EmbedTokenInstancesTable, EmbedTokensTable, InstanceUsageTable } from './schema-access.js';
import type { SettingsTable, UrlTrustValue, WebhookEventsTable } from './schema-settings.js';
import type { ClusterTables } from './schema-cluster.js';
import type { WafixerTables } from './schema-wafixer.js';

export * from './schema-access.js';
export * from './schema-settings.js';
export * from './schema-wafixer.js';
export * from './schema-cluster.js';

/**
 * Every table, as the code sees it. Integers 0/1 are booleans; `*_at` times are unix milliseconds
 * (`bigint` columns) except `timestamp` and `last_message_at`, which are unix seconds as WhatsApp
 * reports them. Status columns are the literal unions below.
 */
export interface Database extends WafixerTables, ClusterTables {
  instances: InstancesTable;
  settings: SettingsTable;
  messages: MessagesTable;
  message_counts: MessageCountsTable;
  idempotency_keys: IdempotencyKeysTable;
  chats: ChatsTable;
  contacts: ContactsTable;
  chat_groups: ChatGroupsTable;
  webhook_events: WebhookEventsTable;
  chatbot_rules: ChatbotRulesTable;
  bulk_jobs: BulkJobsTable;
  bulk_recipients: BulkRecipientsTable;
  scheduled_messages: ScheduledMessagesTable;
  api_keys: ApiKeysTable;
  api_key_instances: ApiKeyInstancesTable;
  embed_tokens: EmbedTokensTable;
  embed_token_instances: EmbedTokenInstancesTable;
  instance_usage: InstanceUsageTable;
  audit_log: AuditLogTable;
  message_reactions: MessageReactionsTable;
  poll_votes: PollVotesTable;
  event_log: EventLogTable;
}

/** Outgoing messages move forward through these (or to failed); incoming ones are `received`. */
export type MessageStatus = 'pending' | 'sent' | 'delivered' | 'read' | 'played' | 'failed' | 'received';
export type BulkJobStatus = 'queued' | 'running' | 'completed' | 'cancelled';
export type RecipientStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled';
export type ScheduledStatus = 'pending' | 'queued' | 'sending' | 'sent' | 'failed' | 'cancelled';
export type MatchType = 'exact' | 'contains' | 'startswith' | 'regex';
export type JobMessageType = 'text' | 'image' | 'document';

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
  /** The instance group it is filed under (migration 013). */
  group_id: Generated<number | null>;
}
export type InstanceRow = Selectable<InstancesTable>;
export type NewInstanceRow = Insertable<InstancesTable>;
export type InstanceUpdate = Updateable<InstancesTable>;


export interface MessagesTable {
  /** Insertion order. */
  seq: Generated<number>;
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
  status: MessageStatus;
  error: string | null;
  seen: Generated<number>;
  sender_name: string | null;
  /** Unix seconds, as WhatsApp reports it. */
  timestamp: number;
  /** The engine's own key of the message (e.g. whatsapp-web.js's serialized key), when it has one. */
  native_key: string | null;
  /** The text before its first edit; null while it was never edited. */
  original_body: Generated<string | null>;
  /** Unix seconds of the last edit. */
  edited_at: Generated<number | null>;
  starred: Generated<number>;
}
export type MessageRow = Selectable<MessagesTable>;
export type NewMessageRow = Insertable<MessagesTable>;
export type MessageUpdate = Updateable<Omit<MessagesTable, 'instance_id' | 'seq'>>;

/** Messages per instance and status, kept by triggers on `messages` (migrations 005 and 006). */
export interface MessageCountsTable {
  instance_id: string;
  status: MessageStatus;
  n: number;
}

export interface IdempotencyKeysTable {
  instance_id: string;
  key: string;
  status_code: number;
  body: string;
  created_at: number;
}
export type IdempotencyKeyRow = Selectable<IdempotencyKeysTable>;

/** A chat: kept by the writes that store its messages and by the engine's reports. */
export interface ChatsTable {
  instance_id: string;
  chat_id: string;
  is_group: number;
  /** The name WhatsApp gives it (an address-book name); null: named by its group or contact. */
  name: string | null;
  archived: number;
  unread_count: number;
  /** Unix seconds of the newest message, or null. */
  last_message_at: number | null;
  /** `messages.seq` of the newest stored message, or null. */
  last_seq: number | null;
  updated_at: number;
  pinned: Generated<number>;
  /** Unix seconds; null: not muted. */
  muted_until: Generated<number | null>;
  /** Marked unread by hand (cleared when the chat is read). */
  marked_unread: Generated<number>;
}
export type ChatRow = Selectable<ChatsTable>;

export interface ContactsTable {
  instance_id: string;
  contact_id: string;
  name: string | null;
  notify: string | null;
  updated_at: number;
}
export type ContactRow = Selectable<ContactsTable>;

export interface ChatGroupsTable {
  instance_id: string;
  group_id: string;
  name: string;
  description: string | null;
  owner: string | null;
  /** Unix seconds. */
  creation: number | null;
  /** JSON array of { id, admin }. */
  participants: string;
  updated_at: number;
  /** Only admins send messages; null: not known. */
  announce: Generated<number | null>;
  /** Only admins edit the group's info; null: not known. */
  locked: Generated<number | null>;
}
export type ChatGroupRow = Selectable<ChatGroupsTable>;


export interface ChatbotRulesTable {
  id: Generated<number>;
  instance_id: string;
  match_type: MatchType;
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
  status: BulkJobStatus;
  message_type: JobMessageType;
  body: string | null;
  media_url: string | null;
  /** Who made the job (migration 009): a `strict` media_url is loaded from public addresses only. */
  media_url_trust: Generated<UrlTrustValue>;
  filename: string | null;
  /** Seconds between two recipients. */
  delay: number;
  total: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  /** A campaign's name (migration 013); null: a plain bulk job. */
  name: Generated<string | null>;
  /** Milliseconds between two recipients; null: `delay` seconds. */
  delay_ms: Generated<number | null>;
  /** The template the body was taken from, if any. */
  template_id: Generated<number | null>;
}
export type BulkJobRow = Selectable<BulkJobsTable>;
export type NewBulkJobRow = Insertable<BulkJobsTable>;

export interface BulkRecipientsTable {
  job_id: number;
  position: number;
  recipient: string;
  chat_id: string;
  name: string | null;
  status: RecipientStatus;
  message_id: string | null;
  error: string | null;
  updated_at: number | null;
  /** JSON object of the recipient's own variables (migration 013). */
  vars: Generated<string | null>;
}
export type BulkRecipientRow = Selectable<BulkRecipientsTable>;

export interface ScheduledMessagesTable {
  id: Generated<number>;
  instance_id: string;
  recipient: string;
  chat_id: string;
  recipient_name: string | null;
  message_type: JobMessageType;
  body: string | null;
  media_url: string | null;
  /** Who scheduled it (migration 009): a `strict` media_url is loaded from public addresses only. */
  media_url_trust: Generated<UrlTrustValue>;
  filename: string | null;
  /** Unix milliseconds. */
  scheduled_at: number;
  status: ScheduledStatus;
  message_id: string | null;
  error: string | null;
  created_at: number;
  sent_at: number | null;
}
export type ScheduledMessageRow = Selectable<ScheduledMessagesTable>;
export type NewScheduledMessageRow = Insertable<ScheduledMessagesTable>;

/** A reaction to a message, one per person (the account's own too). */
export interface MessageReactionsTable {
  instance_id: string;
  message_id: string;
  chat_id: string;
  sender: string;
  emoji: string;
  from_me: number;
  /** Unix seconds. */
  timestamp: number;
}
export type MessageReactionRow = Selectable<MessageReactionsTable>;

/** A vote on a poll, one per voter: the options they selected now. */
export interface PollVotesTable {
  instance_id: string;
  poll_id: string;
  chat_id: string;
  voter: string;
  /** JSON array of option names. */
  selected: string;
  /** Unix seconds. */
  timestamp: number;
}
export type PollVoteRow = Selectable<PollVotesTable>;

/** Every event of every instance, kept for a while for the event stream (migration 010). */
export interface EventLogTable {
  seq: Generated<number>;
  instance_id: string;
  event: string;
  /** The event's `data` as JSON. */
  data: string;
  /** Unix ms. */
  created_at: number;
}
export type EventLogRow = Selectable<EventLogTable>;
