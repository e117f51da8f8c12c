/**
 * Profiles the server during the one-instance send load only (for finding what to fix):
 * npx tsx bench/profile-send.ts [seconds]  -> a .cpuprofile under bench/results/profiles/, summarised.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../src/paths.js';
import { load } from './support/load.js';
import { log } from './support/report.js';
import { openSandboxInstances, removeDir, startServer } from './support/server.js';

const seconds = Number(process.argv[2] ?? 10);
const dir = path.join(projectRoot, 'bench', 'results', 'profiles', String(Date.now()));
const server = await startServer({ nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
try {
  const [id] = await openSandboxInstances(server, 'prof', 1);
  const r = await load({
    url: server.url,
    connections: 50,
    duration: seconds,
    method: 'POST',
    path: `/api/instance/${id}/messages/chat`,
    body: { to: '905321234567', body: 'Hatline benchmark message' },
  });
  log(`send x1 under the profiler: ${r.rps} msg/s, p50 ${r.p50} ms, p99 ${r.p99} ms`);
} finally {
  await server.stop();
  removeDir(server.dir);
}
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (file) {
  log(`profile: ${path.join(dir, file)}`);
  spawnSync(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'bench', 'profile-summary.ts'), path.join(dir, file), '35'], { stdio: 'inherit' });
}
