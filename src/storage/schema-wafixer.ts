import type { Generated, Selectable } from 'kysely';

// The tables of templates, instance groups and the analytics and file counters (issue 17,
// migrations 013 and 014). Part of `Database` in schema.ts, kept apart as schema-access.ts is.

/** These tables, as `Database` (schema.ts) takes them in. */
export interface WafixerTables {
  message_templates: MessageTemplatesTable;
  instance_groups: InstanceGroupsTable;
  message_stats: MessageStatsTable;
  message_file_counts: MessageFileCountsTable;
}

/** A message template; `{name}`-style variables in its body are filled per recipient. */
export interface MessageTemplatesTable {
  id: Generated<number>;
  /** null: shared by every instance. */
  instance_id: string | null;
  title: string;
  body: string;
  category: string | null;
  shortcut: string | null;
  created_at: number;
  updated_at: number;
}
export type MessageTemplateRow = Selectable<MessageTemplatesTable>;

/** The colours an instance group can have (seed 000's). */
export const GROUP_COLORS = ['grape', 'peach', 'wagreen', 'sky', 'rose', 'cream'] as const;
export type GroupColor = (typeof GROUP_COLORS)[number];

export interface InstanceGroupsTable {
  id: Generated<number>;
  name: string;
  color: GroupColor;
  created_at: number;
  updated_at: number;
}
export type InstanceGroupRow = Selectable<InstanceGroupsTable>;

/**
 * Messages per instance and hour, kept by triggers on `messages` (migration 014) in the same
 * transaction as the message's write: analytics read these, never the history.
 */
export interface MessageStatsTable {
  instance_id: string;
  /** Unix seconds of the hour's start (UTC), from the message's own timestamp. */
  hour: number;
  /** Outgoing messages WhatsApp accepted. */
  sent: number;
  received: number;
  failed: number;
  /** Outgoing messages that reached the recipient's phone (delivered, read or played). */
  delivered: number;
  /** Outgoing messages the recipient read (or played). */
  read: number;
}

/** The kinds of file /api/files tells apart, by the media's MIME type. */
export const FILE_KINDS = ['image', 'video', 'audio', 'document'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

/** Media files of messages per instance and kind, kept by triggers on `messages` (migration 014). */
export interface MessageFileCountsTable {
  instance_id: string;
  kind: FileKind;
  n: number;
}
