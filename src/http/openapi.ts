import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Hook } from '@hono/zod-openapi';
import { AppError, ERROR_CODES } from '../errors.js';
import type { MessageService } from '../services/messages/message-service.js';
import type { AppEnv } from './context.js';

/** `{ "error": ... }`, the shape of every error answer. */
export const ErrorSchema = z
  .object({
    error: z.string().openapi({ example: 'to: is required' }),
    code: z.enum(ERROR_CODES).openapi({ example: 'bad_request', description: 'What kind of error; its HTTP status follows from it' }),
    requestId: z.string().optional().openapi({ example: 'req_4f9c1a2b3c4d5e6f', description: 'The X-Request-Id of the request, also in the server log' }),
  })
  .openapi('Error');

export const SuccessSchema = z.object({ success: z.literal(true) }).openapi('Success');

export const InstanceIdParam = z.object({
  instanceId: z
    .string()
    .openapi({ param: { name: 'instanceId', in: 'path' }, example: 'default', description: 'Instance id' }),
});

const errorContent = { 'application/json': { schema: ErrorSchema } };

/** Standard error responses for the OpenAPI document, by status. */
export const errors = {
  400: { description: 'Missing or invalid parameter', content: errorContent },
  401: { description: 'Missing or wrong API token', content: errorContent },
  403: { description: 'The token may not do this', content: errorContent },
  404: { description: 'Instance or resource not found', content: errorContent },
  409: { description: 'Conflict: exists already, or the instance is not connected', content: errorContent },
  413: { description: 'Upload too large', content: errorContent },
  429: { description: 'Rate limit exceeded', content: errorContent },
  501: { description: "The instance's engine cannot do this (unsupported)", content: errorContent },
  502: { description: 'WhatsApp refused or failed the operation', content: errorContent },
  507: { description: 'The disk is full (storage_full): nothing of the request was stored', content: errorContent },
} as const;

/** `limit` and `page` query parameters; a list answers `{ items, page, limit, total }` (pageOf). */
export function pageQuery(defaultLimit: number, maxLimit: number) {
  return {
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(maxLimit)
      .default(defaultLimit)
      .openapi({ description: `Items per page (default ${defaultLimit}, at most ${maxLimit})` }),
    page: z.coerce.number().int().min(1).max(1_000_000).default(1).openapi({ description: 'Page number (default 1)' }),
  };
}

/**
 * `limit` and `page` for a list whose seed answer is a bare array: without either, every item as
 * the array (the seed's answer, kept as it was); with either, a page `{ items, page, limit, total }`.
 */
export function optionalPageQuery(defaultLimit: number, maxLimit: number) {
  const paged = `With limit or page the answer is a page { items, page, limit, total }; without either, every item as an array.`;
  return {
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(maxLimit)
      .optional()
      .openapi({ description: `Items per page (default ${defaultLimit}, at most ${maxLimit}). ${paged}` }),
    page: z.coerce.number().int().min(1).max(1_000_000).optional().openapi({ description: `Page number (default 1). ${paged}` }),
  };
}

/** The page asked for by optionalPageQuery's parameters, or null for the whole list. */
export function pageAsked(q: { limit?: number | undefined; page?: number | undefined }, defaultLimit: number): { page: number; limit: number } | null {
  if (q.limit === undefined && q.page === undefined) return null;
  return { page: q.page ?? 1, limit: q.limit ?? defaultLimit };
}

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), page: z.number(), limit: z.number(), total: z.number() });
}

/** `cursor` / `before` beside `page`: keyset paging of a history (the same cost at any depth). */
export const cursorQuery = {
  cursor: z.string().max(64).optional().openapi({ description: 'The nextCursor of the previous page: the page after it (page and total are then left out)' }),
  before: z.string().max(128).optional().openapi({ description: 'A message id: the page of messages older than it' }),
};

/** A history page: `items`, `limit`, `nextCursor` (null at the end), and with `page`: `page` and `total`. */
export function historyPageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    page: z.number().optional(),
    limit: z.number(),
    total: z.number().optional(),
    nextCursor: z.string().nullable().openapi({ description: 'Pass as ?cursor= for the next (older) page; null: no more' }),
  });
}

type HistoryFilter = { status?: MessageStatusFilter; chatId?: string };
type MessageStatusFilter = Parameters<MessageService['history']>[1]['status'];

/** Answers a history request: by cursor (or before) when one is given, else by page. */
export async function historyAnswer(
  messages: Pick<MessageService, 'history' | 'historyPage'>,
  instanceId: string,
  filter: HistoryFilter,
  q: { page: number; limit: number; cursor?: string | undefined; before?: string | undefined },
) {
  if (q.cursor !== undefined && q.before !== undefined) throw new AppError('bad_request', 'cursor, before: give one of them');
  if (q.cursor !== undefined || q.before !== undefined) {
    const { items, nextCursor } = await messages.historyPage(instanceId, filter, { cursor: q.cursor, before: q.before }, q.limit);
    return { items, limit: q.limit, nextCursor };
  }
  const { items, total, nextCursor } = await messages.history(instanceId, filter, q.page, q.limit);
  return { items, page: q.page, limit: q.limit, total, nextCursor };
}

export function jsonBody<T extends z.ZodType>(schema: T, required = true) {
  return { required, content: { 'application/json': { schema } } };
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** Turns zod issues into one sentence naming each bad field: `to: is required; lat: expected a number`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const field = issue.path.map(String).join('.') || 'body';
      const message = /received undefined$/.test(issue.message) ? 'is required' : issue.message;
      return `${field}: ${message}`;
    })
    .join('; ');
}

/** The validation hook every router uses: a 400 whose `error` names the field and the problem. */
export const validationHook: Hook<any, AppEnv, any, any> = (result) => {
  if (!result.success) throw new AppError('bad_request', describeIssues(result.error.issues));
  return undefined;
};

export function createRouter() {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}
