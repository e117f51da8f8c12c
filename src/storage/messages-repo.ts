import type { DbOrTrx } from './db.js';
import type { MessageRow } from './schema.js';

/** Deletes an instance's whole message history; returns how many rows went. */
export async function clearMessages(db: DbOrTrx, instanceId: string): Promise<number> {
  const result = await db.deleteFrom('messages').where('instance_id', '=', instanceId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export function findMessage(db: DbOrTrx, instanceId: string, id: string): Promise<MessageRow | undefined> {
  return db.selectFrom('messages').selectAll().where('instance_id', '=', instanceId).where('id', '=', id).executeTakeFirst();
}
