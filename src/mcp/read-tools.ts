import { z } from '@hono/zod-openapi';
import { badRequest } from '../errors.js';
import { chatIdOrThrow, jidToPhone, phoneUserIdOrThrow } from '../ids.js';
import { cursorQuery } from '../http/openapi.js';
import { ChatIdField, SCHEDULED_STATUSES } from '../http/schemas.js';
import type { ChatView } from '../services/chats/chat-service.js';
import type { MessageView } from '../services/messages/message-view.js';
import { folded, isoOf, tool } from './tool.js';

const I = '/api/instance/:instanceId';

export const InstanceIdField = z.string().min(1).max(64).describe('The instance id (list_instances shows them)');

/** A message as a model reads it: the stored message with its time in ISO 8601 beside the unix seconds. */
export const forReader = (m: MessageView) => ({ ...m, time: isoOf(m.timestamp) });

/** `since` as milliseconds: an ISO 8601 date, or date and time; without an offset it is UTC (as scheduledAt). */
function sinceOf(since: string): number {
  const raw = since.trim();
  const m = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(raw);
  const at = m ? Date.parse(m[1] && !m[4] ? `${raw}Z` : raw) : NaN;
  if (Number.isNaN(at)) throw badRequest(`since: "${since}" is not an ISO 8601 date or date and time like 2026-05-04 or 2026-05-04T00:00:00+03:00`);
  return at;
}

export const READ_TOOLS = [
  tool({
    name: 'list_instances',
    title: 'List WhatsApp instances',
    description: 'The WhatsApp accounts (instances) this key can use, with their connection status (open, connecting, disconnected) and linked phone. Start here: every other tool takes an instanceId.',
    endpoint: 'GET /api/instance',
    readOnly: true,
    input: z.object({}),
    run: async (_args, { services, principal }) => ({
      instances: services.instances.list(principal).map((s) => ({
        id: s.id,
        description: s.description,
        engine: s.engine,
        status: s.status,
        account: s.account ? { id: s.account.id, name: s.account.name, phone: s.account.phone } : null,
        ...(s.error ? { error: s.error } : {}),
      })),
    }),
  }),

  tool({
    name: 'list_chats',
    title: 'List chats',
    description: "An instance's chats, newest first, with their unread count and the time of their last message. Give query to keep those whose name, phone or id contains it.",
    endpoint: `GET ${I}/chats`,
    readOnly: true,
    input: z.object({
      instanceId: InstanceIdField,
      query: z.string().min(1).max(100).optional().describe('Part of a name, a phone number or a chat id'),
      limit: z.number().int().min(1).max(200).default(50).describe('At most this many chats (default 50)'),
    }),
    run: async ({ instanceId, query, limit }, { services, instance }) => {
      instance(instanceId);
      const shown = (chats: ChatView[]) => chats.map((chat) => ({ ...chat, lastMessageTime: isoOf(chat.lastMessage) }));
      if (query === undefined) {
        const { items, total } = await services.chats.page(instanceId, 1, limit);
        return { chats: shown(items), total };
      }
      const wanted = (await services.chats.list(instanceId)).filter((chat) => folded(`${chat.name} ${chat.id}`).includes(folded(query)));
      return { chats: shown(wanted.slice(0, limit)), total: wanted.length };
    },
  }),

  tool({
    name: 'read_messages',
    title: "Read a chat's messages",
    description:
      "A chat's messages from the store, newest first (fromMe: sent by this account; senderName: who wrote it). Pass nextCursor back as cursor for older ones. Give since (an ISO 8601 date or date and time) to get only messages from then on, such as today's.",
    endpoint: `GET ${I}/chats/messages`,
    readOnly: true,
    input: z.object({
      instanceId: InstanceIdField,
      chatId: ChatIdField.describe('A chat id, or a phone number with country code'),
      limit: z.number().int().min(1).max(100).default(20).describe('At most this many messages (default 20)'),
      cursor: cursorQuery.cursor.describe('nextCursor of the previous call: the page of older messages'),
      since: z.string().max(40).optional().describe('Only messages at or after this time: 2026-05-04 (midnight UTC) or 2026-05-04T00:00:00+03:00'),
    }),
    run: async ({ instanceId, chatId, limit, cursor, since }, { services, instance }) => {
      instance(instanceId);
      const from = since === undefined ? null : sinceOf(since);
      const page = await services.messages.historyPage(instanceId, { chatId: chatIdOrThrow('chatId', chatId) }, { cursor }, limit);
      const items = from === null ? page.items : page.items.filter((m) => m.timestamp * 1000 >= from);
      // Newest first: once a message is older than `since`, so is everything after it.
      const nextCursor = items.length < page.items.length ? null : page.nextCursor;
      return { messages: items.map(forReader), nextCursor };
    },
  }),

  tool({
    name: 'search_contacts',
    title: 'Search contacts',
    description: "Contacts of an instance (the address book and everyone a message was exchanged with) whose name, push name or phone contains query; accents and case do not matter.",
    endpoint: `GET ${I}/contacts`,
    readOnly: true,
    input: z.object({
      instanceId: InstanceIdField,
      query: z.string().min(1).max(100).describe('Part of a name or a phone number'),
      limit: z.number().int().min(1).max(100).default(20).describe('At most this many contacts (default 20)'),
    }),
    run: async ({ instanceId, query, limit }, { services, instance }) => {
      instance(instanceId);
      const needle = folded(query);
      const digits = query.replace(/\D/g, '');
      const found = (await services.contacts.list(instanceId)).filter(
        (c) => folded(`${c.name ?? ''} ${c.notify ?? ''}`).includes(needle) || (digits.length >= 3 && c.id.includes(digits)),
      );
      return { contacts: found.slice(0, limit).map((c) => ({ ...c, phone: jidToPhone(c.id) })), total: found.length };
    },
  }),

  tool({
    name: 'check_number',
    title: 'Check a number on WhatsApp',
    description: 'Whether a phone number is on WhatsApp, and its chat id.',
    endpoint: `GET ${I}/contacts/check`,
    readOnly: true,
    input: z.object({ instanceId: InstanceIdField, phone: z.string().min(1).max(40).describe('A phone number with country code, like +905321234567') }),
    run: async ({ instanceId, phone }, { services, instance }) => {
      instance(instanceId);
      return services.contacts.check(instanceId, phoneUserIdOrThrow('phone', phone));
    },
  }),

  tool({
    name: 'list_groups',
    title: 'List groups',
    description: 'The groups the account of an instance is in, with how many members each has.',
    endpoint: `GET ${I}/groups`,
    readOnly: true,
    input: z.object({ instanceId: InstanceIdField }),
    run: async ({ instanceId }, { services, instance }) => {
      instance(instanceId);
      return { groups: await services.groups.list(instanceId) };
    },
  }),

  tool({
    name: 'list_scheduled',
    title: 'List scheduled messages',
    description: 'Messages scheduled on an instance, soonest first; status filters them (pending: not sent yet).',
    endpoint: `GET ${I}/scheduled`,
    readOnly: true,
    input: z.object({
      instanceId: InstanceIdField,
      status: z.enum(SCHEDULED_STATUSES).optional(),
      page: z.number().int().min(1).default(1),
      limit: z.number().int().min(1).max(100).default(20),
    }),
    run: async ({ instanceId, status, page, limit }, { services, instance }) => {
      instance(instanceId);
      const { items, total } = await services.scheduled.list(instanceId, status, page, limit);
      return { items, page, limit, total };
    },
  }),
];
