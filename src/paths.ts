import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding package.json, found from this file (works from src/ under tsx and from dist/). */
function findProjectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the project root (package.json)');
    dir = parent;
  }
}

export const projectRoot = findProjectRoot();
export const publicDir = path.join(projectRoot, 'public');

/** The server's version: package.json's. */
export const VERSION: string = (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;

const requireFromHere = createRequire(import.meta.url);

/**
 * A CommonJS dependency required on its first use instead of at start-up, so that a server which
 * never needs it never pays for it; synchronous, so its callers stay synchronous.
 */
export function loadedOnFirstUse<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireFromHere(name) as T);
}
