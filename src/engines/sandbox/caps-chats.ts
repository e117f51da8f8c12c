import { isGroupJid, jidToPhone, phoneToJid } from '../../ids.js';
import { EngineError, type ChatsCapability, type ContactInfo, type ContactsCapability } from '../engine.js';
import { requireChatTarget } from './sandbox-basics.js';
import type { SandboxSelf } from './sandbox-self.js';

/** WhatsApp pins at most this many chats. */
const MAX_PINNED = 3;

/** Acting on chats, and looking people up on the simulated network. */
export function chatCapabilities(engine: SandboxSelf): { chats: ChatsCapability; contacts: ContactsCapability } {
  const network = engine.network;

  const inChat = (chatId: string) => {
    const me = engine.requireOpen();
    requireChatTarget(chatId);
    if (isGroupJid(chatId)) network.groups.requireMember(chatId, me.phone);
    return me;
  };

  /** A linked account's profile, or the little a simulated contact shows. */
  const personOf = (id: string): ContactInfo | null => {
    const phone = jidToPhone(id);
    if (!phone || !network.numberExists(phone)) return null;
    const profile = network.peerByPhone(phone)?.peerProfile();
    if (profile) return { id, name: null, notify: profile.name, about: profile.about, isBusiness: profile.business, picture: profile.picture };
    return { id, name: null, notify: null, about: null, isBusiness: false, picture: null };
  };

  const chats: ChatsCapability = {
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
    async markUnread(chatId) {
      inChat(chatId);
    },
    async setPinned(chatId, pinned) {
      inChat(chatId);
      const current = engine.state().pinned.filter((c) => c !== chatId);
      if (pinned && current.length >= MAX_PINNED) {
        throw new EngineError('rejected', `WhatsApp pins at most ${MAX_PINNED} chats (${current.join(', ')} are pinned): unpin one first`);
      }
      engine.update({ pinned: pinned ? [...current, chatId] : current });
    },
    async setMuted(chatId) {
      inChat(chatId);
    },
    async sendPresence(chatId, state) {
      const me = inChat(chatId);
      network.relay(engine, chatId, (theirChat) => ({ type: 'presence', presence: { chatId: theirChat, from: me.id, state } }), true);
    },
  };

  const contacts: ContactsCapability = {
    async getContact(id) {
      engine.requireOpen();
      const person = personOf(id);
      return person ? { id, name: null, notify: person.notify } : null;
    },
    async checkNumber(phone) {
      engine.requireOpen();
      const exists = network.numberExists(phone);
      return { exists, jid: exists ? phoneToJid(phone) : null };
    },
    async getProfilePicture(id) {
      const me = engine.requireOpen();
      if (isGroupJid(id)) return network.groups.isMember(id, me.phone) ? network.groups.picture(id) : null;
      return personOf(id)?.picture ?? null;
    },
    async setBlocked(id, blocked) {
      engine.requireOpen();
      if (blocked) engine.blocked.add(id);
      else engine.blocked.delete(id);
    },
    async getInfo(id) {
      engine.requireOpen();
      return personOf(id);
    },
  };

  return { chats, contacts };
}
