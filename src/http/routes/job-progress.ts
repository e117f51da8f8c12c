import { z } from '@hono/zod-openapi';

/** How far a job over many recipients (a bulk job, a campaign) has got: the same fields in both answers. */
export const jobProgressFields = {
  total: z.number(),
  sent: z.number(),
  failed: z.number(),
  pending: z.number().openapi({ description: 'Not sent yet (includes one being sent)' }),
  cancelled: z.number(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
};
