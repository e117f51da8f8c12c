/**
 * How the browser presents itself, and the tools the library may need beside it.
 *
 * whatsapp-web.js 1.34.7 sends the user agent of Chrome 101 on macOS (util/Constants.js) from a
 * Chromium that is many versions newer: WhatsApp Web sees a browser older than it supports, on a
 * platform the page's own features contradict. Hatline sends a current desktop Chrome user agent
 * with the major version of the Chromium actually running, so what the page detects and what the
 * user agent says agree.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** Used when the installed Chromium does not say its version (a stable release of late 2026). */
const FALLBACK_MAJOR = 143;

const majors = new Map<string, number>();

/** The major version of a Chromium executable (`chromium --version`), remembered per path. */
export function chromiumMajorVersion(executablePath: string): number {
  const known = majors.get(executablePath);
  if (known !== undefined) return known;
  let major = FALLBACK_MAJOR;
  try {
    const out = execFileSync(executablePath, ['--version'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
    major = parseMajor(out) ?? FALLBACK_MAJOR;
  } catch {
    // keep the fallback: the launch itself will say what is wrong with the executable
  }
  majors.set(executablePath, major);
  return major;
}

/** `Chromium 143.0.7499.40 built on Debian ...` or `Google Chrome 143.0.7499.40` -> 143 */
export function parseMajor(versionLine: string): number | null {
  const match = /(?:Chromium|Chrome)[^\d]*(\d{2,4})\.\d+\.\d+/.exec(versionLine);
  return match ? Number(match[1]) : null;
}

/** A desktop Chrome on Windows, the most common WhatsApp Web client, with the reduced version Chrome itself sends. */
export function desktopUserAgent(major: number): string {
  return `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`;
}

/** `ffmpeg` on PATH (stickers from video need it), or null. */
export function findFfmpeg(dirs: readonly string[] = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)): string | null {
  for (const dir of dirs) {
    const candidate = path.join(dir, 'ffmpeg');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}
