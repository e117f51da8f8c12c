import { sql, type Expression, type SqlBool } from 'kysely';
import type { DbOrTrx } from './db.js';
import type { FileKind, MessageRow } from './schema.js';
import { containsText } from './text-search.js';

// The media files of messages: rows of `messages` with a media_file (a message deleted for
// everyone is left out), found through the partial indexes of migration 014.

export interface FileFilter {
  /** These instances' files; 'all': every instance's. */
  instances: readonly string[] | 'all';
  kind?: FileKind | undefined;
  q?: string | undefined;
}

/** The kind of a file, by its MIME type (the same rule as the counting triggers of migration 014). */
function kindIs(kind: FileKind): Expression<SqlBool> {
  if (kind !== 'document') return sql<SqlBool>`media_mimetype LIKE ${`${kind}/%`}`;
  return sql<SqlBool>`(media_mimetype IS NULL OR NOT (media_mimetype LIKE 'image/%' OR media_mimetype LIKE 'video/%' OR media_mimetype LIKE 'audio/%'))`;
}

function files(db: DbOrTrx, instances: FileFilter['instances']) {
  let q = db.selectFrom('messages').where('media_file', 'is not', null).where('type', '!=', 'revoked');
  if (instances !== 'all') q = instances.length ? q.where('instance_id', 'in', instances) : q.where(sql<boolean>`1 = 0`);
  return q;
}

/** Files, newest first. */
export function listFiles(db: DbOrTrx, filter: FileFilter, limit: number): Promise<MessageRow[]> {
  let q = files(db, filter.instances);
  if (filter.kind) q = q.where(kindIs(filter.kind));
  if (filter.q) q = q.where(containsText(['media_filename', 'caption', 'media_file'], filter.q));
  return q.selectAll().orderBy('seq', 'desc').limit(limit).execute();
}

/** Files per kind, from the counters kept by triggers (migration 014). */
export async function countFiles(db: DbOrTrx, instances: FileFilter['instances']): Promise<Record<FileKind, number>> {
  let q = db.selectFrom('message_file_counts').select(['kind', sql<number>`sum(n)`.as('n')]).groupBy('kind');
  if (instances !== 'all') q = instances.length ? q.where('instance_id', 'in', instances) : q.where(sql<boolean>`1 = 0`);
  const counts: Record<FileKind, number> = { image: 0, video: 0, audio: 0, document: 0 };
  for (const r of await q.execute()) counts[r.kind] = Number(r.n);
  return counts;
}

/** A file by its id (the message's seq). */
export function fileBySeq(db: DbOrTrx, instances: FileFilter['instances'], seq: number): Promise<MessageRow | undefined> {
  return files(db, instances).selectAll().where('seq', '=', seq).executeTakeFirst();
}

/** The file of message `messageId` (the newest, should two instances hold that id). */
export function fileByMessage(db: DbOrTrx, instances: FileFilter['instances'], messageId: string): Promise<MessageRow | undefined> {
  return files(db, instances).selectAll().where('id', '=', messageId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}
