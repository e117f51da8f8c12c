import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
/** A repository function takes either the database or a transaction. */
export type DbOrTrx = Kysely<Database> | Transaction<Database>;
