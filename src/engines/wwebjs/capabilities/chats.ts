import { EngineError, type ChatsCapability } from '../../engine.js';
import { deleteChat, markChatSeen, setChatArchived } from '../page-ops.js';
import type { WwebjsOps } from './ops.js';

/**
 * Chat operations in the page, on the chat id WhatsApp Web files the chat under (a LID for a
 * migrated contact), without creating a chat it does not hold (page-ops.ts).
 */
export function chatsCapability(ops: WwebjsOps): ChatsCapability {
  const act = async (what: string, chatId: string, run: (libraryChatId: string) => Promise<boolean>) => {
    ops.session.openClient();
    const libraryChatId = ops.session.ids.toLibraryChat(chatId);
    if (!(await ops.call(what, () => run(libraryChatId)))) throw new EngineError('not_found', `chat ${chatId} not found`);
  };
  return {
    markRead: (chatId) => act('marking the chat read', chatId, (id) => markChatSeen(ops.session.openClient().client, id)),
    setArchived: (chatId, archived) =>
      act(archived ? 'archiving the chat' : 'unarchiving the chat', chatId, (id) => setChatArchived(ops.session.openClient().client, id, archived)),
    deleteChat: (chatId) => act('deleting the chat', chatId, (id) => deleteChat(ops.session.openClient().client, id)),
  };
}
