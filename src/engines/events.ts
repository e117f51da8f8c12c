/** What engines report besides messages, acks and upserts: the payloads of the EngineEvent union (engine.ts). */

export interface MessageEdit {
  /** The edited message's id. */
  id: string;
  chatId: string;
  /** Who edited it (its author). */
  from: string;
  /** The new text. */
  body: string;
  /** Unix seconds of the edit. */
  timestamp: number;
}

export interface MessageRevoke {
  /** The revoked message's id. */
  id: string;
  chatId: string;
  /** Who deleted it (its author, or a group admin). */
  from: string;
  timestamp: number;
}

export interface ReactionEvent {
  /** The message reacted to. */
  id: string;
  chatId: string;
  /** Who reacted. */
  from: string;
  fromMe: boolean;
  /** '' when the reaction was removed. */
  emoji: string;
  timestamp: number;
}

export interface PollVote {
  /** The poll message's id. */
  pollId: string;
  chatId: string;
  voter: string;
  /** The option names now selected (empty: the vote was withdrawn). */
  selected: string[];
  timestamp: number;
}

export type GroupChangeAction = 'join' | 'leave' | 'promote' | 'demote' | 'subject' | 'description' | 'announce' | 'locked' | 'picture';

export interface GroupChange {
  groupId: string;
  action: GroupChangeAction;
  /** The members concerned (join, leave, promote, demote); empty for settings. */
  participants: string[];
  /** Who did it, when known. */
  actor: string | null;
  /** The new subject or description, or the new setting. */
  value?: string | boolean;
  timestamp: number;
}

export type ChatPresence = 'composing' | 'recording' | 'paused';
export type OwnPresence = 'available' | 'unavailable';

export interface PresenceEvent {
  /** The chat it was seen in (the person's own id for their online state). */
  chatId: string;
  from: string;
  state: ChatPresence | OwnPresence;
  /** Unix seconds last seen, when the state is unavailable and WhatsApp tells. */
  lastSeen?: number | null;
}

export interface CallEvent {
  id: string;
  from: string;
  isVideo: boolean;
  isGroup: boolean;
  timestamp: number;
  /** offer: ringing; ended: hung up or missed; rejected: Hatline rejected it (rejectCalls). */
  status: 'offer' | 'ended' | 'rejected';
}
