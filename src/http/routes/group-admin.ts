import { createRoute, z } from '@hono/zod-openapi';
import { groupIdOrThrow, userIdOrThrow } from '../../ids.js';
import { inviteCodeOf } from '../../services/groups/group-admin.js';
import type { Services } from '../deps.js';
import { requireOpenInstance } from '../middleware/instance.js';
import { createRouter, errors, InstanceIdParam, jsonBody, jsonResponse, SuccessSchema } from '../openapi.js';
import { GroupSchema } from './groups.js';

const tags = ['Groups'];
const base = '/api/instance/{instanceId}/groups';
const middleware = [requireOpenInstance];
const answers = { 400: errors[400], 404: errors[404], 409: errors[409], 501: errors[501], 502: errors[502] };

export const GroupIdField = z.string().min(1).openapi({ example: '120363012345678901@g.us', description: 'The group id' });
export const People = z
  .array(z.string().min(1))
  .min(1, 'name at least one participant')
  .max(1024)
  .openapi({ example: ['905321234567', '905321234568'], description: 'Phone numbers or user ids' });

const ResultsSchema = z
  .object({
    participants: z.array(
      z.object({
        participant: z.string().openapi({ example: '905321234567@s.whatsapp.net' }),
        status: z.enum(['success', 'error']),
        message: z.string().openapi({ example: 'Action success', description: '`Action success`, or why it failed for this participant' }),
      }),
    ),
  })
  .openapi('ParticipantResults');
const InviteSchema = z
  .object({ code: z.string().openapi({ example: 'F3kQ9xYz1AbCdEfGhIjK2L' }), link: z.string().openapi({ example: 'https://chat.whatsapp.com/F3kQ9xYz1AbCdEfGhIjK2L' }) })
  .openapi('GroupInvite');

/** Participant ids from phone numbers or user ids (400 naming the one that is neither). */
export const peopleOf = (list: string[]) => list.map((p, i) => userIdOrThrow(`participants.${i}`, p));

