import { chatIdOrThrow } from '../../ids.js';
import type { NewRecipient } from '../../storage/bulk-repo.js';
import type { BulkRecipientRow, RecipientStatus } from '../../storage/schema.js';
import { parseVars, storedVars, toVars, type Vars } from '../templates/variables.js';

/** A recipient as a client gives it: the number (or chat id), a name, and its own variables. */
export interface RecipientInput {
  id: string;
  name?: string | undefined;
  vars?: Readonly<Record<string, string | number | boolean>> | undefined;
}

/** The rows of a job's recipients; a bad number is a 400 naming `{field}.{i}.{idName}`. */
export function recipientRows(recipients: readonly RecipientInput[], field = 'recipients', idName = 'id'): NewRecipient[] {
  return recipients.map((rec, i) => ({
    recipient: rec.id,
    chat_id: chatIdOrThrow(`${field}.${i}.${idName}`, rec.id),
    name: rec.name ?? null,
    vars: storedVars(toVars(rec.vars)),
  }));
}

export interface RecipientView {
  position: number;
  id: string;
  name: string | null;
  chatId: string;
  /** The recipient's own {variables}; null when it has none. */
  vars: Vars | null;
  status: RecipientStatus;
  messageId: string | null;
  error: string | null;
}

export function rowToRecipient(r: BulkRecipientRow): RecipientView {
  // Only a settled recipient names its message (a waiting one's stored row may still go).
  const settled = r.status === 'sent' || r.status === 'failed';
  return { position: r.position, id: r.recipient, name: r.name, chatId: r.chat_id, vars: parseVars(r.vars), status: r.status, messageId: settled ? r.message_id : null, error: r.error };
}
