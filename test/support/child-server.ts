import { spawn, type ChildProcess } from 'node:child_process';
import { projectRoot } from '../../src/paths.js';
import { closedPort } from './http-fixture.js';
import { TOKEN } from './app.js';
import { track } from './cleanup.js';
import { testDatabaseFor } from './database.js';
import { nodeIdFor } from './node-id.js';

/** How long a child server may take to answer /health. */
const START_MS = 60_000;

export interface ChildServer {
  url: string;
  proc: ChildProcess;
  output: () => string;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts the real server (src/main.ts) as a child process on a free port; resolves once /health answers. */
export async function startChildServer(env: Record<string, string>, port?: number): Promise<ChildServer> {
  const p = port ?? (await closedPort());
  // On a PostgreSQL run, the schema of its DATA_DIR (the one an in-process server on that folder uses too).
  const databaseUrl = env.DATA_DIR && !env.DATABASE_URL ? await testDatabaseFor(env.DATA_DIR) : null;
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      PORT: String(p),
      HOST: '127.0.0.1',
      API_TOKEN: TOKEN,
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'warn',
      DEFAULT_ENGINE: 'sandbox',
      ALLOW_PRIVATE_URLS: 'webhook,media',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...(env.DATA_DIR ? { NODE_ID: nodeIdFor(env.DATA_DIR) } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${p}`;
  // Generous: tsx compiles the whole server at start, which takes long on a loaded 2-core machine.
  const deadline = Date.now() + START_MS;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}: ${out}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`server did not start in ${START_MS / 1000} s: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const kill = (signal: NodeJS.Signals = 'SIGKILL') =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill(signal);
    });
  track(() => kill());
  return {
    url,
    proc,
    output: () => out,
    call: async (method, path, body) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // keep text
      }
      return { status: res.status, body: parsed };
    },
    kill,
  };
}
