import type { ChatsCapability } from '../../engine.js';
import { chatOf, type WwebjsOps } from './ops.js';

export function chatsCapability(ops: WwebjsOps): ChatsCapability {
  return {
    async markRead(chatId) {
      const chat = await chatOf(ops, chatId);
      await ops.call('marking the chat read', () => chat.sendSeen());
    },
    async setArchived(chatId, archived) {
      const chat = await chatOf(ops, chatId);
      await ops.call(archived ? 'archiving the chat' : 'unarchiving the chat', () => (archived ? chat.archive() : chat.unarchive()));
    },
    async deleteChat(chatId) {
      const chat = await chatOf(ops, chatId);
      await ops.call('deleting the chat', () => chat.delete());
    },
  };
}
