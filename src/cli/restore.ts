/**
 * `npm run restore -- <backup folder> [--force]`: puts a backup back into DATA_DIR and MEDIA_DIR
 * (read from the environment as the server reads them), with the server stopped. Without --force,
 * DATA_DIR must hold no database and MEDIA_DIR no files; with it, what they hold is deleted first.
 * From a build: node dist/src/cli/restore.js.
 */
import { ConfigError, loadConfig } from '../config.js';
import { describeError } from '../errors.js';
import { restoreBackup, RestoreRefused } from '../services/backup/restore.js';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const rest = args.filter((a) => a !== '--force');
  if (rest.length !== 1 || rest[0]!.startsWith('-')) {
    process.stderr.write('usage: npm run restore -- <backup folder> [--force]   (DATA_DIR and MEDIA_DIR come from the environment; stop the server first)\n');
    return 2;
  }
  const config = loadConfig();
  if (config.databaseUrl) {
    // A backup holds an SQLite database: put back under DATA_DIR, a server on PostgreSQL would not read it.
    process.stderr.write(
      'restore failed: DATABASE_URL is set, and these backups hold an SQLite database (nothing was changed): ' +
        'restore a PostgreSQL database with pg_restore or psql, and DATA_DIR and MEDIA_DIR by copying their files back\n',
    );
    return 1;
  }
  const report = await restoreBackup({ from: rest[0]!, dataDir: config.dataDir, mediaDir: config.mediaDir, force });
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  process.stderr.write(`restored the backup of ${report.backup.createdAt} into ${report.dataDir} and ${report.mediaDir}; start the server\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    const why = err instanceof ConfigError ? `bad configuration: ${err.message}` : err instanceof RestoreRefused ? `${err.message} (nothing was changed)` : describeError(err);
    process.stderr.write(`restore failed: ${why}\n`);
    process.exit(1);
  },
);
