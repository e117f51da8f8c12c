import { lstat, readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { badRequest, notFound } from '../errors.js';
import { instanceMediaDir, isSafeFileName, mediaUrl } from './paths.js';

/** A file of an instance's media library (uploaded, received or sent media). */
export interface LibraryFile {
  filename: string;
  size: number;
  url: string;
  /** ISO 8601. */
  created: string;
}

export interface MediaLibraryOptions {
  mediaDir: string;
  publicUrl: string;
}

/** Files whose name starts with a dot are uploads still being written: not part of the library. */
const isLibraryName = (name: string) => isSafeFileName(name) && !name.startsWith('.');

/** The instance's files, newest first; an instance without a folder yet has none. */
export async function listLibrary(opts: MediaLibraryOptions, instanceId: string): Promise<LibraryFile[]> {
  const dir = instanceMediaDir(opts.mediaDir, instanceId);
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && isLibraryName(e.name)).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const files = await Promise.all(
    names.map(async (filename) => {
      try {
        const info = await stat(path.join(dir, filename));
        const created = info.birthtimeMs > 0 ? info.birthtime : info.mtime;
        return { filename, size: info.size, url: mediaUrl(opts.publicUrl, instanceId, filename), created: created.toISOString() };
      } catch {
        return null; // deleted meanwhile
      }
    }),
  );
  return files
    .filter((f): f is LibraryFile => f !== null)
    .sort((a, b) => b.created.localeCompare(a.created) || b.filename.localeCompare(a.filename));
}

/**
 * Deletes one file of the instance's folder. A name that could reach outside it (`/`, `\`, `..`,
 * NUL) is a 400; a name that is not a file there is a 404. Symbolic links are never followed.
 */
export async function deleteLibraryFile(opts: MediaLibraryOptions, instanceId: string, filename: string): Promise<void> {
  if (!isSafeFileName(filename)) {
    throw badRequest('filename: must be a file name from media/list, without "/", "\\", ".." or NUL');
  }
  const dir = instanceMediaDir(opts.mediaDir, instanceId);
  const full = path.join(dir, filename);
  if (path.dirname(full) !== dir || !isLibraryName(filename)) throw notFound(`filename: no file ${filename} in the media library`);
  const missing = () => notFound(`filename: no file ${filename} in the media library`);
  const info = await lstat(full).catch(() => null);
  if (!info?.isFile()) throw missing();
  try {
    await unlink(full);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw missing();
    throw err;
  }
}

/** Deletes every file of the instance's folder (uploads being written too); answers how many, and their bytes. */
export async function clearLibrary(mediaDir: string, instanceId: string): Promise<{ files: number; bytes: number; names: string[] }> {
  const dir = instanceMediaDir(mediaDir, instanceId);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { files: 0, bytes: 0, names: [] };
    throw err;
  }
  const names: string[] = [];
  let files = 0;
  let bytes = 0;
  for (const e of entries) {
    if (!e.isFile() || !isSafeFileName(e.name)) continue;
    const full = path.join(dir, e.name);
    try {
      const { size } = await lstat(full);
      await unlink(full);
      names.push(e.name);
      files++;
      bytes += size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // gone meanwhile
    }
  }
  return { files, bytes, names };
}
