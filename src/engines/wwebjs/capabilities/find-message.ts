import { EngineError, type MessageRef } from '../../engine.js';
import { serializedKeyOf } from '../keys.js';
import type { LibMessage } from '../library-types.js';
import { hasChat } from '../page-ops.js';
import type { WwebjsOps } from './ops.js';

/** How many recent messages of a chat are searched for a message whose key was not seen. */
const SEARCH_DEPTH = 200;

/** A stored message as WhatsApp Web holds it: its serialized key, and the library's Message. */
export interface FoundMessage {
  key: string;
  message: LibMessage;
}

/**
 * The serialized key of a stored message, checked to be one WhatsApp Web holds: its native key
 * (kept when it was seen), or the key seen lately, else the two keys a message of this chat can
 * have (sent by us or by them, under the chat's id WhatsApp Web uses now), else among the chat's
 * recent messages. `not_found` when WhatsApp Web holds none of them.
 */
export async function findMessage(ops: WwebjsOps, ref: MessageRef): Promise<FoundMessage> {
  const { client } = ops.session.openClient();
  const remote = ops.session.ids.toLibraryChat(ref.chatId);
  const author = ref.author ? `_${ops.session.ids.toLibraryChat(ref.author)}` : '';
  const known = ref.nativeKey ?? ops.session.index.serializedKey(ref.id);
  const keys = known ? [known] : [`${ref.fromMe}_${remote}_${ref.id}${ref.fromMe ? '' : author}`, `${!ref.fromMe}_${remote}_${ref.id}`];
  for (const key of keys) {
    const found = await ops.call('finding the message', () => client.getMessageById(key)).catch(() => null);
    if (found) return { key: serializedKeyOf(found.id) ?? key, message: found };
  }
  // getChatById would create an empty chat for an id WhatsApp Web does not hold (review D11).
  const exists = await ops.call('reading the chat', () => hasChat(client, remote)).catch(() => false);
  const chat = exists ? await ops.call('reading the chat', () => client.getChatById(remote)).catch(() => undefined) : undefined;
  const recent = chat ? await ops.call('searching the chat', () => chat.fetchMessages({ limit: SEARCH_DEPTH })) : [];
  const found = recent.find((m) => m.id.id === ref.id);
  const key = found ? serializedKeyOf(found.id) : null;
  if (!found || !key) throw new EngineError('not_found', `message ${ref.id} not found in chat ${ref.chatId}`);
  ops.session.index.remember(found);
  return { key, message: found };
}

/** The serialized key of a stored message (see findMessage). */
export async function findKey(ops: WwebjsOps, ref: MessageRef): Promise<string> {
  return (await findMessage(ops, ref)).key;
}
