import type { SentMessage } from '../../engines/engine.js';
import { AppError, conflict } from '../../errors.js';
import { isGroupJid } from '../../ids.js';
import * as chatsRepo from '../../storage/chats-repo.js';
import type { Db } from '../../storage/db.js';
import * as repo from '../../storage/messages-repo.js';
import * as votesRepo from '../../storage/poll-votes-repo.js';
import * as reactionsRepo from '../../storage/reactions-repo.js';
import { transact } from '../../storage/transact.js';
import { capabilityOf, operationOf } from '../instances/capability.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import type { InboundMessages } from './inbound.js';
import type { OutgoingMessages } from './outgoing.js';
import { refOf } from './rows.js';
import { requireMessage, requireMessageIn } from './stored-message.js';

/** Message kinds whose text can be edited (the text itself, or a caption). */
const EDITABLE = new Set(['chat', 'image', 'video', 'document']);

export interface MessageActionsOptions {
  db: Db;
  registry: InstanceRegistry;
  outgoing: Pick<OutgoingMessages, 'onQueue' | 'forward'>;
  inbound: Pick<InboundMessages, 'settled'>;
  now: () => number;
}

/**
 * What can be done to a stored message: react, edit, forward, star, mark read, delete for me or for
 * everyone. Each checks the capability (501) and the connection (409) first, then the message
 * (404 naming msgId), asks WhatsApp, and records the outcome in the store. Actions that reach the
 * other side go through the instance's send queue, `sendDelay` apart from sends.
 */
export class MessageActions {
  constructor(private readonly opts: MessageActionsOptions) {}

  /** An empty emoji removes this account's reaction. */
  async react(instanceId: string, chatId: string, messageId: string, emoji: string): Promise<void> {
    const messages = capabilityOf(this.opts.registry, instanceId, 'messages');
    const row = await this.message(instanceId, chatId, messageId);
    if (row.type === 'revoked') throw conflict(`msgId: message ${messageId} was deleted for everyone; it cannot be reacted to`);
    await this.opts.outgoing.onQueue(instanceId, () => messages.react(refOf(row), emoji));
    await reactionsRepo.recordReaction(this.opts.db, {
      instanceId,
      messageId,
      chatId,
      sender: this.me(instanceId),
      emoji,
      fromMe: true,
      timestamp: this.nowSeconds(),
    });
  }

  async deleteForEveryone(instanceId: string, chatId: string, messageId: string): Promise<void> {
    const messages = capabilityOf(this.opts.registry, instanceId, 'messages');
    const row = await this.message(instanceId, chatId, messageId);
    if (row.from_me !== 1 && !isGroupJid(chatId)) {
      throw conflict(`msgId: message ${messageId} was not sent by this account; only your own messages can be deleted for everyone`);
    }
    await this.opts.outgoing.onQueue(instanceId, () => messages.revoke(refOf(row)));
    await transact(this.opts.db, async (trx) => {
      await repo.applyRevoke(trx, instanceId, messageId);
      await reactionsRepo.deleteReactionsOf(trx, instanceId, messageId);
    });
  }

  /** Deletes a message from this account only: it leaves the history too. */
  async deleteForMe(instanceId: string, chatId: string, messageId: string): Promise<void> {
    const deleteForMe = operationOf(this.opts.registry, instanceId, 'messages', 'deleteForMe');
    const row = await this.message(instanceId, chatId, messageId);
    await deleteForMe(refOf(row));
    await transact(this.opts.db, async (trx) => {
      await repo.deleteMessage(trx, instanceId, messageId);
      await reactionsRepo.deleteReactionsOf(trx, instanceId, messageId);
      await votesRepo.deleteVotesOn(trx, instanceId, messageId);
      if (row.from_me === 0 && row.seen === 0) await chatsRepo.readOne(trx, instanceId, chatId, true);
    });
  }

  /** A new text for a message this account sent (WhatsApp allows it for 15 minutes). */
  async edit(instanceId: string, chatId: string, messageId: string, body: string): Promise<void> {
    const edit = operationOf(this.opts.registry, instanceId, 'messages', 'edit');
    const row = await this.message(instanceId, chatId, messageId);
    if (row.from_me !== 1) throw conflict(`msgId: message ${messageId} was not sent by this account; only your own messages can be edited`);
    if (!EDITABLE.has(row.type) || (row.type !== 'chat' && row.caption === null)) {
      throw conflict(`msgId: message ${messageId} is a ${row.type === 'revoked' ? 'deleted message' : `${row.type} message without text`}; only a text or a caption can be edited`);
    }
    if (row.status === 'pending' || row.status === 'failed') throw conflict(`msgId: message ${messageId} is ${row.status}; only a sent message can be edited`);
    await this.opts.outgoing.onQueue(instanceId, () => edit(refOf(row), body));
    await repo.applyEdit(this.opts.db, instanceId, messageId, body, this.nowSeconds());
  }

  /** Sends a copy of a stored message to `to`, marked forwarded; `chatId` (optional) is where the message is. */
  async forward(instanceId: string, messageId: string, to: string, chatId?: string): Promise<SentMessage> {
    operationOf(this.opts.registry, instanceId, 'messages', 'forward');
    const row = chatId !== undefined ? await this.message(instanceId, chatId, messageId) : await requireMessage(this.opts.db, instanceId, messageId);
    if (row.type === 'revoked') throw conflict(`msgId: message ${messageId} was deleted for everyone; it cannot be forwarded`);
    if (row.status === 'pending' || row.status === 'failed') throw conflict(`msgId: message ${messageId} is ${row.status}; only a message WhatsApp has can be forwarded`);
    return this.opts.outgoing.forward(instanceId, to, row);
  }

  async star(instanceId: string, chatId: string, messageId: string, starred: boolean): Promise<void> {
    const star = operationOf(this.opts.registry, instanceId, 'messages', 'star');
    const row = await this.message(instanceId, chatId, messageId);
    await star(refOf(row), starred);
    await repo.setStarred(this.opts.db, instanceId, messageId, starred);
  }

  /** Sends the read receipt of one incoming message (the sender sees blue ticks for it). */
  async markRead(instanceId: string, chatId: string, messageId: string): Promise<void> {
    const markRead = operationOf(this.opts.registry, instanceId, 'messages', 'markRead');
    const row = await this.message(instanceId, chatId, messageId);
    if (row.from_me === 1) throw conflict(`msgId: message ${messageId} was sent by this account; only incoming messages are marked read`);
    await markRead(refOf(row));
    await transact(this.opts.db, async (trx) => {
      const wasUnread = await repo.markMessageSeen(trx, instanceId, messageId);
      await chatsRepo.readOne(trx, instanceId, chatId, wasUnread);
    });
  }

  private async message(instanceId: string, chatId: string, messageId: string) {
    await this.opts.inbound.settled(instanceId);
    return requireMessageIn(this.opts.db, instanceId, chatId, messageId);
  }

  private me(instanceId: string): string {
    const account = this.opts.registry.get(instanceId).account;
    if (!account) throw new AppError('not_connected', `instance ${instanceId} is not linked to an account`);
    return account.id;
  }

  private nowSeconds(): number {
    return Math.floor(this.opts.now() / 1000);
  }
}
