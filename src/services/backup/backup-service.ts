import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError, conflict } from '../../errors.js';
import { backupOpenDatabase } from '../../storage/backup.js';
import { DATABASE_FILE, type OpenedDb } from '../../storage/db.js';
import { copyTree, type CopyReport } from './copy-tree.js';

/** What manifest.json of a backup says it is; restore refuses anything else. */
export const BACKUP_FORMAT = 'hatline-backup/1';
export const MANIFEST = 'manifest.json';
/** Where the admin endpoint writes backups: DATA_DIR/backups/<time>/ (left out of later backups). */
export const BACKUPS_DIR = 'backups';

/**
 * Chromium's caches in a wwebjs session folder: rebuilt by the browser, often most of a profile's
 * size, and not part of the linked session (that is in IndexedDB and Local Storage, which are kept).
 */
const BROWSER_CACHES = new Set(['Cache', 'Code Cache', 'GPUCache', 'DawnCache', 'DawnGraphiteCache', 'DawnWebGPUCache', 'GrShaderCache', 'GraphiteDawnCache', 'ShaderCache', 'Crashpad']);
/** The live database's files: the database is copied through SQLite instead. */
const DATABASE_FILES = new Set([DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`, `${DATABASE_FILE}-journal`]);

interface PartReport {
  files: number;
  bytes: number;
  /** Entries left out: Chromium's lock links and caches, files removed while the copy ran. */
  skipped: number;
}

export interface BackupReport {
  format: string;
  /** The server version that wrote it. */
  version: string;
  path: string;
  /** ISO 8601. */
  createdAt: string;
  database: { file: string; bytes: number };
  /** DATA_DIR besides the database: session folders, the admin token's hash, the sandbox network, recorded WhatsApp Web builds. */
  data: PartReport;
  media: PartReport;
  totalBytes: number;
}

export interface BackupWriteOptions {
  dataDir: string;
  mediaDir: string;
  version: string;
  now: () => number;
  /** Writes a consistent copy of the database to `dest` (the backup API in the server, VACUUM INTO from outside). */
  snapshot: (dest: string) => Promise<void>;
}

const part = (r: CopyReport): PartReport => ({ files: r.files, bytes: r.bytes, skipped: r.skipped.length });
const inside = (dir: string, candidate: string) => {
  const rel = path.relative(dir, candidate);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
};

/**
 * Writes a backup into `dir` (created; an existing one must be empty): first the database as one
 * consistent snapshot, then the rest of DATA_DIR (session folders copied file by file, without
 * Chromium's lock links and caches), then MEDIA_DIR, and last manifest.json, which marks the backup
 * complete. A backup that fails is removed. Files are copied after the database, so every media file
 * the snapshot's rows name is there unless it was deleted while the copy ran.
 */
export async function writeBackup(opts: BackupWriteOptions, dir: string): Promise<BackupReport> {
  const target = path.resolve(dir);
  const dataDir = path.resolve(opts.dataDir);
  const mediaDir = path.resolve(opts.mediaDir);
  const existing = await readdir(target).catch(() => null);
  if (existing && existing.length > 0) throw conflict(`backup folder ${target} exists and is not empty`);
  const createdAt = new Date(opts.now()).toISOString();
  await mkdir(path.join(target, 'data'), { recursive: true });
  try {
    const dbCopy = path.join(target, 'data', DATABASE_FILE);
    await opts.snapshot(dbCopy);
    const data = await copyTree(dataDir, path.join(target, 'data'), {
      skip: (rel, name) => {
        const full = path.join(dataDir, rel);
        if (!rel.includes('/') && (DATABASE_FILES.has(name) || name === BACKUPS_DIR)) return true;
        if (full === target || inside(full, target) || full === mediaDir) return true;
        return rel.startsWith('sessions/') && BROWSER_CACHES.has(name);
      },
    });
    const media = await copyTree(mediaDir, path.join(target, 'media'), { skip: (rel) => path.join(mediaDir, rel) === target });
    const database = { file: `data/${DATABASE_FILE}`, bytes: (await stat(dbCopy)).size };
    const report: BackupReport = {
      format: BACKUP_FORMAT,
      version: opts.version,
      path: target,
      createdAt,
      database,
      data: part(data),
      media: part(media),
      totalBytes: database.bytes + data.bytes + media.bytes,
    };
    await writeFile(path.join(target, MANIFEST), JSON.stringify(report, null, 2) + '\n');
    return report;
  } catch (err) {
    if (existing) {
      for (const name of await readdir(target).catch(() => [] as string[])) await rm(path.join(target, name), { recursive: true, force: true });
    } else {
      await rm(target, { recursive: true, force: true });
    }
    throw err;
  }
}

export interface BackupServiceOptions {
  dataDir: string;
  mediaDir: string;
  database: OpenedDb;
  version: string;
  now: () => number;
}

/**
 * Why there is no built-in backup on PostgreSQL: the database is PostgreSQL's to copy, with its own
 * tools, consistent while the server runs; what Hatline keeps on disk is plain files.
 */
export const POSTGRES_BACKUP =
  'this server keeps its data in PostgreSQL (DATABASE_URL): back the database up with pg_dump, and DATA_DIR and MEDIA_DIR (sessions, media) with a file copy';

/** Backups taken by the running server (the admin endpoint), one at a time, into DATA_DIR/backups/. */
export class BackupService {
  private running = false;

  constructor(private readonly opts: BackupServiceOptions) {}

  async create(): Promise<BackupReport> {
    const { database } = this.opts;
    if (!database.sqlite) throw new AppError('unsupported', POSTGRES_BACKUP);
    if (this.running) throw conflict('a backup is under way; try again once it has finished');
    this.running = true;
    try {
      const stamp = new Date(this.opts.now()).toISOString().replace(/[:.]/g, '-');
      let dir = path.join(this.opts.dataDir, BACKUPS_DIR, stamp);
      for (let n = 2; await readdir(dir).then(() => true, () => false); n++) dir = path.join(this.opts.dataDir, BACKUPS_DIR, `${stamp}-${n}`);
      return await writeBackup(
        {
          dataDir: this.opts.dataDir,
          mediaDir: this.opts.mediaDir,
          version: this.opts.version,
          now: this.opts.now,
          snapshot: async (dest) => {
            await backupOpenDatabase(database, dest);
          },
        },
        dir,
      );
    } finally {
      this.running = false;
    }
  }
}
