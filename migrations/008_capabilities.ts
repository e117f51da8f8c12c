import type { Kysely } from 'kysely';
import { MS } from './dialect.js';

// Issue 14, what an account can do, as far as the store must remember it:
// - messages: an edit keeps the text before the first edit (`original_body`) and when it happened;
//   starring is a flag of the message.
// - chats: pinned, muted (until when) and marked unread, shown by the chat list.
// - chat_groups: the announce-only and locked settings (null while the engine has not said).
// - settings: rejecting calls, with an optional reply to the caller.
// - message_reactions and poll_votes: one row per person (a new reaction or vote replaces theirs;
//   a removed reaction or withdrawn vote deletes it), shown on the message in the history.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('original_body', 'text').execute();
  // Unix seconds, as `timestamp`.
  await db.schema.alterTable('messages').addColumn('edited_at', MS).execute();
  await db.schema.alterTable('messages').addColumn('starred', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  await db.schema.alterTable('chats').addColumn('pinned', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // Unix seconds; null: not muted.
  await db.schema.alterTable('chats').addColumn('muted_until', MS).execute();
  await db.schema.alterTable('chats').addColumn('marked_unread', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  await db.schema.alterTable('chat_groups').addColumn('announce', 'integer').execute();
  await db.schema.alterTable('chat_groups').addColumn('locked', 'integer').execute();

  await db.schema.alterTable('settings').addColumn('reject_calls', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('settings').addColumn('reject_calls_message', 'text', (c) => c.notNull().defaultTo('')).execute();

  await db.schema
    .createTable('message_reactions')
    .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id').onDelete('cascade'))
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('chat_id', 'text', (c) => c.notNull())
    // Who reacted (the account itself for its own reactions).
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('emoji', 'text', (c) => c.notNull())
    .addColumn('from_me', 'integer', (c) => c.notNull())
    .addColumn('timestamp', MS, (c) => c.notNull())
    .addPrimaryKeyConstraint('message_reactions_pk', ['instance_id', 'message_id', 'sender'])
    .execute();

  await db.schema
    .createTable('poll_votes')
    .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id').onDelete('cascade'))
    .addColumn('poll_id', 'text', (c) => c.notNull())
    .addColumn('chat_id', 'text', (c) => c.notNull())
    .addColumn('voter', 'text', (c) => c.notNull())
    // JSON array of the option names selected.
    .addColumn('selected', 'text', (c) => c.notNull())
    .addColumn('timestamp', MS, (c) => c.notNull())
    .addPrimaryKeyConstraint('poll_votes_pk', ['instance_id', 'poll_id', 'voter'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('poll_votes').execute();
  await db.schema.dropTable('message_reactions').execute();
  for (const [table, column] of [
    ['settings', 'reject_calls_message'],
    ['settings', 'reject_calls'],
    ['chat_groups', 'locked'],
    ['chat_groups', 'announce'],
    ['chats', 'marked_unread'],
    ['chats', 'muted_until'],
    ['chats', 'pinned'],
    ['messages', 'starred'],
    ['messages', 'edited_at'],
    ['messages', 'original_body'],
  ] as const) {
    await db.schema.alterTable(table).dropColumn(column).execute();
  }
}
