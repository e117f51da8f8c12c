import type { DbOrTrx } from './db.js';
import type { MessageReactionRow } from './schema.js';

export interface ReactionReport {
  instanceId: string;
  messageId: string;
  chatId: string;
  sender: string;
  /** '' removes the sender's reaction. */
  emoji: string;
  fromMe: boolean;
  /** Unix seconds. */
  timestamp: number;
}

/** One reaction per person and message: a new one replaces theirs, an empty emoji removes it. */
export async function recordReaction(db: DbOrTrx, r: ReactionReport): Promise<void> {
  if (r.emoji === '') {
    await db
      .deleteFrom('message_reactions')
      .where('instance_id', '=', r.instanceId)
      .where('message_id', '=', r.messageId)
      .where('sender', '=', r.sender)
      .execute();
    return;
  }
  const row = { chat_id: r.chatId, emoji: r.emoji, from_me: r.fromMe ? 1 : 0, timestamp: r.timestamp };
  await db
    .insertInto('message_reactions')
    .values({ instance_id: r.instanceId, message_id: r.messageId, sender: r.sender, ...row })
    .onConflict((oc) => oc.columns(['instance_id', 'message_id', 'sender']).doUpdateSet(row))
    .execute();
}

/** The reactions to these messages, oldest first. */
export function reactionsOf(db: DbOrTrx, instanceId: string, messageIds: string[]): Promise<MessageReactionRow[]> {
  if (messageIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('message_reactions')
    .selectAll()
    .where('instance_id', '=', instanceId)
    .where('message_id', 'in', messageIds)
    .orderBy('timestamp')
    .orderBy('sender')
    .execute();
}

/** Forgets the reactions to one message (it was deleted or revoked). */
export async function deleteReactionsOf(db: DbOrTrx, instanceId: string, messageId: string): Promise<void> {
  await db.deleteFrom('message_reactions').where('instance_id', '=', instanceId).where('message_id', '=', messageId).execute();
}

/** Forgets the reactions of a chat (deleted), or of every chat of the instance (history cleared). */
export async function deleteReactionsIn(db: DbOrTrx, instanceId: string, chatId?: string): Promise<void> {
  let q = db.deleteFrom('message_reactions').where('instance_id', '=', instanceId);
  if (chatId !== undefined) q = q.where('chat_id', '=', chatId);
  await q.execute();
}
