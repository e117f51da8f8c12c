/**
 * `npm run backup -- [folder]`: a consistent backup of DATA_DIR and MEDIA_DIR (read from the
 * environment as the server reads them) into `folder`, by default DATA_DIR/backups/<time>/. Safe
 * while the server runs: the database is copied with VACUUM INTO in one read transaction, which
 * neither waits for the server's writes nor holds them up. From a build: node dist/src/cli/backup.js.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../config.js';
import { describeError } from '../errors.js';
import { VERSION } from '../paths.js';
import { BACKUPS_DIR, POSTGRES_BACKUP, writeBackup } from '../services/backup/backup-service.js';
import { snapshotDatabaseFile } from '../storage/backup.js';
import { DATABASE_FILE } from '../storage/db.js';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.length > 1 || args.some((a) => a.startsWith('-'))) {
    process.stderr.write('usage: npm run backup -- [folder]   (DATA_DIR and MEDIA_DIR come from the environment)\n');
    return 2;
  }
  const config = loadConfig();
  if (config.databaseUrl) {
    process.stderr.write(`nothing was backed up: ${POSTGRES_BACKUP}\n`);
    return 1;
  }
  const dbFile = path.join(config.dataDir, DATABASE_FILE);
  if (!existsSync(dbFile)) {
    process.stderr.write(`no Hatline database at ${dbFile}: is DATA_DIR right?\n`);
    return 1;
  }
  const now = Date.now;
  const folder = args[0] ?? path.join(config.dataDir, BACKUPS_DIR, new Date(now()).toISOString().replace(/[:.]/g, '-'));
  const report = await writeBackup(
    {
      dataDir: config.dataDir,
      mediaDir: config.mediaDir,
      version: VERSION,
      now,
      snapshot: async (dest) => snapshotDatabaseFile(dbFile, dest),
    },
    folder,
  );
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  process.stderr.write(`backup written to ${report.path} (${(report.totalBytes / 1e6).toFixed(1)} MB)\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`backup failed: ${err instanceof ConfigError ? `bad configuration: ${err.message}` : describeError(err)}\n`);
    process.exit(1);
  },
);
