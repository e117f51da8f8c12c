import type pg from 'pg';
import { loadedOnFirstUse } from '../paths.js';

/**
 * node-postgres, loaded when a PostgreSQL database is first opened: a server on SQLite never needs
 * it, and a synchronous require keeps openDatabase() synchronous.
 */
export const pgDriver = loadedOnFirstUse<typeof pg>('pg');
