import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../http/context.js';
import type { Services } from '../../http/deps.js';
import { groupIdOrThrow } from '../../ids.js';
import { notFound } from '../../errors.js';
import { inviteCodeOf } from '../../services/groups/group-admin.js';
import { assertOpen } from '../../services/instances/capability.js';
import { validParams } from '../kit.js';
import { deviceOf, GowaError } from './device.js';
import { ok } from './envelope.js';
import { list, peopleOf, required, rfc3339 } from './params.js';
import { manage, read, type gowaRoutes } from './route.js';
import { groupInfo, groupParticipants, participantsCsv } from './views.js';

const GroupId = z.object({ group_id: z.string().optional().openapi({ example: '120363024512399999@g.us' }) });
const NewGroup = z.object({ title: required('Yeni Grup').pipe(z.string().max(100, 'must be at most 100 characters')), participants: list(['905321234567', '905321234568']) });
const Members = z.object({ group_id: required('120363024512399999@g.us'), participants: list(['905321234567']) });
const Link = z.object({ link: required('https://chat.whatsapp.com/INVITE_LINK') });
const Leave = z.object({ group_id: required('120363024512399999@g.us') });

export interface GroupRouteDeps {
  services: Pick<Services, 'instances' | 'groups' | 'groupAdmin'>;
}

/**
 * The group a query names: GoWA answers INVALID_GROUP_ID (not VALIDATION_ERROR) when it is
 * empty on its list endpoints.
 */
export async function queriedGroup(c: Context<AppEnv>): Promise<string> {
  const given = (await validParams(c, GroupId)).group_id?.trim();
  if (!given) throw new GowaError('bad_request', 'INVALID_GROUP_ID', 'Group ID cannot be empty');
  return groupIdOrThrow('group_id', given);
}

/** /group, /group/info, /group/participants (list, add, remove, promote, demote), joining, requests to join, leaving. */
export function groupRoutes(route: ReturnType<typeof gowaRoutes>, { services: { instances, groups, groupAdmin } }: GroupRouteDeps) {
  route({
    method: 'POST',
    path: '/group',
    summary: 'Create a group with this account as its owner',
    requirement: manage,
    fields: NewGroup,
    run: async (c) => {
      const b = await validParams(c, NewGroup);
      const created = await groupAdmin.create(deviceOf(c, instances).id, b.title, peopleOf('participants', b.participants));
      return ok(c, `Success created group with id ${created.id}`, { group_id: created.id });
    },
  });

  route({
    method: 'GET',
    path: '/group/info',
    summary: "A group's metadata, fresh from WhatsApp (whatsmeow's GroupInfo shape)",
    requirement: read,
    fields: GroupId,
    run: async (c) => ok(c, 'Success get group info', groupInfo(await groups.get(deviceOf(c, instances).id, await queriedGroup(c)))),
  });

  route({
    method: 'GET',
    path: '/group/participants',
    summary: "A group's members and their roles",
    requirement: read,
    fields: GroupId,
    run: async (c) => ok(c, 'Success getting group participants', groupParticipants(await groups.get(deviceOf(c, instances).id, await queriedGroup(c)))),
  });

  route({
    method: 'GET',
    path: '/group/participants/export',
    summary: "A group's members as a CSV file: participant_jid, phone_number, lid, display_name, role (member, admin, super_admin)",
    requirement: read,
    fields: GroupId,
    csv: true,
    run: async (c) => {
      const group = await groups.get(deviceOf(c, instances).id, await queriedGroup(c));
      const name = `group-${group.id.replaceAll('@', '_')}-participants.csv`;
      return c.body(participantsCsv(group), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"` });
    },
  });

  for (const [path, action, words, summary] of [
    ['/group/participants', 'add', 'Success add participants', 'Add members (admins only)'],
    ['/group/participants/remove', 'remove', 'Success delete participants', 'Remove members (admins only)'],
    ['/group/participants/promote', 'promote', 'Success promote participants', 'Make members admins (admins only)'],
    ['/group/participants/demote', 'demote', 'Success demote participants', 'Take admin rights away (admins only)'],
  ] as const) {
    route({
      method: 'POST',
      path,
      summary: `${summary}: one { participant, status, message } per participant`,
      requirement: manage,
      fields: Members,
      run: async (c) => {
        const b = await validParams(c, Members);
        const results = await groupAdmin.participants(deviceOf(c, instances).id, groupIdOrThrow('group_id', b.group_id), action, peopleOf('participants', b.participants));
        return ok(c, words, results);
      },
    });
  }

  route({
    method: 'POST',
    path: '/group/join-with-link',
    summary: 'Join a group by its invite link (409 while its admins must approve the request)',
    requirement: manage,
    fields: Link,
    run: async (c) => {
      const b = await validParams(c, Link);
      return ok(c, 'Success joined group', { group_id: await groupAdmin.join(deviceOf(c, instances).id, inviteCodeOf('link', b.link)) });
    },
  });

  route({
    method: 'GET',
    path: '/group/info-from-link',
    summary: 'A group by its invite link without joining: Hatline cannot look one up, so every link answers NOT_FOUND, as GoWA answers an unknown link',
    requirement: read,
    fields: Link,
    run: async (c) => {
      const b = await validParams(c, Link);
      inviteCodeOf('link', b.link);
      assertOpen(deviceOf(c, instances));
      // Neither engine can preview a group from its invite without joining it (the groups
      // capability has no such operation): the answer GoWA gives for a link WhatsApp does not know.
      throw notFound('that group invite link cannot be looked up: Hatline sees a group by its invite link only by joining it (POST /group/join-with-link)');
    },
  });

  route({
    method: 'GET',
    path: '/group/participant-requests',
    summary: 'Who asks to join a group (admins only)',
    requirement: read,
    fields: GroupId,
    run: async (c) => {
      const requests = await groupAdmin.requests(deviceOf(c, instances).id, await queriedGroup(c));
      const results = requests.map((r) => ({
        jid: r.id,
        phone_number: r.id.endsWith('@lid') ? '' : r.id.split('@')[0]!,
        requested_at: r.requestedAt === null ? '0001-01-01T00:00:00Z' : rfc3339(r.requestedAt),
      }));
      return ok(c, 'Success getting list requested participants', results);
    },
  });

  for (const [name, approve, words] of [
    ['approve', true, 'Success approve requested participants'],
    ['reject', false, 'Success reject requested participants'],
  ] as const) {
    route({
      method: 'POST',
      path: `/group/participant-requests/${name}`,
      summary: `${approve ? 'Let in' : 'Turn away'} people who asked to join (admins only)`,
      requirement: manage,
      fields: Members,
      run: async (c) => {
        const b = await validParams(c, Members);
        const results = await groupAdmin.answerRequests(deviceOf(c, instances).id, groupIdOrThrow('group_id', b.group_id), peopleOf('participants', b.participants), approve);
        return ok(c, words, results);
      },
    });
  }

  route({
    method: 'POST',
    path: '/group/leave',
    summary: 'Leave a group',
    requirement: manage,
    fields: Leave,
    run: async (c) => {
      const b = await validParams(c, Leave);
      await groupAdmin.leave(deviceOf(c, instances).id, groupIdOrThrow('group_id', b.group_id));
      return ok(c, 'Success leave group');
    },
  });
}
