import * as chatsRepo from '../storage/chats-repo.js';
import type { ChatSources } from './chat-list.js';
import { openEngine } from './open-engine.js';

/** Archives or unarchives a chat on WhatsApp, and remembers it. */
export async function setChatArchived(src: ChatSources, instanceId: string, chatId: string, archived: boolean): Promise<void> {
  await openEngine(src.manager, instanceId).setArchived(chatId, archived);
  await chatsRepo.setArchiveState(src.db, instanceId, chatId, archived);
}

/**
 * Deletes a chat on WhatsApp and its messages from the store, as deleting a chat on the phone
 * does: it leaves the chats list and comes back with the next message. Media files stay in the
 * media library (they may be in use elsewhere; media/delete removes them).
 */
export async function deleteChat(src: ChatSources, instanceId: string, chatId: string): Promise<number> {
  await openEngine(src.manager, instanceId).deleteChat(chatId);
  await src.messages.settled(instanceId);
  return chatsRepo.deleteChat(src.db, instanceId, chatId);
}
