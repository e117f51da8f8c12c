import { copyFile, lstat, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';

/** What a copy took and left out. */
export interface CopyReport {
  files: number;
  bytes: number;
  /** Paths (relative to the source) left out: links, sockets, caches, files that vanished meanwhile. */
  skipped: string[];
}

export interface CopyOptions {
  /** Leave out this entry (and, for a folder, all in it); `rel` is relative to the source. */
  skip?: (rel: string, name: string) => boolean;
}

const missing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Copies the regular files of a folder tree, file by file, into `dest` (created). Symbolic links,
 * sockets and pipes are left out (Chromium's SingletonLock, SingletonSocket and SingletonCookie are
 * links to its live process), as is whatever `skip` names and a file that disappears while the
 * copy runs. A source that does not exist copies nothing.
 */
export async function copyTree(src: string, dest: string, opts: CopyOptions = {}): Promise<CopyReport> {
  const report: CopyReport = { files: 0, bytes: 0, skipped: [] };
  await walk(src, dest, '', opts, report);
  return report;
}

async function walk(src: string, dest: string, rel: string, opts: CopyOptions, report: CopyReport): Promise<void> {
  let entries;
  try {
    entries = await readdir(src, { withFileTypes: true });
  } catch (err) {
    if (missing(err)) return;
    throw err;
  }
  await mkdir(dest, { recursive: true });
  for (const entry of entries) {
    const relPath = rel ? `${rel}/${entry.name}` : entry.name;
    const from = path.join(src, entry.name);
    const to = path.join(dest, entry.name);
    if (opts.skip?.(relPath, entry.name)) {
      report.skipped.push(relPath);
      continue;
    }
    if (entry.isDirectory()) {
      await walk(from, to, relPath, opts, report);
      continue;
    }
    if (!entry.isFile()) {
      report.skipped.push(relPath);
      continue;
    }
    try {
      await copyFile(from, to);
      report.bytes += (await lstat(to)).size;
      report.files++;
    } catch (err) {
      if (!missing(err)) throw err;
      report.skipped.push(relPath); // removed while we copied (a temporary file of the browser, say)
    }
  }
}
