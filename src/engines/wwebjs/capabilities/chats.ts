import { EngineError, type ChatsCapability } from '../../engine.js';
import { markChatUnread, MAX_PINNED, sendChatState, setChatMuted, setChatPinned } from '../page-chat-ops.js';
import { deleteChat, markChatSeen, setChatArchived } from '../page-ops.js';
import type { WwebjsOps } from './ops.js';

/** WhatsApp Web's expiration for "mute for good". */
const MUTED_FOR_GOOD = -1;
/** A mute further ahead than this is for good (WhatsApp offers 8 hours, a week, or always). */
const FOR_GOOD_AFTER_SEC = 10 * 365 * 24 * 60 * 60;

/**
 * Chat operations in the page, on the chat id WhatsApp Web files the chat under (a LID for a
 * migrated contact), without creating a chat it does not hold (page-ops.ts, page-chat-ops.ts).
 */
export function chatsCapability(ops: WwebjsOps): Required<ChatsCapability> {
  const client = () => ops.session.openClient().client;
  const act = async (what: string, chatId: string, run: (libraryChatId: string) => Promise<boolean>) => {
    ops.session.openClient();
    const libraryChatId = ops.session.ids.toLibraryChat(chatId);
    if (!(await ops.call(what, () => run(libraryChatId)))) throw new EngineError('not_found', `chat ${chatId} not found`);
  };
  return {
    markRead: (chatId) => act('marking the chat read', chatId, (id) => markChatSeen(client(), id)),
    setArchived: (chatId, archived) => act(archived ? 'archiving the chat' : 'unarchiving the chat', chatId, (id) => setChatArchived(client(), id, archived)),
    deleteChat: (chatId) => act('deleting the chat', chatId, (id) => deleteChat(client(), id)),
    markUnread: (chatId) => act('marking the chat unread', chatId, (id) => markChatUnread(client(), id)),
    async setPinned(chatId, pinned) {
      const answer: { outcome?: Awaited<ReturnType<typeof setChatPinned>> } = {};
      await act(pinned ? 'pinning the chat' : 'unpinning the chat', chatId, async (id) => (answer.outcome = await setChatPinned(client(), id, pinned)) !== 'no_chat');
      if (answer.outcome === 'limit') throw new EngineError('rejected', `WhatsApp pins at most ${MAX_PINNED} chats: unpin one first`);
    },
    async setMuted(chatId, until) {
      const now = Math.floor(Date.now() / 1000);
      if (until !== null && until <= now) throw new EngineError('rejected', `the mute would end in the past (${until})`);
      const expiration = until === null ? null : until - now > FOR_GOOD_AFTER_SEC ? MUTED_FOR_GOOD : until;
      await act(until === null ? 'unmuting the chat' : 'muting the chat', chatId, async (id) => (await setChatMuted(client(), id, expiration)) !== null);
    },
    async sendPresence(chatId, state) {
      ops.session.openClient();
      const libraryChatId = ops.session.ids.toLibraryChat(chatId);
      await ops.call(`showing ${state} in the chat`, () => sendChatState(client(), libraryChatId, state));
    },
  };
}
