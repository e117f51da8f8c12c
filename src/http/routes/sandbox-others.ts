import { createRoute, z } from '@hono/zod-openapi';
import { groupIdOrThrow, phoneOrThrow } from '../../ids.js';
import type { Services } from '../deps.js';
import { createRouter, errors, InstanceIdParam, jsonBody, jsonResponse, SuccessSchema } from '../openapi.js';

const tags = ['Sandbox controls'];
const path = '/api/sandbox/{instanceId}';
const answers = { 400: errors[400], 404: errors[404], 409: errors[409] };

const From = z.string().openapi({ example: '905559990001', description: 'The phone of the person who does it (a simulated contact or group member)' });
const MsgId = z.string().min(1).max(128).openapi({ example: '3EB0C767D26A1D8B0C2B' });
const GroupId = z.string().min(1).openapi({ example: '120363012345678901@g.us' });

function controlRoute<S extends z.ZodObject, R extends z.ZodType>(name: string, summary: string, body: S, answer: R) {
  return createRoute({ method: 'post', path: `${path}/${name}`, tags, summary, request: { params: InstanceIdParam, body: jsonBody(body) }, responses: { 200: jsonResponse(answer, 'Done'), ...answers } });
}

/** Sandbox controls for what people on the other side do to a sandbox instance (README: Sandbox controls). */
export function sandboxOtherSideRoutes({ sandbox }: Pick<Services, 'sandbox'>) {
  const r = createRouter();
  const ok = { success: true as const };

  // POST /api/sandbox/:instanceId/edit
  r.openapi(controlRoute('edit', 'The person edits a message they sent to the instance', z.object({ from: From, msgId: MsgId, body: z.string().min(1).max(65536) }), SuccessSchema), async (c) => {
    const b = c.req.valid('json');
    await sandbox.edit(c.req.valid('param').instanceId, phoneOrThrow('from', b.from), b.msgId, b.body);
    return c.json(ok, 200);
  });

  // POST /api/sandbox/:instanceId/revoke
  r.openapi(controlRoute('revoke', 'The person deletes for everyone a message they sent', z.object({ from: From, msgId: MsgId }), SuccessSchema), async (c) => {
    const b = c.req.valid('json');
    await sandbox.revoke(c.req.valid('param').instanceId, phoneOrThrow('from', b.from), b.msgId);
    return c.json(ok, 200);
  });

  // POST /api/sandbox/:instanceId/react
  r.openapi(
    controlRoute('react', "The person reacts to a message of their chat or group ('' removes it)", z.object({ from: From, msgId: MsgId, emoji: z.string().max(32) }), SuccessSchema),
    async (c) => {
      const b = c.req.valid('json');
      await sandbox.react(c.req.valid('param').instanceId, phoneOrThrow('from', b.from), b.msgId, b.emoji);
      return c.json(ok, 200);
    },
  );

  // POST /api/sandbox/:instanceId/vote
  r.openapi(
    controlRoute(
      'vote',
      "A vote on a poll: by the person `from` on a poll the instance sent; without `from`, by the instance's own phone on a poll it received",
      z.object({ from: From.optional(), msgId: MsgId, selected: z.array(z.string().min(1)).max(12).openapi({ example: ['Çar'], description: 'Option names; [] withdraws the vote' }) }),
      SuccessSchema,
    ),
    async (c) => {
      const b = c.req.valid('json');
      await sandbox.vote(c.req.valid('param').instanceId, b.from !== undefined ? phoneOrThrow('from', b.from) : undefined, b.msgId, b.selected);
      return c.json(ok, 200);
    },
  );

  // POST /api/sandbox/:instanceId/presence
  r.openapi(
    controlRoute(
      'presence',
      'The person types, records or stops in their chat (or a group), or comes online or goes offline',
      z.object({ from: From, state: z.enum(['composing', 'recording', 'paused', 'available', 'unavailable']), groupId: GroupId.optional() }),
      SuccessSchema,
    ),
    async (c) => {
      const b = c.req.valid('json');
      const groupId = b.groupId !== undefined ? groupIdOrThrow('groupId', b.groupId) : undefined;
      await sandbox.presence(c.req.valid('param').instanceId, phoneOrThrow('from', b.from), b.state, groupId);
      return c.json(ok, 200);
    },
  );

  // POST /api/sandbox/:instanceId/call
  r.openapi(
    controlRoute('call', 'The person calls the instance (it rings for 30 seconds)', z.object({ from: From, video: z.boolean().default(false) }), z.object({ id: z.string().openapi({ description: 'The call id' }) })),
    async (c) => {
      const b = c.req.valid('json');
      return c.json({ id: await sandbox.call(c.req.valid('param').instanceId, phoneOrThrow('from', b.from), b.video) }, 200);
    },
  );

  // POST /api/sandbox/:instanceId/call/end
  r.openapi(
    controlRoute(
      'timelock',
      "WhatsApp's reach-out timelock (error 463): sends to new contacts are refused for `seconds` (0 lifts it)",
      z.object({ seconds: z.number().int().min(0).max(86_400) }),
      SuccessSchema,
    ),
    async (c) => {
      sandbox.timelock(c.req.valid('param').instanceId, c.req.valid('json').seconds);
      return c.json({ success: true as const }, 200);
    },
  );

  // POST /api/sandbox/:instanceId/server-acks
  r.openapi(
    controlRoute(
      'server-acks',
      "Holds WhatsApp's server acks: sends answer but stay `pending` (a clock), reach nobody and get no `sent` until released (`hold: false`), " +
        'when each gets its server ack and is delivered as usual; one held longer than SERVER_ACK_TIMEOUT_MS ends `failed` meanwhile',
      z.object({ hold: z.boolean() }),
      SuccessSchema,
    ),
    async (c) => {
      sandbox.serverAcks(c.req.valid('param').instanceId, c.req.valid('json').hold);
      return c.json(ok, 200);
    },
  );

  r.openapi(controlRoute('call/end', 'The caller hangs up', z.object({ callId: z.string().min(1) }), SuccessSchema), async (c) => {
    await sandbox.endCall(c.req.valid('param').instanceId, c.req.valid('json').callId);
    return c.json(ok, 200);
  });

  // POST /api/sandbox/:instanceId/group-join
  r.openapi(
    controlRoute(
      'group-join',
      "The person opens the invite link of a group the instance is in: a member at once, or (announce groups) a request for the admins",
      z.object({ from: From, groupId: GroupId }),
      z.object({ status: z.enum(['joined', 'requested']) }),
    ),
    (c) => {
      const b = c.req.valid('json');
      return c.json({ status: sandbox.joinGroup(c.req.valid('param').instanceId, phoneOrThrow('from', b.from), groupIdOrThrow('groupId', b.groupId)) }, 200);
    },
  );

  // POST /api/sandbox/:instanceId/group-leave
  r.openapi(controlRoute('group-leave', 'The person leaves a group the instance is in', z.object({ from: From, groupId: GroupId }), SuccessSchema), (c) => {
    const b = c.req.valid('json');
    sandbox.leaveGroup(c.req.valid('param').instanceId, phoneOrThrow('from', b.from), groupIdOrThrow('groupId', b.groupId));
    return c.json(ok, 200);
  });

  // POST /api/sandbox/:instanceId/business
  r.openapi(
    controlRoute('business', 'Make the account a WhatsApp Business one (labels work), or a personal one again', z.object({ business: z.boolean() }), SuccessSchema),
    (c) => {
      sandbox.setBusiness(c.req.valid('param').instanceId, c.req.valid('json').business);
      return c.json(ok, 200);
    },
  );

  return r;
}
