import type { Migration } from 'kysely';
import * as m001 from './001_initial.js';

/**
 * Every migration, in order. Listed here rather than read from the folder so that the
 * compiled server and the tests (run from TypeScript) find exactly the same set.
 */
export const migrations: Record<string, Migration> = {
  '001_initial': m001,
};
