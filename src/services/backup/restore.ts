import { access, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { databaseInUse, integrityCheck } from '../../storage/backup.js';
import { DATABASE_FILE } from '../../storage/db.js';
import { BACKUP_FORMAT, MANIFEST, type BackupReport } from './backup-service.js';
import { copyTree } from './copy-tree.js';

export interface RestoreOptions {
  /** The backup folder (the one holding manifest.json). */
  from: string;
  dataDir: string;
  mediaDir: string;
  /** Replace (delete) what DATA_DIR and MEDIA_DIR hold; without it they must hold no database and no media. */
  force: boolean;
}

export interface RestoreReport {
  backup: BackupReport;
  dataDir: string;
  mediaDir: string;
  files: number;
  bytes: number;
}

/** A restore that cannot go ahead; nothing was changed. */
export class RestoreRefused extends Error {
  override name = 'RestoreRefused';
}

const exists = (p: string) => access(p).then(() => true, () => false);
const entries = (dir: string) => readdir(dir).catch(() => [] as string[]);

async function readManifest(from: string): Promise<BackupReport> {
  let manifest: BackupReport;
  try {
    manifest = JSON.parse(await readFile(path.join(from, MANIFEST), 'utf8')) as BackupReport;
  } catch {
    throw new RestoreRefused(`${from} holds no ${MANIFEST}: not a Hatline backup, or one that did not finish`);
  }
  if (manifest.format !== BACKUP_FORMAT) throw new RestoreRefused(`${from} is a backup of format "${manifest.format}"; this server reads "${BACKUP_FORMAT}"`);
  return manifest;
}

/**
 * Puts a backup back, with the server stopped: checks the backup (its manifest, SQLite's integrity
 * check of its database) and the targets (no server has the database open; nothing there unless
 * `force`), then copies its data/ into DATA_DIR and its media/ into MEDIA_DIR and checks the
 * restored database again. The next start migrates it forward if it came from an older version,
 * and marks sends that were under way at backup time failed (their outcome is unknown).
 */
export async function restoreBackup(opts: RestoreOptions): Promise<RestoreReport> {
  const from = path.resolve(opts.from);
  const dataDir = path.resolve(opts.dataDir);
  const mediaDir = path.resolve(opts.mediaDir);
  const backup = await readManifest(from);
  const backupDb = path.join(from, 'data', DATABASE_FILE);
  if (!(await exists(backupDb))) throw new RestoreRefused(`${from} has no data/${DATABASE_FILE}`);
  const check = integrityCheck(backupDb);
  if (check !== 'ok') throw new RestoreRefused(`the backup's database fails SQLite's integrity check: ${check}`);

  const liveDb = path.join(dataDir, DATABASE_FILE);
  if (databaseInUse(liveDb)) throw new RestoreRefused(`${liveDb} is open in a running server: stop it first`);
  const occupied = [(await exists(liveDb)) ? liveDb : null, (await entries(mediaDir)).length > 0 ? mediaDir : null].filter(Boolean);
  if (occupied.length > 0 && !opts.force) {
    throw new RestoreRefused(`${occupied.join(' and ')} already hold data; pass --force to replace it (it is deleted)`);
  }
  if (opts.force) {
    // What the backup replaces goes; its own folder and other backups stay.
    for (const name of await entries(dataDir)) {
      const full = path.join(dataDir, name);
      if (name === 'backups' || from === full || from.startsWith(full + path.sep) || full === mediaDir) continue;
      await rm(full, { recursive: true, force: true });
    }
    for (const name of await entries(mediaDir)) await rm(path.join(mediaDir, name), { recursive: true, force: true });
  }

  // A WAL or journal left beside no database (or beside the one replaced) would be applied to the restored one.
  for (const suffix of ['-wal', '-shm', '-journal']) await rm(`${liveDb}${suffix}`, { force: true });
  const data = await copyTree(path.join(from, 'data'), dataDir);
  const media = await copyTree(path.join(from, 'media'), mediaDir);
  const restored = integrityCheck(liveDb);
  if (restored !== 'ok') throw new Error(`the restored database fails SQLite's integrity check: ${restored}`);
  return { backup, dataDir, mediaDir, files: data.files + media.files, bytes: data.bytes + media.bytes };
}
