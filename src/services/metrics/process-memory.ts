import { readdirSync, readFileSync } from 'node:fs';

/** What a process tree holds in memory. */
export interface TreeMemory {
  /** The sum of VmRSS over the root and every descendant (pages shared between them count in each). */
  rssBytes: number;
  /** How many processes the tree has (Chromium: the browser, its zygotes, renderers, GPU process). */
  processes: number;
}

function parentOf(pid: string): number | null {
  try {
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null; // ended while we looked
  }
}

function rssOf(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0; // kernel threads and zombies have no VmRSS
  } catch {
    return 0;
  }
}

/**
 * The memory of each root process and its descendants, read from /proc in one pass (Linux; other
 * systems answer nothing). Roots that are gone are left out.
 */
export function treeMemory(roots: readonly number[]): Map<number, TreeMemory> {
  const out = new Map<number, TreeMemory>();
  if (roots.length === 0) return out;
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return out; // no /proc
  }
  const children = new Map<number, number[]>();
  const alive = new Set<number>();
  for (const entry of entries) {
    const ppid = parentOf(entry);
    if (ppid === null) continue;
    const pid = Number(entry);
    alive.add(pid);
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  for (const root of roots) {
    if (!alive.has(root)) continue;
    let rssBytes = 0;
    let processes = 0;
    const todo = [root];
    const seen = new Set<number>();
    while (todo.length > 0) {
      const pid = todo.pop()!;
      if (seen.has(pid)) continue;
      seen.add(pid);
      processes++;
      rssBytes += rssOf(pid);
      todo.push(...(children.get(pid) ?? []));
    }
    out.set(root, { rssBytes, processes });
  }
  return out;
}
