import type { DbOrTrx } from './db.js';
import type { PollVoteRow } from './schema.js';

export interface VoteReport {
  instanceId: string;
  pollId: string;
  chatId: string;
  voter: string;
  /** The options now selected; none withdraws the vote. */
  selected: string[];
  /** Unix seconds. */
  timestamp: number;
}

/** One vote per person and poll: a new one replaces theirs, an empty one withdraws it. */
export async function recordVote(db: DbOrTrx, v: VoteReport): Promise<void> {
  if (v.selected.length === 0) {
    await db.deleteFrom('poll_votes').where('instance_id', '=', v.instanceId).where('poll_id', '=', v.pollId).where('voter', '=', v.voter).execute();
    return;
  }
  const row = { chat_id: v.chatId, selected: JSON.stringify(v.selected), timestamp: v.timestamp };
  await db
    .insertInto('poll_votes')
    .values({ instance_id: v.instanceId, poll_id: v.pollId, voter: v.voter, ...row })
    .onConflict((oc) => oc.columns(['instance_id', 'poll_id', 'voter']).doUpdateSet(row))
    .execute();
}

/** The votes on these polls, oldest first. */
export function votesOn(db: DbOrTrx, instanceId: string, pollIds: string[]): Promise<PollVoteRow[]> {
  if (pollIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('poll_votes')
    .selectAll()
    .where('instance_id', '=', instanceId)
    .where('poll_id', 'in', pollIds)
    .orderBy('timestamp')
    .orderBy('voter')
    .execute();
}

/** The options a vote selected (a damaged row selects none). */
export function selectedOf(row: Pick<PollVoteRow, 'selected'>): string[] {
  try {
    const parsed = JSON.parse(row.selected) as unknown;
    return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
}

export async function deleteVotesOn(db: DbOrTrx, instanceId: string, pollId: string): Promise<void> {
  await db.deleteFrom('poll_votes').where('instance_id', '=', instanceId).where('poll_id', '=', pollId).execute();
}

/** Forgets the votes of a chat (deleted), or of every chat of the instance (history cleared). */
export async function deleteVotesIn(db: DbOrTrx, instanceId: string, chatId?: string): Promise<void> {
  let q = db.deleteFrom('poll_votes').where('instance_id', '=', instanceId);
  if (chatId !== undefined) q = q.where('chat_id', '=', chatId);
  await q.execute();
}
