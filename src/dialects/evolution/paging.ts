import { z } from '@hono/zod-openapi';
import { AppError } from '../../errors.js';

const count = z.union([z.number(), z.string().regex(/^\s*\d+\s*$/, 'expected a whole number').transform(Number)]).pipe(z.number().int().min(0));

/**
 * Evolution's paging in every spelling clients use: `take`/`skip` (findChats), `page` with
 * `offset` as the page size (findMessages), and `limit` for either size (seed 000).
 */
export const Paging = z.object({
  take: count.optional().openapi({ type: 'integer' }),
  skip: count.optional().openapi({ type: 'integer' }),
  limit: count.optional().openapi({ type: 'integer' }),
  page: count.pipe(z.number().min(1, 'pages start at 1')).optional().openapi({ type: 'integer' }),
  offset: count.optional().openapi({ type: 'integer', description: 'The page size with page (as Evolution reads it)' }),
});

/** The page asked for: how many (at most `max`) from where; `size` null is everything. */
export function pageOf(p: z.output<typeof Paging>, defaultSize: number | null, max: number): { page: number; size: number | null; start: number } {
  const asked = p.take ?? p.limit ?? p.offset ?? defaultSize;
  const size = asked === null ? null : Math.min(Math.max(asked, 1), max);
  const page = p.page ?? 1;
  const start = p.skip ?? (size === null ? 0 : (page - 1) * size);
  return { page, size, start };
}

/** A date given as unix seconds, unix milliseconds or an ISO string, as unix seconds; 400 naming `field` otherwise. */
export function secondsOf(field: string, v: number | string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : Date.parse(v) / 1000;
  if (!Number.isFinite(n)) throw new AppError('bad_request', `${field}: expected a date (ISO 8601) or a unix time`);
  return Math.floor(n > 1e11 ? n / 1000 : n);
}
