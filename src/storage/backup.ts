import SQLite from 'better-sqlite3';
import type { OpenedDb } from './db.js';

/** Pages copied per step of an online backup (4 MB at SQLite's default page size); the event loop runs between steps. */
const PAGES_PER_STEP = 1000;

/**
 * A consistent copy of the server's own database into `dest`, through SQLite's online backup API
 * on the server's connection: it copies a batch of pages per turn of the event loop, and a write
 * the server makes meanwhile (on the same connection) is carried into the copy as well, so the
 * copy is the database as it stands when the backup ends. Null when the database is not SQLite.
 */
export async function backupOpenDatabase(opened: OpenedDb, dest: string): Promise<{ pages: number } | null> {
  if (!opened.sqlite) return null;
  const result = await opened.sqlite.backup(dest, { progress: () => PAGES_PER_STEP });
  selfContained(dest);
  return { pages: result.totalPages };
}

/** The copy as one file (rollback journal, not WAL), so it can be checked, moved and opened read-only as it is. */
function selfContained(file: string): void {
  const db = new SQLite(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
}

/**
 * A consistent copy of a database file that another process (a running server) may be writing:
 * `VACUUM INTO` reads it in one read transaction (in WAL mode a reader never blocks the writer,
 * nor the writer it), so the copy is the database at one moment, compacted.
 */
export function snapshotDatabaseFile(file: string, dest: string): void {
  const db = new SQLite(file, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    db.prepare('VACUUM INTO ?').run(dest);
  } finally {
    db.close();
  }
  selfContained(dest);
}

/** SQLite's own check of a database file: `ok`, or what is wrong with it. */
export function integrityCheck(file: string): string {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

/**
 * Whether another connection (a running server) has the database open: in WAL mode every open
 * connection holds a shared lock on the file, so an exclusive lock cannot be had. False when there
 * is no such file.
 */
export function databaseInUse(file: string): boolean {
  let db: SQLite.Database;
  try {
    db = new SQLite(file, { fileMustExist: true });
  } catch {
    return false;
  }
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    return false;
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_BUSY') return true;
    throw err;
  } finally {
    db.close();
  }
}
