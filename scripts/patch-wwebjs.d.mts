// Types of scripts/patch-wwebjs.mjs for the TypeScript that imports it (the imitation harness
// builds library variants without some patches from it).
export interface PatchEdit {
  file: string;
  anchor: string;
  replacement: string;
}
export interface Patch {
  id: string;
  edits: PatchEdit[];
}
export const LIBRARY: string;
export const VERSION: string;
export const PATCHES: readonly Patch[];
export function markerOf(id: string): string;
export class PatchError extends Error {}
export function planPatches(libDir: string, patches?: readonly Patch[]): Map<string, string>;
export function unpatchText(text: string, file: string, patches?: readonly Patch[]): string;
export function missingMarkers(libDir: string, manifest: { patches: { id: string; files: string[] }[] }): string[];
