import { notFound } from '../../errors.js';
import type { DbOrTrx } from '../../storage/db.js';
import * as repo from '../../storage/messages-repo.js';
import type { MessageRow } from '../../storage/schema.js';

/** A stored message of a chat; 404 naming `field` when the instance has no such message in that chat. */
export async function requireMessageIn(db: DbOrTrx, instanceId: string, chatId: string, messageId: string, field = 'msgId'): Promise<MessageRow> {
  const row = await repo.findMessage(db, instanceId, messageId);
  if (!row || row.chat_id !== chatId) throw notFound(`${field}: no message ${messageId} in chat ${chatId}`);
  return row;
}

/** A stored message of the instance, whatever its chat; 404 naming `field` otherwise. */
export async function requireMessage(db: DbOrTrx, instanceId: string, messageId: string, field = 'msgId'): Promise<MessageRow> {
  const row = await repo.findMessage(db, instanceId, messageId);
  if (!row) throw notFound(`${field}: no message ${messageId} stored for this instance`);
  return row;
}
