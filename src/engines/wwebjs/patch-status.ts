/**
 * Whether the installed whatsapp-web.js carries Hatline's patch set (scripts/patch-wwebjs.mjs,
 * applied at install; scripts/wwebjs-patches.json lists each patch and the files it marks). The
 * server logs the answer at start and shows it in GET /health: a library installed some other way
 * (npm install --ignore-scripts, a copied node_modules) works on WhatsApp Web only as of June 2026.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { projectRoot } from '../../paths.js';

export interface PatchStatus {
  library: string;
  /** The installed version, or null when the library is not installed. */
  version: string | null;
  /** The version the patch set was written for. */
  expectedVersion: string | null;
  applied: string[];
  missing: string[];
  complete: boolean;
}

interface Manifest {
  version: string;
  markerFormat: string;
  patches: { id: string; files: string[] }[];
}

/** `libraryDir`: where the library is (tests point it at another copy); the installed one by default. */
export function wwebjsPatchStatus(libraryDir?: string): PatchStatus {
  const library = 'whatsapp-web.js';
  let manifest: Manifest | null = null;
  try {
    manifest = JSON.parse(readFileSync(path.join(projectRoot, 'scripts', 'wwebjs-patches.json'), 'utf8')) as Manifest;
  } catch {
    manifest = null;
  }
  let dir: string | null = libraryDir ?? null;
  if (!dir) {
    try {
      dir = path.dirname(createRequire(import.meta.url).resolve(`${library}/package.json`));
    } catch {
      dir = null;
    }
  }
  const version = dir ? (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version : null;
  const applied: string[] = [];
  const missing: string[] = [];
  for (const patch of manifest?.patches ?? []) {
    const marker = manifest!.markerFormat.replace('<id>', patch.id);
    const marked = dir !== null && patch.files.every((file) => existsSync(path.join(dir!, file)) && readFileSync(path.join(dir!, file), 'utf8').includes(marker));
    (marked ? applied : missing).push(patch.id);
  }
  return {
    library,
    version,
    expectedVersion: manifest?.version ?? null,
    applied,
    missing,
    complete: manifest !== null && version === manifest.version && missing.length === 0,
  };
}
