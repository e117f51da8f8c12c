/**
 * The system Chromium: finding it, clearing what a crashed one left in a profile, and making sure
 * none outlives its instance.
 */
import { accessSync, constants, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const BROWSER_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The browser to drive: `explicit` (CHROMIUM_PATH) when given, else the first of chromium,
 * chromium-browser or google-chrome in /usr/bin or on PATH. Throws an error naming the fix.
 */
export function findChromium(explicit: string | null): string {
  return findChromiumIn(explicit, ['/usr/bin', ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean)]);
}

/** findChromium over the given folders (tests point it at an empty one). */
export function findChromiumIn(explicit: string | null, dirs: readonly string[]): string {
  if (explicit) {
    if (isExecutable(explicit)) return explicit;
    throw new Error(`CHROMIUM_PATH is "${explicit}", which is not an executable file; fix the path or unset it to auto-detect Chromium`);
  }
  for (const name of BROWSER_NAMES) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  throw new Error(
    `no Chromium found (looked for ${BROWSER_NAMES.join(', ')} in ${dirs.join(', ') || 'no folders'}): ` +
      'install it with `apt-get install -y chromium`, or set CHROMIUM_PATH to the browser executable',
  );
}

/** The Chromium profile LocalAuth uses for an instance: `<dataPath>/session-<clientId>`. */
export function profileDirOf(sessionDir: string, instanceId: string): string {
  return path.join(sessionDir, `session-${instanceId}`);
}

/**
 * Chromium refuses a profile whose Singleton* links point at a process that no longer exists on
 * this host name (e.g. after a crash or a container restart): "Failed to launch the browser process!
 * The profile appears to be in use by another Chromium process" (reported again and again on
 * wwebjs/whatsapp-web.js as "Chrome has locked the profile" with LocalAuth in containers).
 * Call only when no browser of ours runs on the profile (killProcessesUsingProfile first).
 */
export function clearStaleProfileLocks(profileDir: string): void {
  for (const name of ['SingletonLock', 'SingletonSocket', 'SingletonCookie']) {
    rmSync(path.join(profileDir, name), { force: true });
  }
}

interface ProcessInfo {
  pid: number;
  ppid: number;
  args: string[];
}

function listProcesses(): ProcessInfo[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return []; // not Linux: nothing to scan, puppeteer's own close is all we have
  }
  const out: ProcessInfo[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      // /proc/PID/stat is "pid (comm) state ppid ...": comm may hold spaces, so split after ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.push({ pid: Number(entry), ppid, args });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** Pids of live processes started with `--user-data-dir=<profileDir>`, and their descendants. */
export function processesUsingProfile(profileDir: string): number[] {
  const flag = `--user-data-dir=${path.resolve(profileDir)}`;
  const all = listProcesses();
  const found = new Set(all.filter((p) => p.args.includes(flag)).map((p) => p.pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (!found.has(p.pid) && found.has(p.ppid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  found.delete(process.pid);
  return [...found];
}

function kill(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false; // gone already (ESRCH) or not ours
  }
}

/** SIGKILLs every process running on the profile; answers how many there were. */
export function killProcessesUsingProfile(profileDir: string): number {
  const pids = processesUsingProfile(profileDir);
  for (const pid of pids) kill(pid, 'SIGKILL');
  return pids.length;
}

/**
 * SIGKILLs a browser and its process group. Puppeteer launches Chromium detached on Linux, so the
 * browser leads a group holding its zygotes, renderers and GPU process.
 */
export function killBrowserProcessGroup(pid: number): void {
  if (!kill(-pid, 'SIGKILL')) kill(pid, 'SIGKILL');
}
