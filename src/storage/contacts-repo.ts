import { USER_SUFFIX } from '../ids.js';
import { compiledOnce, type CompiledOnce } from './compiled-query.js';
import type { DbOrTrx } from './db.js';
import type { ContactRow } from './schema.js';
import { readTogether } from './transact.js';

/** What is known of a contact; fields left out (undefined) stay as they are, null clears a name. */
export interface ContactReport {
  id: string;
  name?: string | null;
  /** The push name; a null or empty one never replaces a known one. */
  notify?: string | null;
}

/**
 * Records contacts: everyone who wrote, everyone written to, and the engine's address book. The
 * newest push name wins; an address-book name only comes from the engine. A report that brings
 * neither (a send to someone) leaves a known contact's row as it is, `updated_at` included.
 */
export async function upsertContacts(db: DbOrTrx, instanceId: string, contacts: ContactReport[]): Promise<void> {
  const now = Date.now();
  for (const c of contacts) {
    const notify = c.notify ? c.notify : null;
    await upsertQuery(c.name !== undefined, notify !== null).run(db, { instanceId, id: c.id, name: c.name ?? null, notify, now });
  }
}

interface UpsertParams {
  instanceId: string;
  id: string;
  name: string | null;
  notify: string | null;
  now: number;
}

/** upsertContacts' statement, compiled once per shape: whether it sets the name, and the push name. */
const upsertQueries = new Map<string, CompiledOnce<UpsertParams>>();

function upsertQuery(setsName: boolean, setsNotify: boolean): CompiledOnce<UpsertParams> {
  const key = `${setsName}:${setsNotify}`;
  let query = upsertQueries.get(key);
  if (!query) {
    query = compiledOnce<UpsertParams>((db, $) =>
      db
        .insertInto('contacts')
        .values({ instance_id: $('instanceId'), contact_id: $('id'), name: $('name'), notify: $('notify'), updated_at: $('now') })
        .onConflict((oc) =>
          // Nothing to change (a send to a known contact, each time): the row is left as it is.
          !setsName && !setsNotify
            ? oc.columns(['instance_id', 'contact_id']).doNothing()
            : oc.columns(['instance_id', 'contact_id']).doUpdateSet({
                ...(setsName ? { name: $('name') } : {}),
                ...(setsNotify ? { notify: $('notify') } : {}),
                updated_at: $('now'),
              }),
        ),
    );
    upsertQueries.set(key, query);
  }
  return query;
}

/** Every contact of an instance, by id. */
export function listContacts(db: DbOrTrx, instanceId: string): Promise<ContactRow[]> {
  return db.selectFrom('contacts').selectAll().where('instance_id', '=', instanceId).orderBy('contact_id').execute();
}

/**
 * A page of an instance's user contacts (ids `<phone>@s.whatsapp.net`, 7 to 15 digits, other than
 * `exceptId`), by id, and how many there are. The digits themselves are checked by the caller.
 */
export async function pageUserContacts(
  db: DbOrTrx,
  instanceId: string,
  exceptId: string | null,
  window: { limit: number; offset: number },
): Promise<{ rows: ContactRow[]; total: number }> {
  return readTogether(db, async (trx) => {
    let q = trx
      .selectFrom('contacts')
      .where('instance_id', '=', instanceId)
      .where('contact_id', 'like', `%${USER_SUFFIX}`)
      .where((eb) => eb(eb.fn('length', ['contact_id']), '>=', 7 + USER_SUFFIX.length));
    if (exceptId) q = q.where('contact_id', '!=', exceptId);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('contact_id').limit(window.limit).offset(window.offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  });
}

export function findContact(db: DbOrTrx, instanceId: string, id: string): Promise<ContactRow | undefined> {
  return db.selectFrom('contacts').selectAll().where('instance_id', '=', instanceId).where('contact_id', '=', id).executeTakeFirst();
}

/** How many contacts the instance has stored. */
export async function countContacts(db: DbOrTrx, instanceId: string): Promise<number> {
  const row = await db.selectFrom('contacts').select((eb) => eb.fn.countAll<number>().as('n')).where('instance_id', '=', instanceId).executeTakeFirstOrThrow();
  return Number(row.n);
}
