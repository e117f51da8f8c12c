import { EngineError, type MessagesCapability } from '../../engine.js';
import { toLibraryId } from '../ids.js';
import { remoteOfKey } from '../keys.js';
import { editMessage, markChatSeen } from '../page-ops.js';
import { findMessage } from './find-message.js';
import type { WwebjsOps } from './ops.js';
import { sentOrEcho } from './sent-or-echo.js';

type Actions = Required<Pick<MessagesCapability, 'deleteForMe' | 'edit' | 'forward' | 'star' | 'markRead'>>;

/** Acting on one stored message: found first (find-message.ts), so a missing one is `not_found`. */
export function messageActions(ops: WwebjsOps): Actions {
  return {
    async deleteForMe(ref) {
      const { message } = await findMessage(ops, ref);
      await ops.call('deleting the message for me', () => message.delete(false));
    },

    async edit(ref, body) {
      const { client } = ops.session.openClient();
      const { key } = await findMessage(ops, ref);
      ops.session.index.acting('edit', ref.id);
      const outcome = await ops.call('editing the message', () => editMessage(client, key, body));
      if (outcome === 'not_found') throw new EngineError('not_found', `message ${ref.id} not found in chat ${ref.chatId}`);
      if (outcome === 'not_mine') throw new EngineError('rejected', `message ${ref.id} was not sent by this account; only your own messages can be edited`);
      if (outcome === 'too_late') {
        throw new EngineError('rejected', `message ${ref.id} can no longer be edited (WhatsApp allows editing text for 15 minutes after sending)`);
      }
    },

    async forward(ref, to) {
      const { message } = await findMessage(ops, ref);
      const recipient = await ops.recipients.resolve(to);
      // Message.forward answers nothing: the copy is known by its `message_create` echo.
      const shape = { type: message.type, body: message.type === 'chat' ? message.body : null };
      return sentOrEcho(ops, [recipient, toLibraryId(to)], shape, `forwarding message ${ref.id} to ${to}`, () => message.forward(recipient));
    },

    async star(ref, starred) {
      const { client } = ops.session.openClient();
      const { key, message } = await findMessage(ops, ref);
      await ops.call(starred ? 'starring the message' : 'unstarring the message', () => (starred ? message.star() : message.unstar()));
      // Message.star() does nothing, silently, for a message WhatsApp Web cannot star.
      const after = await ops.call('reading the message', () => client.getMessageById(key));
      if (after && Boolean(after.isStarred) !== starred) {
        throw new EngineError('rejected', `WhatsApp Web did not ${starred ? 'star' : 'unstar'} message ${ref.id}`);
      }
    },

    async markRead(ref) {
      const { client } = ops.session.openClient();
      const { key, message } = await findMessage(ops, ref);
      if (message.fromMe) throw new EngineError('rejected', `message ${ref.id} was sent by this account; read receipts are for incoming messages`);
      // WhatsApp Web reads whole chats: its receipt for this message goes with those of the chat's other unread messages.
      const chat = remoteOfKey(key) ?? ops.session.ids.toLibraryChat(ref.chatId);
      if (!(await ops.call('marking the message read', () => markChatSeen(client, chat)))) {
        throw new EngineError('not_found', `chat ${ref.chatId} not found`);
      }
    },
  };
}
