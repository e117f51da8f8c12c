import { randomBytes } from 'node:crypto';
import type { DbOrTrx } from './db.js';
import type { SettingsRow, SettingsUpdate } from './schema.js';

export function getSettings(db: DbOrTrx, instanceId: string): Promise<SettingsRow | undefined> {
  return db.selectFrom('settings').selectAll().where('instance_id', '=', instanceId).executeTakeFirst();
}

export async function updateSettings(db: DbOrTrx, instanceId: string, patch: SettingsUpdate): Promise<void> {
  if (Object.keys(patch).length === 0) return;
  await db.updateTable('settings').set(patch).where('instance_id', '=', instanceId).execute();
}

/** A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
