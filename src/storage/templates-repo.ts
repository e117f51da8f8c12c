import { sql } from 'kysely';
import type { DbOrTrx } from './db.js';
import type { MessageTemplateRow } from './schema.js';
import { containsText } from './text-search.js';

export type TemplateFields = Pick<MessageTemplateRow, 'title' | 'body' | 'category' | 'shortcut'>;

export interface TemplateFilter {
  /** Templates of these instances (shared ones always); 'all': of every instance. */
  instances: readonly string[] | 'all';
  category?: string | undefined;
  q?: string | undefined;
}

/** Shared templates and those of the given instances, by category then title. */
export function listTemplates(db: DbOrTrx, filter: TemplateFilter): Promise<MessageTemplateRow[]> {
  let q = db.selectFrom('message_templates').selectAll();
  const { instances } = filter;
  if (instances !== 'all') {
    q = q.where((eb) => (instances.length ? eb.or([eb('instance_id', 'is', null), eb('instance_id', 'in', instances)]) : eb('instance_id', 'is', null)));
  }
  if (filter.category !== undefined) q = q.where('category', '=', filter.category);
  if (filter.q) q = q.where(containsText(['title', 'body', 'shortcut'], filter.q));
  return q.orderBy(sql`coalesce(category, '')`).orderBy('title').orderBy('id').limit(1000).execute();
}

export function findTemplate(db: DbOrTrx, id: number): Promise<MessageTemplateRow | undefined> {
  return db.selectFrom('message_templates').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Another template with this shortcut in the same place (shared, or the same instance). */
export function findByShortcut(db: DbOrTrx, instanceId: string | null, shortcut: string, exceptId?: number): Promise<MessageTemplateRow | undefined> {
  let q = db.selectFrom('message_templates').selectAll().where('shortcut', '=', shortcut);
  q = instanceId === null ? q.where('instance_id', 'is', null) : q.where('instance_id', '=', instanceId);
  if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
  return q.executeTakeFirst();
}

export async function insertTemplate(db: DbOrTrx, instanceId: string | null, fields: TemplateFields, now: number): Promise<number> {
  const row = await db
    .insertInto('message_templates')
    .values({ instance_id: instanceId, ...fields, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function updateTemplate(db: DbOrTrx, id: number, fields: Partial<TemplateFields>, now: number): Promise<void> {
  await db.updateTable('message_templates').set({ ...fields, updated_at: now }).where('id', '=', id).execute();
}

export async function deleteTemplate(db: DbOrTrx, id: number): Promise<boolean> {
  const r = await db.deleteFrom('message_templates').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
