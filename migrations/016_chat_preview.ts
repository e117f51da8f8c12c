import { sql, type Kysely } from 'kysely';
import { MS } from './dialect.js';

// The newest stored message of each chat, by WhatsApp's timestamp (then seq), kept on its chat row so
// that the chat list joins one message per chat by key instead of looking each chat's newest up in the
// history's index (BENCHMARKS.md, section 0). `last_seq` stays what it was: the seq of the chat's
// most recently stored message, which a backfilled older message moves but this does not.
// - preview_seq: `messages.seq` of that message; null: none stored (or not known yet).
// - preview_at: its timestamp (unix seconds), which decides whether a newly stored message replaces it.
// A preview whose message was deleted is found again by the list (storage/chats-repo.ts).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('chats').addColumn('preview_seq', MS).execute();
  await db.schema.alterTable('chats').addColumn('preview_at', MS).execute();
  await sql`UPDATE chats SET preview_seq = (
      SELECT n.seq FROM messages n WHERE n.instance_id = chats.instance_id AND n.chat_id = chats.chat_id
      ORDER BY n.timestamp DESC, n.seq DESC LIMIT 1)`.execute(db);
  await sql`UPDATE chats SET preview_at = (SELECT m.timestamp FROM messages m WHERE m.seq = chats.preview_seq)
      WHERE preview_seq IS NOT NULL`.execute(db);
}
