import { randomBytes, randomInt } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { link, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { extensionOfMime } from './mime.js';
import { instanceMediaDir } from './paths.js';

/** A generated, never client-chosen, stored file name: `{ms}-{random}.{ext}` (as the seed shows). */
export function storedFileName(mimetype: string, originalName?: string): string {
  const fromName = originalName ? /\.([A-Za-z0-9]{1,8})$/.exec(originalName)?.[1]?.toLowerCase() : undefined;
  const ext = fromName ?? extensionOfMime(mimetype);
  return `${Date.now()}-${randomInt(100_000, 1_000_000)}.${ext}`;
}

/**
 * Where media bytes are written to disk: every media write goes through these two, into a hidden
 * temporary file. Tests replace them to play a disk that fills up mid-write (ENOSPC).
 */
export const mediaDisk = {
  writeFile: (file: string, data: Buffer): Promise<void> => writeFile(file, data, { flag: 'wx' }),
  createWriteStream: (file: string): NodeJS.WritableStream => createWriteStream(file, { flags: 'wx' }),
};

/** A hidden name for a file still being written (names starting with a dot are not in the library). */
export function temporaryName(kind: 'upload' | 'part'): string {
  return `.${kind}-${randomBytes(8).toString('hex')}`;
}

/**
 * Gives a completely written temporary file its generated library name (a hard link, so an
 * existing file is never overwritten); the caller removes the temporary name. Answers the name.
 */
export async function publishFile(dir: string, temporary: string, mimetype: string, originalName?: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const name = storedFileName(mimetype, originalName);
    try {
      await link(temporary, path.join(dir, name));
      return name;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw err;
    }
  }
}

/**
 * Writes media into MEDIA_DIR/{instanceId}/ under a generated name; answers the name. The bytes go
 * to a hidden temporary file first, so a write that fails (a full disk) leaves no partial file.
 */
export async function saveMedia(mediaDir: string, instanceId: string, data: Buffer, mimetype: string, originalName?: string): Promise<string> {
  const dir = instanceMediaDir(mediaDir, instanceId);
  await mkdir(dir, { recursive: true });
  const temporary = path.join(dir, temporaryName('part'));
  try {
    await mediaDisk.writeFile(temporary, data);
    return await publishFile(dir, temporary, mimetype, originalName);
  } finally {
    await rm(temporary, { force: true });
  }
}

/** Removes a stored media file whose database row could not be written (nothing may point nowhere, nor a file at nothing). */
export async function discardMedia(mediaDir: string, instanceId: string, name: string): Promise<void> {
  await rm(path.join(instanceMediaDir(mediaDir, instanceId), name), { force: true }).catch(() => undefined);
}
