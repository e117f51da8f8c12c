import type { DbOrTrx } from './db.js';
import type { ChatbotRuleRow } from './schema.js';

export type RuleFields = Pick<ChatbotRuleRow, 'match_type' | 'trigger_text' | 'response' | 'delay' | 'enabled' | 'priority'>;

/** The instance's rules in the order they are tried: priority (low first), then id. */
export function listRules(db: DbOrTrx, instanceId: string): Promise<ChatbotRuleRow[]> {
  return db.selectFrom('chatbot_rules').selectAll().where('instance_id', '=', instanceId).orderBy('priority').orderBy('id').execute();
}

export async function countRules(db: DbOrTrx, instanceId: string): Promise<number> {
  const row = await db.selectFrom('chatbot_rules').select((eb) => eb.fn.countAll<number>().as('n')).where('instance_id', '=', instanceId).executeTakeFirst();
  return Number(row?.n ?? 0);
}

export function findRule(db: DbOrTrx, instanceId: string, id: number): Promise<ChatbotRuleRow | undefined> {
  return db.selectFrom('chatbot_rules').selectAll().where('instance_id', '=', instanceId).where('id', '=', id).executeTakeFirst();
}

export async function insertRule(db: DbOrTrx, instanceId: string, fields: RuleFields): Promise<number> {
  const now = Date.now();
  const row = await db
    .insertInto('chatbot_rules')
    .values({ instance_id: instanceId, ...fields, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateRule(db: DbOrTrx, instanceId: string, id: number, fields: RuleFields): Promise<boolean> {
  const r = await db
    .updateTable('chatbot_rules')
    .set({ ...fields, updated_at: Date.now() })
    .where('instance_id', '=', instanceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function deleteRule(db: DbOrTrx, instanceId: string, id: number): Promise<boolean> {
  const r = await db.deleteFrom('chatbot_rules').where('instance_id', '=', instanceId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
