import type { GroupView } from '../../services/groups/group-service.js';
import { rfc3339 } from './params.js';

/**
 * Hatline's views in GoWA's answer shapes. Groups are whatsmeow's `types.GroupInfo`, which GoWA
 * serialises with Go's field names (PascalCase, no json tags); what Hatline does not know
 * (who set the name, the topic's id, the participant version, ...) is left out rather than made up.
 */

/** Go's zero time, what GoWA prints for a time it does not have. */
const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** A participant id as whatsmeow's pair: the phone JID or the LID. */
function participantOf(p: GroupView['participants'][number]) {
  const lid = p.id.endsWith('@lid');
  return {
    JID: p.id,
    PhoneNumber: lid ? '' : p.id,
    LID: lid ? p.id : '',
    IsAdmin: p.admin !== null,
    IsSuperAdmin: p.admin === 'superadmin',
    DisplayName: '',
    Error: 0,
    AddRequest: null,
  };
}

/** A group as GoWA's `/group/info` and `/user/my/groups` answer it. */
export function groupInfo(g: GroupView) {
  return {
    JID: g.id,
    OwnerJID: g.owner ?? '',
    Name: g.name,
    Topic: g.description ?? '',
    GroupCreated: g.creation === null ? GO_ZERO_TIME : rfc3339(g.creation),
    ParticipantCount: g.participants.length,
    Participants: g.participants.map(participantOf),
    IsLocked: g.locked === true,
    IsAnnounce: g.announce === true,
  };
}

/** A group's members as GoWA's `GET /group/participants` answers them. */
export function groupParticipants(g: GroupView) {
  return {
    group_id: g.id,
    name: g.name,
    participants: g.participants.map((p) => {
      const lid = p.id.endsWith('@lid');
      return { jid: p.id, phone_number: lid ? '' : p.id.split('@')[0]!, ...(lid ? { lid: p.id } : {}), is_admin: p.admin !== null, is_super_admin: p.admin === 'superadmin' };
    }),
  };
}

/** A CSV field as Go's encoding/csv writes it: quoted when it holds a comma, a quote or a line break, or starts with a space. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) || /^[ \t]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A group's members as GoWA's `GET /group/participants/export` writes them (a header line, `\n` line ends). */
export function participantsCsv(g: GroupView): string {
  const rows = [['participant_jid', 'phone_number', 'lid', 'display_name', 'role']];
  for (const p of g.participants) {
    const lid = p.id.endsWith('@lid');
    rows.push([p.id, lid ? '' : p.id.split('@')[0]!, lid ? p.id : '', '', p.admin === 'superadmin' ? 'super_admin' : p.admin !== null ? 'admin' : 'member']);
  }
  return rows.map((r) => `${r.map(csvField).join(',')}\n`).join('');
}
