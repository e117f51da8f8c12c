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

/**
 * The messages of an instance that pointed at these files (removed from its media folder) point at
 * nothing any more: they are shown without media, as one whose file could not be fetched. A few
 * hundred names a statement. Answers how many messages lost their file.
 */
export async function forgetMediaFiles(db: DbOrTrx, instanceId: string, names: readonly string[]): Promise<number> {
  let updated = 0;
  for (let i = 0; i < names.length; i += 250) {
    const chunk = names.slice(i, i + 250);
    const r = await db.updateTable('messages').set({ media_file: null }).where('instance_id', '=', instanceId).where('media_file', 'in', chunk).executeTakeFirst();
    updated += Number(r.numUpdatedRows);
  }
  return updated;
}
