#!/usr/bin/env node
// `npm run setup`: installs the npm packages, then makes sure a Chromium is there for the
// whatsapp-web.js engine and PostgreSQL's server binaries for the tests (Debian's `chromium` and
// `postgresql` through apt when running as root).
// Uses only Node's own modules: it runs before anything is installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`setup: "${cmd} ${args.join(' ')}" failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
};

run('npm', [existsSync('package-lock.json') ? 'ci' : 'install', '--no-audit', '--no-fund']);

const hasApt = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const asRoot = process.getuid?.() === 0;

// Chromium, for the wwebjs engine (and its tests).
const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean);
const chromium = candidates.find((p) => existsSync(p));
// PostgreSQL's server binaries, for the test suite's PostgreSQL run (scripts/test-postgres.sh starts a
// throwaway cluster from them). The server itself needs none: SQLite is its default database.
const postgres = (() => {
  try {
    return readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
  } catch {
    return false;
  }
})();

const missing = [...(chromium ? [] : ['chromium']), ...(postgres ? [] : ['postgresql'])];
if (chromium) console.log(`setup: Chromium found at ${chromium}`);
if (postgres) console.log('setup: PostgreSQL server binaries found (for the tests on PostgreSQL)');
if (missing.length === 0) process.exit(0);
if (hasApt && asRoot) {
  console.log(`setup: installing Debian's ${missing.join(' and ')} (${missing.map((p) => (p === 'chromium' ? 'the wwebjs engine' : "the tests' PostgreSQL run")).join('; ')})`);
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing]);
  process.exit(0);
}
if (!postgres) {
  console.error(
    'setup: no PostgreSQL server found. `npm test` runs the suite on SQLite and on a throwaway PostgreSQL: run "apt-get install -y postgresql" as root, or run the tests with TEST_DATABASES=sqlite.',
  );
}
if (!chromium) {
  console.error(
    'setup: no Chromium found. The wwebjs engine (and its tests) need one: run "apt-get install -y chromium" as root, or set CHROMIUM_PATH.',
  );
  process.exit(1);
}
