import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Callback, Test } from 'uvu';
import { projectRoot } from '../../src/paths.js';
import { migrate, openDatabase, openDb, type Db, type OpenedDb } from '../../src/storage/db.js';

/**
 * TEST_DATABASE_URL (set by scripts/test-postgres.sh, `npm run test:pg`): the suite runs on that
 * PostgreSQL server instead of SQLite. Each test server gets a database of its own, named after
 * its DATA_DIR (a server started again on the same folder, as restart tests do, finds its data;
 * servers of different tests never meet), copied from a template that ran every migration once:
 * CREATE DATABASE ... TEMPLATE takes a fraction of the time the migrations take.
 */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL?.trim() || null;

/** Whether this run is on PostgreSQL. */
export const onPostgres = testDatabaseUrl !== null;

let admin: pg.Pool | null = null;

/** One small pool for creating and dropping databases; it lets the process exit when idle. */
function adminPool(url: string): pg.Pool {
  admin ??= new pg.Pool({ connectionString: url, max: 2, allowExitOnIdle: true });
  return admin;
}

/** The URL of another database on the same server. */
export function urlOfDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The database of a DATA_DIR: the same folder, the same database. */
export function databaseFor(dataDir: string): string {
  return `t_${createHash('sha256').update(dataDir).digest('hex').slice(0, 24)}`;
}

const DUPLICATE_DATABASE = '42P04';
const codeOf = (err: unknown) => (err as { code?: string } | null)?.code;

let template: Promise<string> | null = null;

/**
 * The migrated template, named after the migrations' source (a changed migration makes a new
 * one). Built under another name and renamed once complete, so that a test process running at
 * the same time never copies a half-migrated one; the process that loses the race to build it
 * waits for the other's.
 */
function migratedTemplate(url: string): Promise<string> {
  template ??= (async () => {
    const dir = path.join(projectRoot, 'migrations');
    const hash = createHash('sha256');
    for (const file of readdirSync(dir).sort()) hash.update(file).update(readFileSync(path.join(dir, file)));
    const name = `tpl_${hash.digest('hex').slice(0, 24)}`;
    const pool = adminPool(url);
    const exists = async () => (await pool.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount! > 0;
    if (await exists()) return name;
    const building = `${name}_building`;
    try {
      await pool.query(`CREATE DATABASE ${building}`);
    } catch (err) {
      if (codeOf(err) !== DUPLICATE_DATABASE) throw err;
      const deadline = Date.now() + 120_000;
      while (!(await exists())) {
        if (Date.now() > deadline) throw new Error(`template database ${name} was not built in time by another test process`);
        await new Promise((r) => setTimeout(r, 200));
      }
      return name;
    }
    const opened = openDatabase({ url: urlOfDatabase(url, building), file: ':memory:' });
    try {
      await migrate(opened.db);
    } finally {
      await opened.close();
    }
    await pool.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    return name;
  })();
  return template;
}

/**
 * The DATABASE_URL for a test server on `dataDir` (its database is made from the migrated
 * template if it does not exist yet), or null when the run is on SQLite.
 */
export async function testDatabaseFor(dataDir: string): Promise<string | null> {
  if (!testDatabaseUrl) return null;
  const name = databaseFor(dataDir);
  const tpl = await migratedTemplate(testDatabaseUrl);
  try {
    await adminPool(testDatabaseUrl).query(`CREATE DATABASE ${name} TEMPLATE ${tpl}`);
  } catch (err) {
    if (codeOf(err) !== DUPLICATE_DATABASE) throw err;
  }
  return urlOfDatabase(testDatabaseUrl, name);
}

/** An empty database (no migration run) for tests of the migrations themselves. */
export async function emptyTestDatabase(key: string): Promise<string> {
  if (!testDatabaseUrl) throw new Error('emptyTestDatabase needs TEST_DATABASE_URL');
  const name = databaseFor(`empty:${key}:${process.pid}`);
  const pool = adminPool(testDatabaseUrl);
  await pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await pool.query(`CREATE DATABASE ${name}`);
  return urlOfDatabase(testDatabaseUrl, name);
}

let emptyCount = 0;

/**
 * A database of the run's kind with no migration run, for tests of the storage layer and of the
 * migrations: SQLite in memory, or a new PostgreSQL database (dropped again by close()).
 */
export async function openTestDatabase(): Promise<OpenedDb> {
  if (!testDatabaseUrl) return openDb(':memory:');
  const url = await emptyTestDatabase(`${++emptyCount}`);
  const opened = openDatabase({ url, file: ':memory:' });
  return {
    ...opened,
    close: async () => {
      await opened.close();
      await adminPool(testDatabaseUrl).query(`DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)} WITH (FORCE)`);
    },
  };
}

/** Every row of every table, as JSON text: for tests that prove something is stored nowhere. */
export async function everyRow(db: Db): Promise<string> {
  const tables = await db.introspection.getTables();
  const dumps: string[] = [];
  for (const t of tables) {
    if (t.isView) continue;
    const rows = await (db as unknown as Db).selectFrom(t.name as 'messages').selectAll().execute();
    dumps.push(`${t.name}: ${JSON.stringify(rows)}`);
  }
  return dumps.join('\n');
}

/** Drops the database of a test server's DATA_DIR (nothing on SQLite). */
export async function dropTestDatabase(dataDir: string): Promise<void> {
  if (!testDatabaseUrl) return;
  await adminPool(testDatabaseUrl).query(`DROP DATABASE IF EXISTS ${databaseFor(dataDir)} WITH (FORCE)`);
}

const said = new Set<string>();

/** Prints a line once per `what`, on the test output. */
function sayOnce(what: string, line: string): void {
  if (said.has(what)) return;
  said.add(what);
  process.stdout.write(`\n  ${line}\n`);
}

/**
 * The way to declare the tests of an SQLite file's own behaviour (its crash recovery, its backup
 * API, its full disk): on a PostgreSQL run they are skipped (uvu counts them as skipped) and the
 * reason is printed once.
 */
export function sqliteOnly<T>(t: Test<T>, what: string, why: string): (name: string, fn: Callback<T>) => void {
  if (!onPostgres) return (name, fn) => t(name, fn);
  return (name, fn) => {
    sayOnce(what, `skipped on PostgreSQL: ${what} (${why})`);
    t.skip(name, fn);
  };
}

/** The tests of PostgreSQL's own behaviour: skipped, with the reason printed once, on an SQLite run. */
export function postgresOnly<T>(t: Test<T>, what: string): (name: string, fn: Callback<T>) => void {
  if (onPostgres) return (name, fn) => t(name, fn);
  return (name, fn) => {
    sayOnce(what, `skipped on SQLite: ${what} (they run with TEST_DATABASE_URL, npm run test:pg)`);
    t.skip(name, fn);
  };
}
