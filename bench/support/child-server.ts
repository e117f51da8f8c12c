/** Bench servers of our own (the floors) run as child processes, as the real server is. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './server.js';

export interface ChildServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Spawns `npx tsx <script> <port> ...args` (the script's file URL, `import.meta.url`) on a free port
 * of 127.0.0.1; resolves once its `/health` answers (at most 20 s), and stops it with SIGTERM.
 */
export async function startChildServer(script: string, args: string[], label: string): Promise<ChildServer> {
  const port = await freePort();
  const file = fileURLToPath(script);
  const proc = spawn(process.execPath, ['--import', 'tsx', file, String(port), ...args], { cwd: path.dirname(path.dirname(file)), stdio: ['ignore', 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 20_000; ; ) {
    if (proc.exitCode !== null) throw new Error(`${label} exited with ${proc.exitCode}`);
    if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`${label} did not start in 20 s`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    url,
    pid: proc.pid!,
    stop: async () => {
      if (proc.exitCode === null) await new Promise((resolve) => (proc.once('exit', resolve), proc.kill('SIGTERM')));
    },
  };
}
