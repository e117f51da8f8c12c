import { EngineError, type MessagesCapability, type OutgoingContent, type SendOptions, type SentMessage } from '../../engine.js';
import { messageOf } from '../failures.js';
import { toLibraryId } from '../ids.js';
import { toLibrarySend, withSendOptions, type ResolvedSendOptions } from '../outgoing.js';
import { revokeMessage } from '../page-ops.js';
import { findKey } from './find-message.js';
import { messageActions } from './message-actions.js';
import type { WwebjsOps } from './ops.js';
import { sentOrEcho } from './sent-or-echo.js';

/** WhatsApp Web cannot pair the phone id with the person's LID (whatsapp-web.js #145434). */
const NO_LID = /No LID for user/i;

export function messagesCapability(ops: WwebjsOps): MessagesCapability {
  return {
    async send(to, content, options = {}) {
      if (content.kind === 'sticker' && !content.media.mimetype.startsWith('image/') && !ops.ffmpegPath) {
        // The library turns video into a sticker with ffmpeg, and fails obscurely without it.
        throw new EngineError('unsupported', `a sticker can only be made from an image on this server (got ${content.media.mimetype}; a video needs ffmpeg installed)`);
      }
      const extra = await resolveOptions(ops, options);
      const recipient = await ops.recipients.resolve(to);
      try {
        return await sendTo(ops, recipient, to, content, extra);
      } catch (err) {
        if (!NO_LID.test(messageOf(err))) throw err;
        // Once more with what WhatsApp says now (getNumberId also teaches WhatsApp Web the pairing).
        const fresh = await ops.recipients.resolve(to, true);
        try {
          return await sendTo(ops, fresh, to, content, extra);
        } catch (again) {
          if (!NO_LID.test(messageOf(again))) throw again;
          throw new EngineError('not_found', `${to} cannot be reached on WhatsApp: WhatsApp Web has no LID for this number (No LID for user)`);
        }
      }
    },
    async react(ref, emoji) {
      const { client } = ops.session.openClient();
      const key = await findKey(ops, ref);
      await ops.call(emoji ? 'reacting' : 'removing the reaction', () => client.sendReaction(key, emoji));
    },
    async revoke(ref) {
      const { client } = ops.session.openClient();
      const key = await findKey(ops, ref);
      ops.session.index.acting('revoke', ref.id);
      const revoked = await ops.call('deleting the message for everyone', () => revokeMessage(client, key));
      if (revoked === null) throw new EngineError('not_found', `message ${ref.id} not found in chat ${ref.chatId}`);
      if (!revoked) {
        throw new EngineError(
          'rejected',
          `message ${ref.id} can no longer be deleted for everyone (WhatsApp allows it for a limited time after sending, and for others' messages only to group admins)`,
        );
      }
    },
    ...messageActions(ops),
  };
}

/** The quoted message's key (it must be one WhatsApp Web holds: `not_found` otherwise). */
async function resolveOptions(ops: WwebjsOps, options: SendOptions): Promise<ResolvedSendOptions> {
  const { quoted, ...rest } = options;
  return quoted ? { ...rest, quotedKey: await findKey(ops, quoted) } : rest;
}

/** One send to a resolved recipient; an answer without the message adopts the id of its echo. */
async function sendTo(ops: WwebjsOps, recipient: string, to: string, content: OutgoingContent, extra: ResolvedSendOptions): Promise<SentMessage> {
  const { client } = ops.session.openClient();
  const { content: body, options, echo: shape } = withSendOptions(toLibrarySend(content, ops.classes()), content.kind, extra);
  return sentOrEcho(ops, [recipient, toLibraryId(to)], shape, `sending a ${content.kind} message to ${to}`, () => client.sendMessage(recipient, body, options));
}
