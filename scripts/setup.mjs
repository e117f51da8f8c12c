#!/usr/bin/env node
// `npm run setup`: installs the npm packages, then makes sure a Chromium is there for the
// whatsapp-web.js engine (Debian's `chromium` through apt when running as root).
// Uses only Node's own modules: it runs before anything is installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`setup: "${cmd} ${args.join(' ')}" failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
};

run('npm', [existsSync('package-lock.json') ? 'ci' : 'install', '--no-audit', '--no-fund']);

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean);
const found = candidates.find((p) => existsSync(p));
if (found) {
  console.log(`setup: Chromium found at ${found}`);
  process.exit(0);
}
const hasApt = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (hasApt && process.getuid?.() === 0) {
  console.log('setup: installing Chromium (Debian package "chromium") for the wwebjs engine');
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium']);
} else {
  console.error(
    'setup: no Chromium found. The wwebjs engine (and its tests) need one: run "apt-get install -y chromium" as root, or set CHROMIUM_PATH.',
  );
  process.exit(1);
}
