import { randomBytes } from 'node:crypto';
import { bodyOf } from '../content.js';
import { isGroupJid, jidToPhone, phoneToJid } from '../../ids.js';
import {
  EngineError,
  type ChatsCapability,
  type ContactsCapability,
  type EngineMessage,
  type GroupsCapability,
  type MessageKind,
  type MessagesCapability,
} from '../engine.js';
import type { SandboxSelf } from './sandbox-self.js';

/** A WhatsApp-looking message id: `3EB0` and 16 hex digits. */
export function sandboxMessageId(): string {
  return `3EB0${randomBytes(8).toString('hex').toUpperCase()}`;
}

export function kindOfMime(mimetype: string): MessageKind {
  if (mimetype === 'image/webp') return 'sticker';
  if (mimetype.startsWith('image/')) return 'image';
  if (mimetype.startsWith('video/')) return 'video';
  if (mimetype.startsWith('audio/ogg')) return 'ptt';
  if (mimetype.startsWith('audio/')) return 'audio';
  return 'document';
}

function requireChatTarget(chatId: string): void {
  if (!isGroupJid(chatId) && !jidToPhone(chatId)) throw new EngineError('not_found', `unknown chat ${chatId}`);
}

/** The sandbox's capability groups: what a real WhatsApp connection does, on the simulated network. */
export function sandboxCapabilities(engine: SandboxSelf): {
  messages: MessagesCapability;
  chats: ChatsCapability;
  contacts: ContactsCapability;
  groups: GroupsCapability;
} {
  const network = engine.network;
  return {
    messages: {
      async send(to, content) {
        const me = engine.requireOpen();
        if (isGroupJid(to) && !network.isMember(to, me.phone)) {
          throw new EngineError('not_found', `group ${to} not found, or this account is not in it`);
        }
        const message: EngineMessage = {
          id: sandboxMessageId(),
          chatId: to,
          from: me.id,
          to,
          fromMe: true,
          kind: content.kind,
          body: bodyOf(content),
          timestamp: network.nowSeconds(),
          senderName: me.name,
        };
        if ('media' in content) message.media = content.media;
        if (content.kind === 'location') message.location = content.location;
        if (content.kind === 'poll_creation') message.poll = content.poll;
        if (content.kind === 'vcard') message.vcard = content.vcard;
        network.route(engine, message);
        return { id: message.id, timestamp: message.timestamp };
      },
      async react(ref) {
        engine.requireOpen();
        requireChatTarget(ref.chatId);
      },
      async revoke(ref) {
        engine.requireOpen();
        requireChatTarget(ref.chatId);
      },
    },
    chats: {
      async markRead(_chatId, unread) {
        engine.requireOpen();
        network.read(engine, unread.map((ref) => ref.id));
      },
      async setArchived(chatId) {
        engine.requireOpen();
        requireChatTarget(chatId);
      },
      async deleteChat() {
        engine.requireOpen();
      },
    },
    contacts: {
      async getContact(id) {
        engine.requireOpen();
        const phone = jidToPhone(id);
        return phone && network.numberExists(phone) ? { id, name: null, notify: null } : null;
      },
      async checkNumber(phone) {
        engine.requireOpen();
        const exists = network.numberExists(phone);
        return { exists, jid: exists ? phoneToJid(phone) : null };
      },
      async getProfilePicture() {
        engine.requireOpen();
        return null;
      },
      async setBlocked(id, blocked) {
        engine.requireOpen();
        if (blocked) engine.blocked.add(id);
        else engine.blocked.delete(id);
      },
    },
    groups: {
      async getGroup(id) {
        const me = engine.requireOpen();
        return network.isMember(id, me.phone) ? network.group(id) : null;
      },
    },
  };
}