export function groupAdminRoutes({ groupAdmin: groups }: Pick<Services, 'groupAdmin'>) {
  const r = createRouter();

  // POST /api/instance/:instanceId/groups
  r.openapi(
    createRoute({
      method: 'post',
      path: base,
      tags,
      middleware,
      summary: 'Create a group with this account as its owner',
      description: 'Numbers that are not on WhatsApp are left out. Answers the group as `groups/group` does.',
      request: {
        params: InstanceIdParam,
        body: jsonBody(z.object({ name: z.string().trim().min(1).max(100).openapi({ example: 'Ekip' }), participants: People })),
      },
      responses: { 200: jsonResponse(GroupSchema, 'The new group'), ...answers },
    }),
    async (c) => {
      const b = c.req.valid('json');
      return c.json(await groups.create(c.get('instance').id, b.name, peopleOf(b.participants)), 200);
    },
  );

  for (const action of ['add', 'remove', 'promote', 'demote'] as const) {
    // POST /api/instance/:instanceId/groups/participants/{add,remove,promote,demote}
    r.openapi(
      createRoute({
        method: 'post',
        path: `${base}/participants/${action}`,
        tags,
        middleware,
        summary: `${action[0]!.toUpperCase()}${action.slice(1)} participants (admins only)`,
        description: 'One result per participant, as GoWA answers: `success` with `Action success`, or `error` with why.',
        request: { params: InstanceIdParam, body: jsonBody(z.object({ groupId: GroupIdField, participants: People })) },
        responses: { 200: jsonResponse(ResultsSchema, 'One result per participant'), ...answers },
      }),
      async (c) => {
        const b = c.req.valid('json');
        const results = await groups.participants(c.get('instance').id, groupIdOrThrow('groupId', b.groupId), action, peopleOf(b.participants));
        return c.json({ participants: results }, 200);
      },
    );
  }

  // GET /api/instance/:instanceId/groups/invite
  r.openapi(
    createRoute({
      method: 'get',
      path: `${base}/invite`,
      tags,
      middleware,
      summary: "The group's invite link (admins only)",
      request: { params: InstanceIdParam, query: z.object({ groupId: GroupIdField }) },
      responses: { 200: jsonResponse(InviteSchema, 'The invite link'), ...answers },
    }),
    async (c) => c.json(await groups.invite(c.get('instance').id, groupIdOrThrow('groupId', c.req.valid('query').groupId)), 200),
  );

  // POST /api/instance/:instanceId/groups/invite/revoke
  r.openapi(
    createRoute({
      method: 'post',
      path: `${base}/invite/revoke`,
      tags,
      middleware,
      summary: 'Reset the invite link: the old one stops working (admins only)',
      request: { params: InstanceIdParam, body: jsonBody(z.object({ groupId: GroupIdField })) },
      responses: { 200: jsonResponse(InviteSchema, 'The new invite link'), ...answers },
    }),
    async (c) => c.json(await groups.revokeInvite(c.get('instance').id, groupIdOrThrow('groupId', c.req.valid('json').groupId)), 200),
  );

  // POST /api/instance/:instanceId/groups/join
  r.openapi(
    createRoute({
      method: 'post',
      path: `${base}/join`,
      tags,
      middleware,
      summary: 'Join a group by its invite link or code',
      description: 'A group whose admins approve new members answers 409 (`rejected`): the request to join waits for them.',
      request: {
        params: InstanceIdParam,
        body: jsonBody(z.object({ link: z.string().min(1).max(512).openapi({ example: 'https://chat.whatsapp.com/F3kQ9xYz1AbCdEfGhIjK2L', description: 'The invite link, or its code' }) })),
      },
      responses: { 200: jsonResponse(z.object({ success: z.literal(true), groupId: z.string() }), 'Joined'), ...answers },
    }),
    async (c) => {
      const groupId = await groups.join(c.get('instance').id, inviteCodeOf('link', c.req.valid('json').link));
      return c.json({ success: true as const, groupId }, 200);
    },
  );

  // POST /api/instance/:instanceId/groups/leave
  r.openapi(
    createRoute({
      method: 'post',
      path: `${base}/leave`,
      tags,
      middleware,
      summary: 'Leave a group (it leaves the groups list; the chat stays)',
      request: { params: InstanceIdParam, body: jsonBody(z.object({ groupId: GroupIdField })) },
      responses: { 200: jsonResponse(SuccessSchema, 'Left'), ...answers },
    }),
    async (c) => {
      await groups.leave(c.get('instance').id, groupIdOrThrow('groupId', c.req.valid('json').groupId));
      return c.json({ success: true as const }, 200);
    },
  );

  // GET /api/instance/:instanceId/groups/requests
  r.openapi(
    createRoute({
      method: 'get',
      path: `${base}/requests`,
      tags,
      middleware,
      summary: 'Requests to join waiting for an admin (groups whose admins approve new members)',
      request: { params: InstanceIdParam, query: z.object({ groupId: GroupIdField }) },
      responses: {
        200: jsonResponse(
          z.array(z.object({ id: z.string().openapi({ example: '905321234567@s.whatsapp.net' }), requestedAt: z.number().nullable().openapi({ description: 'Unix seconds' }) })),
          'The requests, oldest first',
        ),
        ...answers,
      },
    }),
    async (c) => c.json(await groups.requests(c.get('instance').id, groupIdOrThrow('groupId', c.req.valid('query').groupId)), 200),
  );

  for (const [name, approve] of [['approve', true], ['reject', false]] as const) {
    // POST /api/instance/:instanceId/groups/requests/approve and .../reject
    r.openapi(
      createRoute({
        method: 'post',
        path: `${base}/requests/${name}`,
        tags,
        middleware,
        summary: approve ? 'Approve requests to join: they become members' : 'Reject requests to join',
        request: { params: InstanceIdParam, body: jsonBody(z.object({ groupId: GroupIdField, participants: People })) },
        responses: { 200: jsonResponse(ResultsSchema, 'One result per participant'), ...answers },
      }),
      async (c) => {
        const b = c.req.valid('json');
        const results = await groups.answerRequests(c.get('instance').id, groupIdOrThrow('groupId', b.groupId), peopleOf(b.participants), approve);
        return c.json({ participants: results }, 200);
      },
    );
  }

  return r;
}
