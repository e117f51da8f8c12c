import { createRoute, z } from '@hono/zod-openapi';
import type { Services } from '../deps.js';
import { createRouter, errors, jsonResponse } from '../openapi.js';

const Part = z.object({
  files: z.number(),
  bytes: z.number(),
  skipped: z.number().openapi({ description: "Entries left out: Chromium's lock links and caches, files removed while the copy ran" }),
});

const BackupSchema = z
  .object({
    format: z.string().openapi({ example: 'hatline-backup/1' }),
    version: z.string(),
    path: z.string().openapi({ example: '/app/data/backups/2026-06-01T10-00-00-000Z', description: 'The backup folder, on the server' }),
    createdAt: z.string(),
    database: z.object({ file: z.string(), bytes: z.number() }),
    data: Part.openapi({ description: 'DATA_DIR besides the database: session folders, the token hash, the sandbox network' }),
    media: Part,
    totalBytes: z.number(),
  })
  .openapi('Backup');

export function adminRoutes({ backup }: Pick<Services, 'backup'>) {
  const r = createRouter();

  // POST /api/admin/backup
  r.openapi(
    createRoute({
      method: 'post',
      path: '/api/admin/backup',
      tags: ['Operations'],
      summary: 'Write a consistent backup (database, session folders, media) into DATA_DIR/backups/<time>/',
      description:
        'The database is copied with SQLite\'s online backup API while the server keeps working; then the rest of DATA_DIR and MEDIA_DIR, file by file. Answers once the backup is complete. Restore it with `npm run restore` (server stopped). Admin token only.',
      responses: {
        200: jsonResponse(BackupSchema, 'Written'),
        401: errors[401],
        403: errors[403],
        409: { description: 'A backup is under way', content: errors[409].content },
        501: { description: 'The data is in PostgreSQL (use pg_dump)', content: errors[501].content },
        507: errors[507],
      },
    }),
    async (c) => c.json(await backup.create(), 200),
  );

  return r;
}
