import { isGroupJid, jidToPhone } from '../../ids.js';
import * as chatsRepo from '../../storage/chats-repo.js';
import * as contactsRepo from '../../storage/contacts-repo.js';
import type { DbOrTrx } from '../../storage/db.js';

/** A stored message, as far as its chat and its people are concerned. */
export interface StoredMessageFacts {
  chatId: string;
  /** Who wrote it; the account itself for its own messages. */
  from: string;
  fromMe: boolean;
  senderName: string | null;
  /** Unix seconds. */
  timestamp: number;
  seq: number;
}

/**
 * What storing a message means for the chat list and the contacts, written in the same
 * transaction as the message: the chat moves up (and counts one more unread when incoming), the
 * person who wrote is a contact with their newest push name, and whoever is written to is one too.
 */
export async function recordOnChat(trx: DbOrTrx, instanceId: string, m: StoredMessageFacts): Promise<void> {
  const isGroup = isGroupJid(m.chatId);
  await chatsRepo.touchChat(trx, { instanceId, chatId: m.chatId, isGroup, timestamp: m.timestamp, seq: m.seq, incoming: !m.fromMe });
  const people: contactsRepo.ContactReport[] = [];
  if (!m.fromMe && jidToPhone(m.from)) people.push({ id: m.from, notify: m.senderName });
  if (!isGroup && jidToPhone(m.chatId) && m.chatId !== m.from) people.push({ id: m.chatId });
  if (people.length) await contactsRepo.upsertContacts(trx, instanceId, people);
}
