/**
 * The server under test: the compiled server (dist/, what `npm start` runs) as a child process on
 * 127.0.0.1, rate limit off, sandbox engine by default, warn-level logs, temp DATA_DIR/MEDIA_DIR.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/paths.js';

export const TOKEN = 'bench-token-0123456789';
/**
 * The tree whose server is measured: this one, or HATLINE_ROOT (another checkout, e.g. the commit
 * before an optimisation, with node_modules linked) for before/after figures on the same machine.
 */
const ROOT = process.env.HATLINE_ROOT ? path.resolve(process.env.HATLINE_ROOT) : projectRoot;
const MAIN = path.join(ROOT, 'dist', 'src', 'main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Compiles the server (tsc, like `npm run build`) unless dist/ is newer than src/ and migrations/. */
export function ensureBuilt(): void {
  const built = existsSync(MAIN) ? statSync(MAIN).mtimeMs : 0;
  const source = Math.max(newestMtime(path.join(ROOT, 'src')), newestMtime(path.join(ROOT, 'migrations')));
  if (built > source) return;
  process.stdout.write(`building the server in ${ROOT} (tsc -p tsconfig.build.json)...\n`);
  const r = spawnSync(process.execPath, [path.join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('the build failed');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `hatline-bench-${prefix}-`));
}

export interface BenchServer {
  url: string;
  pid: number;
  dir: string;
  /** Milliseconds from spawn to the first answer of GET /health. */
  startMs: number;
  call<T = any>(method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Resident set size of the server process, MB. */
  rssMb(): number;
  output(): string;
  /** SIGTERM (graceful: engines stopped, db closed), SIGKILL after 15 s. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** DATA_DIR and MEDIA_DIR live under it; a new temp folder when left out. */
  dir?: string;
  env?: Record<string, string>;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeArgs?: string[];
}

/** Starts the server and resolves once GET /health answers 200 (20 s at most). */
export async function startServer(opts: StartOptions = {}): Promise<BenchServer> {
  ensureBuilt();
  const dir = opts.dir ?? tempDir('server');
  const port = await freePort();
  const started = performance.now();
  const proc: ChildProcess = spawn(process.execPath, [...(opts.nodeArgs ?? []), MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      API_TOKEN: TOKEN,
      RATE_LIMIT_PER_MINUTE: '0',
      DEFAULT_ENGINE: 'sandbox',
      LOG_LEVEL: 'warn',
      // Benchmarks run their webhook receivers and media servers on 127.0.0.1.
      ALLOW_PRIVATE_URLS: 'webhook,media',
      DATA_DIR: path.join(dir, 'data'),
      MEDIA_DIR: path.join(dir, 'media'),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out = (out + d).slice(-20_000)));
  proc.stderr!.on('data', (d) => (out = (out + d).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  let startMs = 0;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}: ${out}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) {
        startMs = performance.now() - started;
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`server did not start in 20 s: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const pid = proc.pid!;
  return {
    url,
    pid,
    dir,
    startMs,
    call: async (method, urlPath, body) => {
      const res = await fetch(`${url}${urlPath}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // keep the text
      }
      return { status: res.status, body: parsed as never };
    },
    rssMb: () => rssMbOf(pid),
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        const hard = setTimeout(() => proc.kill('SIGKILL'), 15_000);
        proc.once('exit', () => {
          clearTimeout(hard);
          resolve();
        });
        proc.kill('SIGTERM');
      }),
  };
}

/** VmRSS of a process, MB (0 when it is gone). */
export function rssMbOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * CPU time a process has used (user + system, all its threads), ms; with `mainThread`, only its
 * main thread's (the event loop). Read before and after a load, it gives the server's CPU cost per
 * request, which stays put when other work on the machine slows everything down (throughput does
 * not). Linux only (/proc); 0 elsewhere.
 */
export function cpuMsOf(pid: number, mainThread = false): number {
  try {
    const stat = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
    // The fields after the command name (which may hold spaces) in parentheses: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
const CLOCK_TICKS = 100; // sysconf(_SC_CLK_TCK) on Linux

/** Proportional set size (shared pages split between their users), MB; 0 when unknown. */
export function pssMbOf(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Creates sandbox instances `${prefix}0..n-1`, connects and scans each: all `open`. */
export async function openSandboxInstances(server: BenchServer, prefix: string, n: number, firstPhone = 905_550_000_001): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `${prefix}${i}`;
    const steps: [string, string, unknown][] = [
      ['POST', '/api/instance', { id, engine: 'sandbox' }],
      ['POST', `/api/instance/${id}/connect`, {}],
      ['POST', `/api/sandbox/${id}/scan`, { phone: String(firstPhone + i), name: `Bench ${i}` }],
    ];
    for (const [method, p, body] of steps) {
      const r = await server.call(method, p, body);
      if (r.status !== 200) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    ids.push(id);
  }
  return ids;
}
