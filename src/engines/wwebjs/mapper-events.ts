/**
 * The library's events of issue 14 -> the engine's event payloads (events.ts). Every id goes
 * through the LidResolver; callers resolve LIDs (the `ids*` helpers name them) before mapping.
 */
import type { Account, CallEvent, GroupChange, GroupChangeAction, MessageEdit, MessageRevoke, PollVote, ReactionEvent } from '../engine.js';
import type { LidResolver } from './ids.js';
import { widString } from './keys.js';
import type { LibCall, LibGroupNotification, LibPollVote, LibReaction } from './library-actions.js';
import type { LibMessage } from './library-types.js';
import type { GroupRecord } from './page-ops.js';

const now = () => Math.floor(Date.now() / 1000);

/** The chat and author of a message, as the API names them. */
function placeOf(msg: LibMessage, me: Account, ids: LidResolver): { chatId: string; from: string } {
  const chatId = ids.toApi(msg.fromMe ? msg.to : msg.from);
  return { chatId, from: msg.fromMe ? me.id : ids.toApi(msg.author ?? msg.from) };
}

/**
 * WhatsApp Web's `change:body`/`change:caption` (the library's `message_edit`) also fires when a
 * body is first filled in (a message decrypted late) and when a revoke clears it; only a text that
 * replaced another is an edit.
 */
export function isEdit(msg: LibMessage, newBody: unknown, prevBody: unknown): newBody is string {
  return typeof newBody === 'string' && typeof prevBody === 'string' && prevBody !== '' && newBody !== prevBody && msg.type !== 'revoked';
}

export function toMessageEdit(msg: LibMessage, body: string, me: Account, ids: LidResolver): MessageEdit {
  const edited = (msg.rawData as { latestEditSenderTimestampMs?: unknown }).latestEditSenderTimestampMs;
  const timestamp = typeof edited === 'number' && edited > 0 ? Math.floor(edited / 1000) : now();
  return { id: msg.id.id, ...placeOf(msg, me, ids), body, timestamp };
}

export function toMessageRevoke(msg: LibMessage, me: Account, ids: LidResolver): MessageRevoke {
  return { id: msg.id.id, ...placeOf(msg, me, ids), timestamp: now() };
}

/** The ids a reaction mentions, for one LID lookup. */
export function idsOfReaction(reaction: LibReaction): string[] {
  return [widString(reaction.msgId?.remote), reaction.senderId].filter((id): id is string => typeof id === 'string');
}

export function toReaction(reaction: LibReaction, me: Account, ids: LidResolver): ReactionEvent | null {
  const chat = widString(reaction.msgId?.remote);
  if (!chat || !reaction.msgId?.id) return null;
  const sender = reaction.senderId ?? '';
  const fromMe = Boolean(reaction.id?.fromMe) || ids.toApi(sender) === me.id;
  return {
    id: reaction.msgId.id,
    chatId: ids.toApi(chat),
    from: fromMe ? me.id : ids.toApi(sender),
    fromMe,
    emoji: reaction.reaction ?? '',
    timestamp: reaction.timestamp > 0 ? Math.floor(reaction.timestamp) : now(),
  };
}

export function idsOfVote(vote: LibPollVote): string[] {
  return [widString(vote.parentMsgKey?.remote), vote.voter].filter((id): id is string => typeof id === 'string');
}

export function toPollVote(vote: LibPollVote, ids: LidResolver): PollVote | null {
  const chat = widString(vote.parentMsgKey?.remote);
  const pollId = vote.parentMsgKey?.id ?? vote.parentMessage?.id?.id;
  if (!chat || !pollId || typeof vote.voter !== 'string') return null;
  return {
    pollId,
    chatId: ids.toApi(chat),
    voter: ids.toApi(vote.voter),
    // Without the poll at hand WhatsApp Web names no option; its number is better than nothing.
    selected: (vote.selectedOptions ?? []).map((o) => o.name ?? `option ${o.localId}`),
    timestamp: vote.interractedAtTs ? Math.floor(vote.interractedAtTs / 1000) : now(),
  };
}

/** WhatsApp Web's gp2 subtypes (GroupNotification.type) that Hatline reports. */
const GROUP_ACTIONS: Record<string, GroupChangeAction> = {
  add: 'join',
  invite: 'join',
  linked_group_join: 'join',
  remove: 'leave',
  leave: 'leave',
  promote: 'promote',
  demote: 'demote',
  subject: 'subject',
  description: 'description',
  announce: 'announce',
  restrict: 'locked',
  picture: 'picture',
};
const ABOUT_MEMBERS = new Set<GroupChangeAction>(['join', 'leave', 'promote', 'demote']);

export function idsOfGroupNotification(notification: LibGroupNotification): string[] {
  return [notification.author, ...(notification.recipientIds ?? [])].filter((id): id is string => typeof id === 'string');
}

/**
 * A group notification as a GroupChange; the group as read afterwards gives the new subject,
 * description or setting (the notification's body when it could not be read). null: a notification
 * Hatline does not report (the group was created, a request to join, a number changed...).
 */
export function toGroupChange(notification: LibGroupNotification, group: GroupRecord | null, ids: LidResolver): GroupChange | null {
  const action = GROUP_ACTIONS[notification.type ?? ''];
  const groupId = notification.chatId;
  if (!action || !groupId) return null;
  const change: GroupChange = {
    groupId,
    action,
    participants: ABOUT_MEMBERS.has(action) ? (notification.recipientIds ?? []).map((id) => ids.toApi(String(id))) : [],
    actor: notification.author ? ids.toApi(notification.author) : null,
    timestamp: notification.timestamp && notification.timestamp > 0 ? notification.timestamp : now(),
  };
  if (action === 'subject') change.value = group?.subject ?? notification.body ?? '';
  if (action === 'description') change.value = group ? (group.desc ?? '') : (notification.body ?? '');
  if (action === 'announce' && group?.announce !== undefined) change.value = group.announce;
  if (action === 'locked' && group?.locked !== undefined) change.value = group.locked;
  return change;
}

export function toCallEvent(call: LibCall, ids: LidResolver): CallEvent {
  return {
    id: String(call.id),
    from: ids.toApi(call.from),
    isVideo: Boolean(call.isVideo),
    isGroup: Boolean(call.isGroup),
    timestamp: call.timestamp && call.timestamp > 0 ? call.timestamp : now(),
    status: 'offer',
  };
}
