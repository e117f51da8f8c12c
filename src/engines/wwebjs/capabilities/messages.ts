import { EngineError, type MessageRef, type MessagesCapability } from '../../engine.js';
import { toLibraryId } from '../ids.js';
import type { LibMessage } from '../library-types.js';
import { toLibrarySend } from '../outgoing.js';
import { chatOf, type WwebjsOps } from './ops.js';

/** How many recent messages of a chat are searched for a message whose key was not seen. */
const SEARCH_DEPTH = 200;

export function messagesCapability(ops: WwebjsOps): MessagesCapability {
  return {
    async send(to, content) {
      const { client } = ops.session.openClient();
      const { content: body, options } = toLibrarySend(content);
      const sent = await ops.call(`sending a ${content.kind} message to ${to}`, () =>
        ops.session.index.send(client.sendMessage(toLibraryId(to), body, options)),
      );
      if (!sent) throw new EngineError('not_found', `chat ${to} not found`);
      return {
        id: sent.id.id,
        timestamp: sent.timestamp || Math.floor(Date.now() / 1000),
        ...(sent.id._serialized ? { nativeKey: sent.id._serialized } : {}),
      };
    },
    async react(ref, emoji) {
      const message = await findMessage(ops, ref);
      await ops.call('reacting', () => message.react(emoji));
    },
    async revoke(ref) {
      const message = await findMessage(ops, ref);
      await ops.call('deleting the message for everyone', () => message.delete(true));
    },
  };
}

/**
 * The library message a stored message refers to: by its native key (kept when it was seen), or
 * the key seen lately, else by the two keys a message of this chat can have (sent by us or by
 * them), else among the chat's recent messages (group messages carry the author in their key).
 */
async function findMessage(ops: WwebjsOps, ref: MessageRef): Promise<LibMessage> {
  const { client } = ops.session.openClient();
  const remote = toLibraryId(ref.chatId);
  const known = ref.nativeKey ?? ops.session.index.serializedKey(ref.id);
  const keys = known ? [known] : [`${ref.fromMe}_${remote}_${ref.id}`, `${!ref.fromMe}_${remote}_${ref.id}`];
  for (const key of keys) {
    const found = await ops.call('finding the message', () => client.getMessageById(key)).catch(() => null);
    if (found) return found;
  }
  const chat = await chatOf(ops, ref.chatId);
  const recent = await ops.call('searching the chat', () => chat.fetchMessages({ limit: SEARCH_DEPTH }));
  const found = recent.find((m) => m.id.id === ref.id);
  if (!found) throw new EngineError('not_found', `message ${ref.id} not found in chat ${ref.chatId}`);
  ops.session.index.remember(found);
  return found;
}
