import type { MessageEdit, MessageRevoke, PollVote, ReactionEvent } from '../../engines/engine.js';
import * as repo from '../../storage/messages-repo.js';
import * as votesRepo from '../../storage/poll-votes-repo.js';
import * as reactionsRepo from '../../storage/reactions-repo.js';
import type { WriteQueue } from '../../storage/write-batch.js';
import type { EventSink } from '../events.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import type { InboundMessages } from './inbound.js';

export interface MessageEventsOptions {
  writes: WriteQueue;
  registry: InstanceRegistry;
  inbound: Pick<InboundMessages, 'enqueue'>;
  events: EventSink;
}

/**
 * What others (and the linked phone) do to messages, as engines report it: edits, deletes for
 * everyone, reactions and poll votes. Each is applied to the stored message (when the store has
 * it) and recorded as its webhook event in the same transaction, in the order of the instance's
 * other engine events (so an edit never overtakes the message it edits).
 */
export function storeMessageEvents(opts: MessageEventsOptions): void {
  const { registry, inbound, writes, events } = opts;
  const me = (instanceId: string) => (registry.has(instanceId) ? registry.get(instanceId).account?.id : undefined);

  const edited = (instanceId: string, edit: MessageEdit) =>
    writes.run(async (trx) => {
      const row = await repo.findMessage(trx, instanceId, edit.id);
      if (row) await repo.applyEdit(trx, instanceId, edit.id, edit.body, edit.timestamp);
      await events.record(trx, instanceId, {
        event: 'message_edited',
        data: {
          id: edit.id,
          chatId: edit.chatId,
          from: edit.from,
          fromMe: edit.from === me(instanceId),
          body: edit.body,
          previousBody: row && row.type !== 'revoked' ? (row.body ?? '') : null,
          timestamp: edit.timestamp,
        },
      });
    });

  const revoked = (instanceId: string, revoke: MessageRevoke) =>
    writes.run(async (trx) => {
      await repo.applyRevoke(trx, instanceId, revoke.id);
      await reactionsRepo.deleteReactionsOf(trx, instanceId, revoke.id);
      await events.record(trx, instanceId, {
        event: 'message_revoked',
        data: { id: revoke.id, chatId: revoke.chatId, from: revoke.from, fromMe: revoke.from === me(instanceId), timestamp: revoke.timestamp },
      });
    });

  const reacted = (instanceId: string, r: ReactionEvent) =>
    writes.run(async (trx) => {
      // Reactions are kept for the messages the store has (shown with them in the history).
      const row = await repo.findMessage(trx, instanceId, r.id);
      if (row) {
        await reactionsRepo.recordReaction(trx, {
          instanceId,
          messageId: r.id,
          chatId: row.chat_id,
          sender: r.from,
          emoji: r.emoji,
          fromMe: r.fromMe,
          timestamp: r.timestamp,
        });
      }
      await events.record(trx, instanceId, {
        event: 'message_reaction',
        data: { id: r.id, chatId: r.chatId, from: r.from, fromMe: r.fromMe, emoji: r.emoji, timestamp: r.timestamp },
      });
    });

  const voted = (instanceId: string, v: PollVote) =>
    writes.run(async (trx) => {
      const poll = await repo.findMessage(trx, instanceId, v.pollId);
      if (poll?.type === 'poll_creation') {
        await votesRepo.recordVote(trx, { instanceId, pollId: v.pollId, chatId: poll.chat_id, voter: v.voter, selected: v.selected, timestamp: v.timestamp });
      }
      await events.record(trx, instanceId, {
        event: 'poll_vote',
        data: { pollId: v.pollId, chatId: v.chatId, voter: v.voter, selected: v.selected, timestamp: v.timestamp },
      });
    });

  registry.onEngineEvent('message_edit', (instanceId, e) => inbound.enqueue(instanceId, () => edited(instanceId, e.edit)));
  registry.onEngineEvent('message_revoke', (instanceId, e) => inbound.enqueue(instanceId, () => revoked(instanceId, e.revoke)));
  registry.onEngineEvent('reaction', (instanceId, e) => inbound.enqueue(instanceId, () => reacted(instanceId, e.reaction)));
  registry.onEngineEvent('poll_vote', (instanceId, e) => inbound.enqueue(instanceId, () => voted(instanceId, e.vote)));
}
