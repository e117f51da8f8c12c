import { bodyOf } from '../content.js';
import { isGroupJid } from '../../ids.js';
import { EngineError, type EngineMessage, type MessageRef, type MessagesCapability, type SendOptions } from '../engine.js';
import { requireChatTarget, sandboxMessageId } from './sandbox-basics.js';
import type { SandboxSelf } from './sandbox-self.js';

/** WhatsApp lets the sender edit a message for this long. */
const EDIT_WINDOW_SECONDS = 15 * 60;

/** Sending and acting on messages; what others should see travels over the network as events. */
export function messagesCapability(engine: SandboxSelf): MessagesCapability {
  const network = engine.network;

  /** The checks and the routing every message this phone sends goes through. */
  const dispatch = (message: Omit<EngineMessage, 'id' | 'from' | 'fromMe' | 'timestamp' | 'chatId'>) => {
    const me = engine.requireOpen();
    const to = message.to;
    if (isGroupJid(to)) {
      if (!network.groups.isMember(to, me.phone)) throw new EngineError('not_found', `group ${to} not found, or this account is not in it`);
      if (!network.groups.mayPost(to, me.phone)) throw new EngineError('rejected', `only admins may send messages to group ${to} (it is announce-only)`);
    }
    const lockedFor = engine.timelockUntil === null ? 0 : Math.ceil((engine.timelockUntil - Date.now()) / 1000);
    if (lockedFor > 0 && !isGroupJid(to) && !engine.inContact.has(to)) {
      throw new EngineError('reachout_timelock', `WhatsApp refused a message to a new contact (${to}): reach-out timelock (463) for ${lockedFor} s more`, {
        'Retry-After': String(lockedFor),
      });
    }
    const sent: EngineMessage = { ...message, id: sandboxMessageId(), chatId: to, from: me.id, fromMe: true, timestamp: network.nowSeconds(), senderName: me.name };
    engine.inContact.add(to);
    // The phone holds what it sent, confirmed by the server or not (history, backfill).
    engine.phone.hold(sent);
    if (engine.serverAcks.held) {
      // The phone took it, WhatsApp's server has not (the server-ack control): it waits, as a clock.
      engine.serverAcks.hold(() => {
        engine.ctx.emit({ type: 'ack', ack: { id: sent.id, chatId: to, status: 'sent' } });
        network.route(engine, sent);
      });
      return { id: sent.id, timestamp: sent.timestamp, status: 'pending' as const };
    }
    network.route(engine, sent);
    return { id: sent.id, timestamp: sent.timestamp };
  };

  /** The group checks of acting on a message in a group: the account must be in it. */
  const requireIn = (ref: MessageRef) => {
    const me = engine.requireOpen();
    requireChatTarget(ref.chatId);
    if (isGroupJid(ref.chatId)) network.groups.requireMember(ref.chatId, me.phone);
    return me;
  };

  return {
    async send(to, content, options: SendOptions = {}) {
      const message: Omit<EngineMessage, 'id' | 'from' | 'fromMe' | 'timestamp' | 'chatId'> = { to, kind: content.kind, body: bodyOf(content) };
      if ('media' in content) message.media = content.media;
      if (content.kind === 'location') message.location = content.location;
      if (content.kind === 'poll_creation') message.poll = content.poll;
      if (content.kind === 'vcard') message.vcard = content.vcard;
      if (options.quoted) message.quotedId = options.quoted.id;
      if (options.mentions?.length) message.mentions = [...options.mentions];
      if (options.viewOnce && (content.kind === 'image' || content.kind === 'video')) message.viewOnce = true;
      return dispatch(message);
    },

    async forward(ref, to) {
      requireIn(ref);
      const original = network.contentOf(ref.id);
      if (!original) throw new EngineError('not_found', `message ${ref.id} is no longer on this phone (the sandbox keeps the last 500 messages for forwarding)`);
      const { kind, body, media, location, poll, vcard } = original;
      return dispatch({ to, kind, body, forwarded: true, ...(media ? { media } : {}), ...(location ? { location } : {}), ...(poll ? { poll } : {}), ...(vcard ? { vcard } : {}) });
    },

    async react(ref, emoji) {
      const me = requireIn(ref);
      network.relay(engine, ref.chatId, (chatId) => ({
        type: 'reaction',
        reaction: { id: ref.id, chatId, from: me.id, fromMe: false, emoji, timestamp: network.nowSeconds() },
      }));
    },

    async revoke(ref) {
      const me = requireIn(ref);
      if (!ref.fromMe) {
        if (!isGroupJid(ref.chatId)) throw new EngineError('rejected', `message ${ref.id} was not sent by this account`);
        network.groups.requireAdmin(ref.chatId, me.phone, "delete others' messages");
      }
      network.relay(engine, ref.chatId, (chatId) => ({ type: 'message_revoke', revoke: { id: ref.id, chatId, from: me.id, timestamp: network.nowSeconds() } }));
    },

    async deleteForMe(ref) {
      requireIn(ref);
    },

    async edit(ref, body) {
      const me = requireIn(ref);
      const carried = network.carriedMessage(ref.id);
      if (!ref.fromMe || (carried && carried.senderPhone !== me.phone)) throw new EngineError('rejected', `message ${ref.id} was not sent by this account; only your own messages can be edited`);
      const age = carried ? network.nowSeconds() - carried.timestamp : 0;
      if (age > EDIT_WINDOW_SECONDS) {
        throw new EngineError('rejected', `WhatsApp allows editing a message for 15 minutes after it was sent; message ${ref.id} is ${Math.floor(age / 60)} minutes old`);
      }
      network.relay(engine, ref.chatId, (chatId) => ({ type: 'message_edit', edit: { id: ref.id, chatId, from: me.id, body, timestamp: network.nowSeconds() } }));
    },

    async star(ref) {
      requireIn(ref);
    },

    async markRead(ref) {
      requireIn(ref);
      network.read(engine, [ref.id]);
    },
  };
}
