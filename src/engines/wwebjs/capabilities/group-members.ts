import { EngineError, type EngineGroup, type GroupsCapability, type ParticipantAction, type ParticipantResult } from '../../engine.js';
import { toLibraryId } from '../ids.js';
import { widString } from '../keys.js';
import type { LibAddParticipantsResult, LibMembershipAnswer } from '../library-actions.js';
import { groupChatOf, groupNow, requireAdmin } from './group-of.js';
import type { WwebjsOps } from './ops.js';

type Members = Required<Pick<GroupsCapability, 'updateParticipants' | 'joinRequests' | 'answerJoinRequests'>>;

const SUCCESS = 'Action success';
const VERB: Record<ParticipantAction, string> = { add: 'add', remove: 'remove', promote: 'promote', demote: 'demote' };

const ok = (participant: string): ParticipantResult => ({ participant, status: 'success', message: SUCCESS });
const failed = (participant: string, message: string): ParticipantResult => ({ participant, status: 'error', message });

/**
 * Members and join requests. GroupChat.addParticipants answers per participant; remove, promote and
 * demote answer `{ status: 200 }` whatever happened (they skip a non-member silently), so their
 * per-participant answer is what the group looks like afterwards.
 */
export function groupMembers(ops: WwebjsOps): Members {
  return {
    async updateParticipants(groupId, action, participants) {
      const before = await requireAdmin(ops, groupId, `${VERB[action]} members`);
      const chat = await groupChatOf(ops, groupId);
      if (action === 'add') {
        const answer = await ops.call('adding members', () => chat.addParticipants(participants.map(toLibraryId), { sleep: null }));
        return addResults(participants, answer);
      }
      const member = (id: string) => before.participants.find((p) => p.id === id);
      const present = participants.filter((p) => member(p));
      if (present.length > 0) {
        const ids = present.map(toLibraryId);
        const work = action === 'remove' ? () => chat.removeParticipants(ids) : action === 'promote' ? () => chat.promoteParticipants(ids) : () => chat.demoteParticipants(ids);
        await ops.call(`${action === 'remove' ? 'removing' : action === 'promote' ? 'promoting' : 'demoting'} members`, work);
      }
      const after = await groupNow(ops, groupId);
      return participants.map((p) => (member(p) ? outcome(p, action, after) : failed(p, 'not a member of this group')));
    },
    async joinRequests(groupId) {
      const { client } = ops.session.openClient();
      await requireAdmin(ops, groupId, 'see requests to join');
      const requests = await ops.call('reading the requests to join', () => client.getGroupMembershipRequests(groupId));
      const ids = requests.map((r) => widString(r.id) ?? '');
      await ops.session.ids.resolve(ids);
      return requests.map((r, i) => ({ id: ops.session.ids.toApi(ids[i]!), requestedAt: typeof r.t === 'number' && r.t > 0 ? r.t : null }));
    },
    async answerJoinRequests(groupId, participants, approve) {
      const { client } = ops.session.openClient();
      await requireAdmin(ops, groupId, `${approve ? 'approve' : 'reject'} requests to join`);
      // Requests are filed under the id WhatsApp Web knows the person by (a LID in LID groups).
      const requesterIds = participants.map((p) => ops.session.ids.toLibraryChat(p));
      const options = { requesterIds, sleep: null };
      const answers = await ops.call(approve ? 'approving requests to join' : 'rejecting requests to join', () =>
        approve ? client.approveGroupMembershipRequests(groupId, options) : client.rejectGroupMembershipRequests(groupId, options),
      );
      return joinResults(ops, participants, requesterIds, answers);
    },
  };
}

/** addParticipants' answer per participant, keyed by the library id each was passed as. */
function addResults(participants: string[], answer: LibAddParticipantsResult): ParticipantResult[] {
  if (typeof answer === 'string') {
    // `AddParticipantsError: ...`: nobody was added (not an admin, an empty group).
    if (/admin/i.test(answer)) throw new EngineError('rejected', answer.replace(/^AddParticipantsError:\s*/, ''));
    return participants.map((p) => failed(p, answer.replace(/^AddParticipantsError:\s*/, '')));
  }
  return participants.map((p) => {
    const result = answer[toLibraryId(p)];
    if (!result) return failed(p, 'WhatsApp did not answer for this participant');
    return result.code === 200 ? ok(p) : failed(p, result.message || `WhatsApp answered ${result.code}`);
  });
}

/** Whether the group now shows what `action` asked for this member. */
function outcome(participant: string, action: Exclude<ParticipantAction, 'add'>, after: EngineGroup): ParticipantResult {
  const now = after.participants.find((p) => p.id === participant);
  const done = action === 'remove' ? !now : action === 'promote' ? Boolean(now?.admin) : Boolean(now) && !now?.admin;
  return done ? ok(participant) : failed(participant, `WhatsApp did not ${VERB[action]} this member`);
}

async function joinResults(ops: WwebjsOps, participants: string[], requesterIds: string[], answers: LibMembershipAnswer[]): Promise<ParticipantResult[]> {
  const answered = answers.map((a) => (Array.isArray(a.requesterId) ? a.requesterId[0] : a.requesterId) ?? '');
  await ops.session.ids.resolve(answered);
  return participants.map((p, i) => {
    const at = answered.findIndex((id) => id === requesterIds[i] || ops.session.ids.toApi(id) === p);
    const answer = at >= 0 ? answers[at] : undefined;
    if (!answer) return failed(p, 'WhatsApp did not answer for this request (there may be none from this person)');
    return answer.error ? failed(p, answer.message || `WhatsApp answered ${answer.error}`) : ok(p);
  });
}
