import { mediaUrl } from '../../media/paths.js';
import type { DbOrTrx } from '../../storage/db.js';
import { selectedOf, votesOn } from '../../storage/poll-votes-repo.js';
import { reactionsOf } from '../../storage/reactions-repo.js';
import type { MessageReactionRow, MessageRow, PollVoteRow } from '../../storage/schema.js';
import { parseExtra } from './rows.js';

export interface ReactionView {
  emoji: string;
  from: string;
  fromMe: boolean;
  timestamp: number;
}

export interface VoteView {
  voter: string;
  selected: string[];
  timestamp: number;
}

/** A stored message as the API shows it (history, chat messages, webhooks). */
export interface MessageView {
  id: string;
  chatId: string;
  from: string;
  to: string;
  fromMe: boolean;
  type: string;
  body: string;
  caption?: string;
  status: string;
  timestamp: number;
  senderName?: string;
  error?: string;
  media?: { url: string; mimetype: string; filename: string | null; size: number | null };
  location?: { lat: number; lng: number; name?: string; address?: string };
  poll?: { name: string; values: string[]; selectableCount: number };
  vcard?: string;
  /** The message this one replies to. */
  quotedMessageId?: string;
  mentions?: string[];
  forwarded?: true;
  viewOnce?: true;
  starred?: true;
  /** Unix seconds of the last edit, and the text before the first one. */
  editedAt?: number;
  originalBody?: string;
  reactions?: ReactionView[];
  /** Polls: the votes, one per voter. */
  votes?: VoteView[];
}

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);

export function rowToMessage(row: MessageRow, publicUrl: string, reactions: MessageReactionRow[] = [], votes: PollVoteRow[] = []): MessageView {
  const view: MessageView = {
    id: row.id,
    chatId: row.chat_id,
    from: row.from_jid,
    to: row.to_jid,
    fromMe: row.from_me === 1,
    type: row.type,
    body: row.body ?? '',
    status: row.status,
    timestamp: row.timestamp,
  };
  if (row.caption !== null) view.caption = row.caption;
  if (row.sender_name) view.senderName = row.sender_name;
  if (row.error) view.error = row.error;
  if (row.media_file) {
    view.media = {
      url: mediaUrl(publicUrl, row.instance_id, row.media_file),
      mimetype: row.media_mimetype ?? 'application/octet-stream',
      filename: row.media_filename,
      size: row.media_size,
    };
  }
  // A damaged extra column reads as empty: it must not break the history.
  const extra = parseExtra(row.extra) as Partial<Pick<MessageView, 'location' | 'poll' | 'vcard'>> & Record<string, unknown>;
  if (extra.location) view.location = extra.location;
  if (extra.poll) view.poll = extra.poll;
  if (extra.vcard) view.vcard = extra.vcard;
  if (typeof extra.quotedId === 'string') view.quotedMessageId = extra.quotedId;
  const mentions = strings(extra.mentions);
  if (mentions?.length) view.mentions = mentions;
  if (extra.forwarded === true) view.forwarded = true;
  if (extra.viewOnce === true) view.viewOnce = true;
  if (row.starred === 1) view.starred = true;
  if (row.edited_at !== null) view.editedAt = row.edited_at;
  if (row.original_body !== null) view.originalBody = row.original_body;
  if (reactions.length) view.reactions = reactions.map((r) => ({ emoji: r.emoji, from: r.sender, fromMe: r.from_me === 1, timestamp: r.timestamp }));
  if (votes.length) view.votes = votes.map((v) => ({ voter: v.voter, selected: selectedOf(v), timestamp: v.timestamp }));
  return view;
}

/** Message views of stored rows with their reactions and poll votes (two look-ups for the whole page). */
export async function withReactionsAndVotes(db: DbOrTrx, rows: MessageRow[], publicUrl: string): Promise<MessageView[]> {
  if (rows.length === 0) return [];
  const instanceId = rows[0]!.instance_id;
  const reactions = await reactionsOf(db, instanceId, rows.map((r) => r.id));
  const votes = await votesOn(db, instanceId, rows.filter((r) => r.type === 'poll_creation').map((r) => r.id));
  const byMessage = <T>(list: T[], key: (t: T) => string) => {
    const map = new Map<string, T[]>();
    for (const item of list) map.set(key(item), [...(map.get(key(item)) ?? []), item]);
    return map;
  };
  const reactionsBy = byMessage(reactions, (r) => r.message_id);
  const votesBy = byMessage(votes, (v) => v.poll_id);
  return rows.map((row) => rowToMessage(row, publicUrl, reactionsBy.get(row.id), votesBy.get(row.id)));
}
