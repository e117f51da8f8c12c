import { randomInt } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { extensionOfMime } from './mime.js';
import { instanceMediaDir } from './paths.js';

/** A generated, never client-chosen, stored file name: `{ms}-{random}.{ext}` (as the seed shows). */
export function storedFileName(mimetype: string, originalName?: string): string {
  const fromName = originalName ? /\.([A-Za-z0-9]{1,8})$/.exec(originalName)?.[1]?.toLowerCase() : undefined;
  const ext = fromName ?? extensionOfMime(mimetype);
  return `${Date.now()}-${randomInt(100_000, 1_000_000)}.${ext}`;
}

/** Writes media into MEDIA_DIR/{instanceId}/ under a generated name; answers the name. */
export async function saveMedia(mediaDir: string, instanceId: string, data: Buffer, mimetype: string, originalName?: string): Promise<string> {
  const dir = instanceMediaDir(mediaDir, instanceId);
  await mkdir(dir, { recursive: true });
  const name = storedFileName(mimetype, originalName);
  await writeFile(path.join(dir, name), data, { flag: 'wx' });
  return name;
}
