import { createRequire } from 'node:module';
import type pg from 'pg';

// node-postgres is loaded when a PostgreSQL database is first opened, not at start-up: a server on
// SQLite never needs it. It is CommonJS, so a synchronous require keeps openDatabase() synchronous.
const requirePg = createRequire(import.meta.url);
let driver: typeof pg | null = null;

export function pgDriver(): typeof pg {
  return (driver ??= requirePg('pg') as typeof pg);
}
