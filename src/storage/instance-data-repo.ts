import type { DbOrTrx } from './db.js';

// What deleting an instance's data (but not the instance) removes from the tables besides its
// messages (purge.ts does those): each answers how many rows went.

const count = (r: { numDeletedRows: bigint }) => Number(r.numDeletedRows);

export async function deleteChats(db: DbOrTrx, instanceId: string): Promise<{ chats: number; groups: number }> {
  const chats = count(await db.deleteFrom('chats').where('instance_id', '=', instanceId).executeTakeFirst());
  const groups = count(await db.deleteFrom('chat_groups').where('instance_id', '=', instanceId).executeTakeFirst());
  return { chats, groups };
}

export async function deleteContacts(db: DbOrTrx, instanceId: string): Promise<number> {
  return count(await db.deleteFrom('contacts').where('instance_id', '=', instanceId).executeTakeFirst());
}

export async function deleteChatbotRules(db: DbOrTrx, instanceId: string): Promise<number> {
  return count(await db.deleteFrom('chatbot_rules').where('instance_id', '=', instanceId).executeTakeFirst());
}
