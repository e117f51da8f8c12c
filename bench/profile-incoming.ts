/**
 * Profiles the server while incoming messages are injected and delivered to a webhook (for finding
 * what to fix): npx tsx bench/profile-incoming.ts [messages=6000]
 * -> a .cpuprofile under bench/results/profiles/, summarised.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { projectRoot } from '../src/paths.js';
import { load } from './support/load.js';
import { log } from './support/report.js';
import { openSandboxInstances, removeDir, startServer } from './support/server.js';

const N = Number(process.argv[2] ?? 6000);
const dir = path.join(projectRoot, 'bench', 'results', 'profiles', String(Date.now()));
let delivered = 0;
const hook = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    delivered++;
    res.end('ok');
  });
});
await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
const server = await startServer({ nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
try {
  const [id] = await openSandboxInstances(server, 'in', 1);
  await server.call('POST', `/api/instance/${id}/settings`, { webhookUrl: hookUrl, webhookEnabled: true, webhookEvents: ['message_received'] });
  let k = 0;
  const next = () => ({ path: `/api/sandbox/${id}/incoming`, body: { from: `90532${String(1_000_000 + (k++ % 100))}`, body: `m ${k}`, name: 'Bench contact' } });
  const r = await load({ url: server.url, connections: 20, amount: N, method: 'POST', ...next(), next });
  const deadline = Date.now() + 60_000;
  while (delivered < N && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
  log(`incoming under the profiler: injected at ${r.rps} msg/s, ${delivered} of ${N} delivered`);
} finally {
  await server.stop();
  removeDir(server.dir);
  hook.close();
}
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (file) {
  log(`profile: ${path.join(dir, file)}`);
  spawnSync(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'bench', 'profile-summary.ts'), path.join(dir, file), '35'], { stdio: 'inherit' });
}
