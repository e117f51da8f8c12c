import path from 'node:path';

/**
 * Where an instance's media lives: MEDIA_DIR/{instanceId}/{file}, served without a token at
 * {PUBLIC_URL}/media/{instanceId}/{file}. The one place both are computed.
 */
export function instanceMediaDir(mediaDir: string, instanceId: string): string {
  return path.join(mediaDir, instanceId);
}

export function mediaUrl(publicUrl: string, instanceId: string, file: string): string {
  return `${publicUrl}/media/${encodeURIComponent(instanceId)}/${encodeURIComponent(file)}`;
}

/** A stored media file name: no separators, no `..`, no NUL. */
export function isSafeFileName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && !/[/\\\0]/.test(name) && name !== '.' && name !== '..' && !name.includes('..');
}
