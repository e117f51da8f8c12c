import { z } from '@hono/zod-openapi';
import { AppError } from '../../errors.js';
import type { Services } from '../../http/deps.js';
import { chatIdOrThrow, groupIdOrThrow, userIdOrThrow } from '../../ids.js';
import { evolutionParams } from './envelope.js';
import { instanceOf, manage, read, send, type evolutionRoutes } from './route.js';
import { groupObject } from './shapes.js';
import { metaOnly } from './send-routes.js';

const flag = z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true');
const Participants = z.array(z.string().min(1)).min(1).max(1024);
const GroupJid = z.object({ groupJid: z.string().min(1).openapi({ example: '120363023285171234@g.us' }) });
const CreateGroup = z.object({ subject: z.string().min(1).max(100), participants: Participants, description: z.string().max(2048).optional(), promoteParticipants: flag.optional() });
const AllGroups = z.object({ getParticipants: z.enum(['true', 'false'], { error: 'is required: true or false' }) });
const UpdateParticipant = GroupJid.extend({ action: z.enum(['add', 'remove', 'promote', 'demote']), participants: Participants });
const HandleLabel = z.object({ number: z.union([z.string(), z.number()]).transform(String), labelId: z.string().min(1), action: z.enum(['add', 'remove']) });
const SetProxy = z.object({
  enabled: flag,
  host: z.string().optional(),
  port: z.union([z.string(), z.number()]).transform(String).optional(),
  protocol: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
});

/** Group routes take the group in the query or the body; `@g.us` may be left out. */
const groupOf = (raw: string) => groupIdOrThrow('groupJid', raw);

export function groupRoutes(route: ReturnType<typeof evolutionRoutes>, services: Services) {
  const { instances, groups, groupAdmin, account } = services;

  route({
    method: 'POST',
    path: 'group/create',
    summary: 'Create a group (description and promoting its members optional)',
    requirement: manage,
    status: 201,
    fields: CreateGroup,
    run: async (c) => {
      const id = instanceOf(c, instances).id;
      const b = await evolutionParams(c, CreateGroup);
      const members = b.participants.map((p, i) => userIdOrThrow(`participants.${i}`, p));
      const group = await groupAdmin.create(id, b.subject, members);
      if (b.description) await groupAdmin.setDescription(id, group.id, b.description);
      if (b.promoteParticipants) await groupAdmin.participants(id, group.id, 'promote', members);
      return groupObject(b.description || b.promoteParticipants ? await groups.get(id, group.id) : group);
    },
  });

  route({
    method: 'GET',
    path: 'group/fetchAllGroups',
    summary: 'Every group of the account (getParticipants=true|false is required)',
    requirement: read,
    status: 200,
    fields: AllGroups,
    run: async (c) => {
      const id = instanceOf(c, instances).id;
      const q = await evolutionParams(c, AllGroups);
      return (await groups.listViews(id)).map((g) => groupObject(g, q.getParticipants === 'true'));
    },
  });

  route({
    method: 'GET',
    path: 'group/findGroupInfos',
    summary: 'One group with its members, fresh from WhatsApp',
    requirement: read,
    status: 200,
    fields: GroupJid,
    run: async (c) => {
      const id = instanceOf(c, instances).id;
      const q = await evolutionParams(c, GroupJid);
      return groupObject(await groups.get(id, groupOf(q.groupJid)));
    },
  });

  route({
    method: 'GET',
    path: 'group/participants',
    summary: "A group's members and their roles",
    requirement: read,
    status: 200,
    fields: GroupJid,
    run: async (c) => {
      const id = instanceOf(c, instances).id;
      const q = await evolutionParams(c, GroupJid);
      const g = await groups.get(id, groupOf(q.groupJid));
      return { participants: g.participants.map((p) => ({ id: p.id, admin: p.admin })) };
    },
  });

  route({
    method: 'POST',
    path: 'group/updateParticipant',
    summary: 'Add, remove, promote or demote members (groupJid in the query or the body)',
    requirement: manage,
    status: 201,
    fields: UpdateParticipant,
    run: async (c) => {
      const id = instanceOf(c, instances).id;
      const b = await evolutionParams(c, UpdateParticipant);
      const members = b.participants.map((p, i) => userIdOrThrow(`participants.${i}`, p));
      const results = await groupAdmin.participants(id, groupOf(b.groupJid), b.action, members);
      return { updateParticipants: results.map((r) => ({ status: r.status === 'success' ? '200' : '400', jid: r.participant, message: r.message })) };
    },
  });

  route({
    method: 'GET',
    path: 'label/findLabels',
    summary: "The business account's labels",
    requirement: read,
    status: 200,
    run: async (c) => {
      const id = instanceOf(c, instances).id;
      return (await account.labels(id)).map((l) => ({ color: l.color, name: l.name, id: l.id, predefinedId: null }));
    },
  });

  route({
    method: 'POST',
    path: 'label/handleLabel',
    summary: 'Put a label on a chat, or take it off',
    requirement: send,
    status: 200,
    fields: HandleLabel,
    run: async (c) => {
      const id = instanceOf(c, instances).id;
      const b = await evolutionParams(c, HandleLabel);
      const chatId = chatIdOrThrow('number', b.number);
      await account.setChatLabel(id, chatId, b.labelId, b.action === 'add');
      return { numberJid: chatId, labelId: b.labelId, [b.action]: true };
    },
  });

  route({ method: 'GET', path: 'proxy/find', summary: 'The proxy of the instance: none (Hatline has no per-instance proxies)', requirement: manage, status: 200, run: async (c) => (instanceOf(c, instances), null) });

  route({
    method: 'POST',
    path: 'proxy/set',
    summary: 'Turning a proxy off is accepted; per-instance proxies are not supported (501)',
    requirement: manage,
    status: 201,
    fields: SetProxy,
    run: async (c) => {
      const id = instanceOf(c, instances).id;
      const b = await evolutionParams(c, SetProxy);
      if (b.enabled) throw new AppError('unsupported', 'Per-instance proxies are not supported: the server\'s browser can use one proxy for every instance (CHROMIUM_ARGS=--proxy-server=...)');
      return { proxy: { instanceName: id, proxy: { enabled: false, host: '', port: '', protocol: '', username: '', password: '' } } };
    },
  });

  // Meta's message templates belong to the WhatsApp Cloud API: as Evolution answers for a WhatsApp Web instance.
  for (const [method, path, status] of [
    ['GET', 'template/find', 200],
    ['POST', 'template/create', 201],
    ['POST', 'template/edit', 200],
    ['DELETE', 'template/delete', 200],
  ] as const) {
    route({
      method,
      path,
      summary: 'Meta templates need the WhatsApp Cloud API: answers as Evolution does for a WhatsApp Web instance',
      requirement: method === 'GET' ? read : manage,
      status,
      run: async (c) => {
        instanceOf(c, instances);
        throw metaOnly();
      },
    });
  }
}
