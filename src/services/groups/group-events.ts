import type { GroupChange } from '../../engines/engine.js';
import * as groupsRepo from '../../storage/groups-repo.js';
import type { GroupParticipantRow, GroupPatch } from '../../storage/groups-repo.js';
import type { WriteQueue } from '../../storage/write-batch.js';
import type { EventSink } from '../events.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import type { InboundMessages } from '../messages/inbound.js';

/** The stored participants after a change of members (join, leave, promote, demote). */
export function participantsAfter(participants: GroupParticipantRow[], change: Pick<GroupChange, 'action' | 'participants'>): GroupParticipantRow[] {
  const concerned = new Set(change.participants);
  switch (change.action) {
    case 'join':
      return [...participants, ...change.participants.filter((id) => !participants.some((p) => p.id === id)).map((id) => ({ id, admin: null }))];
    case 'leave':
      return participants.filter((p) => !concerned.has(p.id));
    case 'promote':
      return participants.map((p) => (concerned.has(p.id) && p.admin === null ? { ...p, admin: 'admin' as const } : p));
    case 'demote':
      return participants.map((p) => (concerned.has(p.id) && p.admin === 'admin' ? { ...p, admin: null } : p));
    default:
      return participants;
  }
}

/** What a change tells about the stored group. */
function patchOf(change: GroupChange, participants: GroupParticipantRow[]): GroupPatch {
  switch (change.action) {
    case 'join':
    case 'leave':
    case 'promote':
    case 'demote':
      return { participants: participantsAfter(participants, change) };
    case 'subject':
      return typeof change.value === 'string' ? { name: change.value } : {};
    case 'description':
      return typeof change.value === 'string' ? { description: change.value === '' ? null : change.value } : {};
    case 'announce':
      return typeof change.value === 'boolean' ? { announce: change.value } : {};
    case 'locked':
      return typeof change.value === 'boolean' ? { locked: change.value } : {};
    default:
      return {};
  }
}

/**
 * Group changes as engines report them: the stored group follows (members, roles, name,
 * description, settings; a group the account left or was removed from leaves the list), and the
 * `group_update` webhook event is recorded in the same transaction.
 */
export function storeGroupEvents(registry: InstanceRegistry, inbound: Pick<InboundMessages, 'enqueue'>, writes: WriteQueue, events: EventSink): void {
  registry.onEngineEvent('group_change', (instanceId, { change }) =>
    inbound.enqueue(instanceId, () =>
      writes.run(async (trx) => {
        const me = registry.has(instanceId) ? registry.get(instanceId).account?.id : undefined;
        const stored = await groupsRepo.findGroup(trx, instanceId, change.groupId);
        if (change.action === 'leave' && me !== undefined && change.participants.includes(me)) {
          await groupsRepo.deleteGroup(trx, instanceId, change.groupId);
        } else if (stored) {
          const patch = patchOf(change, groupsRepo.participantsOf(stored));
          if (Object.keys(patch).length) await groupsRepo.updateGroup(trx, instanceId, change.groupId, patch);
        }
        await events.record(trx, instanceId, {
          event: 'group_update',
          data: {
            groupId: change.groupId,
            action: change.action,
            participants: change.participants,
            actor: change.actor,
            ...(change.value !== undefined ? { value: change.value } : {}),
            timestamp: change.timestamp,
          },
        });
      }),
    ),
  );
}
