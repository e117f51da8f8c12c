import { EngineError, type MessageRef, type MessagesCapability, type OutgoingContent, type SentMessage } from '../../engine.js';
import { messageOf } from '../failures.js';
import { toLibraryId } from '../ids.js';
import { serializedKeyOf } from '../keys.js';
import type { LibMessage } from '../library-types.js';
import { toLibrarySend } from '../outgoing.js';
import { hasChat, revokeMessage } from '../page-ops.js';
import type { WwebjsOps } from './ops.js';

/** How many recent messages of a chat are searched for a message whose key was not seen. */
const SEARCH_DEPTH = 200;
/** How long a send whose result names no message waits for its echo (see MessageIndex.expectEcho). */
const ECHO_WAIT_MS = 10_000;

/** WhatsApp Web cannot pair the phone id with the person's LID (whatsapp-web.js #145434). */
const NO_LID = /No LID for user/i;

export function messagesCapability(ops: WwebjsOps): MessagesCapability {
  return {
    async send(to, content) {
      if (content.kind === 'sticker' && !content.media.mimetype.startsWith('image/') && !ops.ffmpegPath) {
        // The library turns video into a sticker with ffmpeg, and fails obscurely without it.
        throw new EngineError('unsupported', `a sticker can only be made from an image on this server (got ${content.media.mimetype}; a video needs ffmpeg installed)`);
      }
      const recipient = await ops.recipients.resolve(to);
      try {
        return await sendTo(ops, recipient, to, content);
      } catch (err) {
        if (!NO_LID.test(messageOf(err))) throw err;
        // Once more with what WhatsApp says now (getNumberId also teaches WhatsApp Web the pairing).
        const fresh = await ops.recipients.resolve(to, true);
        try {
          return await sendTo(ops, fresh, to, content);
        } catch (again) {
          if (!NO_LID.test(messageOf(again))) throw again;
          throw new EngineError('not_found', `${to} cannot be reached on WhatsApp: WhatsApp Web has no LID for this number (No LID for user)`);
        }
      }
    },
    async react(ref, emoji) {
      const { client } = ops.session.openClient();
      const key = await findKey(ops, ref);
      await ops.call('reacting', () => client.sendReaction(key, emoji));
    },
    async revoke(ref) {
      const { client } = ops.session.openClient();
      const key = await findKey(ops, ref);
      const revoked = await ops.call('deleting the message for everyone', () => revokeMessage(client, key));
      if (revoked === null) throw new EngineError('not_found', `message ${ref.id} not found in chat ${ref.chatId}`);
      if (!revoked) {
        throw new EngineError(
          'rejected',
          `message ${ref.id} can no longer be deleted for everyone (WhatsApp allows it for a limited time after sending, and for others' messages only to group admins)`,
        );
      }
    },
  };
}

/** One send to a resolved recipient; an answer without the message adopts the id of its echo. */
async function sendTo(ops: WwebjsOps, recipient: string, to: string, content: OutgoingContent): Promise<SentMessage> {
  const { client } = ops.session.openClient();
  const { content: body, options, echo: shape } = toLibrarySend(content, ops.classes());
  const expectation = ops.session.index.expectEcho([recipient, toLibraryId(to)], shape.type, shape.body, ECHO_WAIT_MS);
  const work = (async (): Promise<LibMessage | undefined> => {
    const sent = await client.sendMessage(recipient, body, options);
    if (sent) return sent;
    return (await expectation.echo) ?? undefined;
  })();
  let sent: LibMessage | undefined;
  try {
    sent = await ops.call(`sending a ${content.kind} message to ${to}`, () => ops.session.index.send(work));
  } finally {
    expectation.cancel();
  }
  if (!sent) {
    throw new EngineError('failed', `WhatsApp Web did not say which message it sent to ${to}; it may or may not have been sent`);
  }
  const nativeKey = serializedKeyOf(sent.id);
  return {
    id: sent.id.id,
    timestamp: sent.timestamp || Math.floor(Date.now() / 1000),
    ...(nativeKey ? { nativeKey } : {}),
  };
}

/**
 * The serialized key of a stored message, checked to be one WhatsApp Web holds: its native key
 * (kept when it was seen), or the key seen lately, else the two keys a message of this chat can
 * have (sent by us or by them, under the chat's id WhatsApp Web uses now), else among the chat's
 * recent messages.
 */
async function findKey(ops: WwebjsOps, ref: MessageRef): Promise<string> {
  const { client } = ops.session.openClient();
  const remote = ops.session.ids.toLibraryChat(ref.chatId);
  const author = ref.author ? `_${ops.session.ids.toLibraryChat(ref.author)}` : '';
  const known = ref.nativeKey ?? ops.session.index.serializedKey(ref.id);
  const keys = known ? [known] : [`${ref.fromMe}_${remote}_${ref.id}${ref.fromMe ? '' : author}`, `${!ref.fromMe}_${remote}_${ref.id}`];
  for (const key of keys) {
    const found = await ops.call('finding the message', () => client.getMessageById(key)).catch(() => null);
    if (found) return serializedKeyOf(found.id) ?? key;
  }
  // getChatById would create an empty chat for an id WhatsApp Web does not hold (review D11).
  const exists = await ops.call('reading the chat', () => hasChat(client, remote)).catch(() => false);
  const chat = exists ? await ops.call('reading the chat', () => client.getChatById(remote)).catch(() => undefined) : undefined;
  const recent = chat ? await ops.call('searching the chat', () => chat.fetchMessages({ limit: SEARCH_DEPTH })) : [];
  const found = recent.find((m) => m.id.id === ref.id);
  const key = found ? serializedKeyOf(found.id) : null;
  if (!found || !key) throw new EngineError('not_found', `message ${ref.id} not found in chat ${ref.chatId}`);
  ops.session.index.remember(found);
  return key;
}
