import { createRoute, z } from '@hono/zod-openapi';
import { badRequest } from '../../errors.js';
import { chatIdOrThrow } from '../../ids.js';
import type { Services } from '../deps.js';
import { requireOpenInstance } from '../middleware/instance.js';
import { createRouter, cursorQuery, errors, historyAnswer, historyPageOf, InstanceIdParam, jsonBody, jsonResponse, optionalPageQuery, pageAsked, SuccessSchema, pageOf, pageQuery } from '../openapi.js';
import { ChatIdField, MessageSchema } from '../schemas.js';

const tag = ['Chats'];
const base = '/api/instance/{instanceId}/chats';
const ChatIdBody = z.object({ chatId: ChatIdField });

const ChatSchema = z
  .object({
    id: z.string().openapi({ example: '905321234567@s.whatsapp.net' }),
    name: z.string().openapi({ example: 'Ahmet' }),
    unreadCount: z.number().openapi({ example: 3 }),
    lastMessage: z.number().nullable().openapi({ example: 1711100000, description: 'Unix seconds of the newest message; null when there is none' }),
    archived: z.boolean(),
    pinned: z.boolean(),
    mutedUntil: z.number().nullable().openapi({ example: null, description: 'Unix seconds the mute ends (muted for good: ten years ahead); null when not muted' }),
    markedUnread: z.boolean().openapi({ description: 'Marked unread by hand, until the chat is read' }),
    lastMessagePreview: z
      .object({
        id: z.string(),
        fromMe: z.boolean(),
        type: z.string().openapi({ example: 'chat' }),
        body: z.string().openapi({ example: 'Merhaba', description: 'The text or caption (a document: its file name), at most 120 characters; empty for a deleted message' }),
        status: z.string().openapi({ example: 'read' }),
        timestamp: z.number().openapi({ example: 1711100000 }),
        senderName: z.string().optional().openapi({ description: "An incoming message's sender (in a group, who wrote it)" }),
      })
      .nullable()
      .openapi({ description: 'The newest stored message in short, for a chat list; null when none is stored' }),
  })
  .openapi('Chat');

export function chatRoutes({ chats, messages }: Pick<Services, 'chats' | 'messages'>) {
  const r = createRouter();

  // GET /api/instance/:instanceId/chats
  r.openapi(
    createRoute({
      method: 'get',
      path: base,
      tags: tag,
      summary: 'Every chat, newest first (kept from WhatsApp and the message store), or a page of them',
      description: 'Without limit or page: every chat, as an array (the seed\'s answer). With limit or page: a page { items, page, limit, total }, in the same order.',
      middleware: [requireOpenInstance],
      request: { params: InstanceIdParam, query: z.object(optionalPageQuery(100, 1000)) },
      responses: {
        200: jsonResponse(z.union([z.array(ChatSchema), pageOf(ChatSchema)]), 'The chats, or a page of them'),
        400: errors[400],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      const instanceId = c.req.valid('param').instanceId;
      const asked = pageAsked(c.req.valid('query'), 100);
      if (!asked) return c.json(await chats.list(instanceId), 200);
      const { items, total } = await chats.page(instanceId, asked.page, asked.limit);
      return c.json({ items, ...asked, total }, 200);
    },
  );

  // GET /api/instance/:instanceId/chats/ids
  r.openapi(
    createRoute({
      method: 'get',
      path: `${base}/ids`,
      tags: tag,
      summary: 'The ids of every chat, newest first',
      middleware: [requireOpenInstance],
      request: { params: InstanceIdParam },
      responses: {
        200: jsonResponse(z.array(z.string()).openapi({ example: ['905321234567@s.whatsapp.net', '120363012345678901@g.us'] }), 'Chat ids'),
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => c.json((await chats.list(c.req.valid('param').instanceId)).map((chat) => chat.id), 200),
  );

  // GET /api/instance/:instanceId/chats/messages
  r.openapi(
    createRoute({
      method: 'get',
      path: `${base}/messages`,
      tags: tag,
      summary: "A chat's messages from the store, newest first",
      description: 'Served from the message store, so it works while the instance is not connected too.',
      request: {
        params: InstanceIdParam,
        query: z.object({
          chatId: ChatIdField,
          ...pageQuery(50, 1000),
          ...cursorQuery,
        }),
      },
      responses: {
        200: jsonResponse(historyPageOf(MessageSchema), "A page of the chat's messages"),
        400: errors[400],
        404: errors[404],
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const chatId = chatIdOrThrow('chatId', q.chatId);
      return c.json(await historyAnswer(messages, c.req.valid('param').instanceId, { chatId }, q), 200);
    },
  );

  // POST /api/instance/:instanceId/chats/read
  r.openapi(
    createRoute({
      method: 'post',
      path: `${base}/read`,
      tags: tag,
      summary: 'Mark a chat read: its incoming messages are read (the senders see blue ticks)',
      middleware: [requireOpenInstance],
      request: { params: InstanceIdParam, body: jsonBody(ChatIdBody) },
      responses: { 200: jsonResponse(SuccessSchema, 'Marked read'), 400: errors[400], 404: errors[404], 409: errors[409] },
    }),
    async (c) => {
      await chats.markRead(c.req.valid('param').instanceId, chatIdOrThrow('chatId', c.req.valid('json').chatId));
      return c.json({ success: true as const }, 200);
    },
  );

  for (const [action, archived] of [['archive', true], ['unarchive', false]] as const) {
    // POST /api/instance/:instanceId/chats/archive and .../chats/unarchive
    r.openapi(
      createRoute({
        method: 'post',
        path: `${base}/${action}`,
        tags: tag,
        summary: archived ? 'Archive a chat' : 'Unarchive a chat',
        middleware: [requireOpenInstance],
        request: { params: InstanceIdParam, body: jsonBody(ChatIdBody) },
        responses: { 200: jsonResponse(SuccessSchema, archived ? 'Archived' : 'Unarchived'), 400: errors[400], 404: errors[404], 409: errors[409] },
      }),
      async (c) => {
        await chats.setArchived(c.req.valid('param').instanceId, chatIdOrThrow('chatId', c.req.valid('json').chatId), archived);
        return c.json({ success: true as const }, 200);
      },
    );
  }

  for (const method of ['post', 'delete'] as const) {
    // POST|DELETE /api/instance/:instanceId/chats/delete
    r.openapi(
      createRoute({
        method,
        path: `${base}/delete`,
        tags: tag,
        summary: 'Delete a chat on WhatsApp, with its stored messages',
        description: 'chatId in the JSON body, or as a query parameter. The chat comes back with its next message.',
        middleware: [requireOpenInstance],
        request: {
          params: InstanceIdParam,
          query: z.object({ chatId: ChatIdField.optional() }),
          body: jsonBody(ChatIdBody.partial(), false),
        },
        responses: { 200: jsonResponse(SuccessSchema, 'Deleted'), 400: errors[400], 404: errors[404], 409: errors[409] },
      }),
      async (c) => {
        const given = c.req.valid('json').chatId ?? c.req.valid('query').chatId;
        if (given === undefined) throw badRequest('chatId: is required');
        await chats.delete(c.req.valid('param').instanceId, chatIdOrThrow('chatId', given));
        return c.json({ success: true as const }, 200);
      },
    );
  }

  return r;
}
