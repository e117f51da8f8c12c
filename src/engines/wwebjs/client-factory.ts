/** Builds real whatsapp-web.js clients: one per instance and attempt, on the system Chromium. */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { chromiumMajorVersion, desktopUserAgent } from './browser-identity.js';
import { findChromium } from './chromium.js';
import { wwebjsLibrary, type WwebjsLibrary } from './library.js';
import type { ClientFactory, ClientParams, WwebjsClient } from './library-types.js';

/**
 * Flags for a headless Chromium running as root in a container on a closed network.
 * No `--single-process`: it makes Chromium unstable and a crashed renderer takes the browser down.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox', // root in a container: the setuid sandbox cannot start
  '--disable-dev-shm-usage', // Docker's 64 MB /dev/shm crashes renderers
  '--disable-gpu',
  // Background traffic (updates, sync, field trials) only fails and retries on a closed network.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Fewer processes for one session's Chromium: 4 instead of 9 (bench/wwebjs-memory.ts measures them
 * against the imitation of WhatsApp Web, BENCHMARKS.md). They save little PSS (the processes they
 * fold share most of their pages) but each process left out is one less to start, watch and kill.
 * Site isolation is left on.
 */
export const CHROMIUM_LEAN_ARGS: readonly string[] = [
  '--no-zygote', // no zygote processes to fork renderers from (needs --no-sandbox, set above)
  '--in-process-gpu', // GPU is off; its software compositor runs in the browser process
  '--renderer-process-limit=1', // one page, one renderer
  // Network and audio services inside the browser process (puppeteer merges these feature lists with its own).
  '--enable-features=NetworkServiceInProcess2',
  '--disable-features=AudioServiceOutOfProcess,BackForwardCache,MediaRouter,OptimizationHints,Translate',
];

export interface ClientFactoryOptions {
  /** CHROMIUM_PATH, or null to auto-detect. */
  chromiumPath: string | null;
  /** Flags appended to CHROMIUM_ARGS (a `--proxy-server=...`, say). */
  extraArgs?: readonly string[];
  /**
   * Where the WhatsApp Web builds sessions ran are recorded, one `<version>.html` each
   * (DATA_DIR/wwebjs-web-versions); null records none.
   */
  webVersionCacheDir?: string | null;
  /** WWEBJS_WEB_VERSION: load this recorded build instead of the live page (null: live). */
  webVersion?: string | null;
  /** ffmpeg for stickers from video (null: none; stickers only from images). */
  ffmpegPath?: string | null;
  /** How long the library waits for WhatsApp Web to boot after a navigation (library default 30 s). */
  authTimeoutMs?: number;
  /** false: leave CHROMIUM_LEAN_ARGS out (only to measure what they save); on by default. */
  lean?: boolean;
  /** The library copy to build clients from (tests: the published one); whatsapp-web.js as installed by default. */
  library?: () => WwebjsLibrary;
}

/**
 * How long one DevTools call may take before puppeteer gives up on it (its default is 180 s). A
 * media send uploads the file inside one call, so this is generous; a page that hangs still fails
 * a call within it instead of holding the request for three minutes.
 */
export const PROTOCOL_TIMEOUT_MS = 120_000;

/** The web-version options: a pinned build from the cache, or the live page (recorded there for later pinning). */
export function webVersionOptions(opts: Pick<ClientFactoryOptions, 'webVersion' | 'webVersionCacheDir'>): Record<string, unknown> {
  const dir = opts.webVersionCacheDir ?? null;
  if (opts.webVersion) {
    if (!dir) throw new Error('WWEBJS_WEB_VERSION needs a folder of recorded builds');
    if (!existsSync(path.join(dir, `${opts.webVersion}.html`))) {
      const recorded = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.html')).map((f) => f.slice(0, -5)) : [];
      throw new Error(
        `WWEBJS_WEB_VERSION is ${opts.webVersion}, but ${dir} holds no such build (recorded: ${recorded.join(', ') || 'none'}); ` +
          'a build is recorded there when a session first runs it: unset WWEBJS_WEB_VERSION to load the live WhatsApp Web',
      );
    }
    return { webVersion: opts.webVersion, webVersionCache: { type: 'local', path: dir, strict: true } };
  }
  // Not the library's default cache: it writes ./.wwebjs_cache in the working directory and, with
  // its default webVersion, could keep serving an old build after WhatsApp moved on (sessions hang
  // at start until the folder is deleted, wwebjs/whatsapp-web.js#2732, #3097). `live` is never a
  // file, so the live page loads, and the library records it under its real version.
  if (!dir) return { webVersionCache: { type: 'none' } };
  return { webVersion: 'live', webVersionCache: { type: 'local', path: dir, strict: false } };
}

/** The production factory. Throws (with the fix in the message) when no Chromium is found. */
export function libraryClientFactory(opts: ClientFactoryOptions): ClientFactory {
  const library = opts.library ?? wwebjsLibrary;
  const factory = (params: ClientParams): WwebjsClient => {
    const executablePath = findChromium(opts.chromiumPath);
    const { Client, LocalAuth } = library();
    // A fresh options object for every client: the library writes into it (LocalAuth sets
    // puppeteer.userDataDir, initialize() pushes args), so a shared one leaks between instances.
    const client: WwebjsClient = new Client({
      authStrategy: new LocalAuth({ clientId: params.instanceId, dataPath: params.sessionDir }),
      puppeteer: {
        executablePath,
        headless: true,
        args: [...CHROMIUM_ARGS, ...(opts.lean === false ? [] : CHROMIUM_LEAN_ARGS), ...(opts.extraArgs ?? [])],
        protocolTimeout: PROTOCOL_TIMEOUT_MS,
        // The server's own shutdown stops every engine (and with it every browser); puppeteer's
        // signal handlers would kill browsers and exit the process before that can run.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      },
      userAgent: desktopUserAgent(chromiumMajorVersion(executablePath)),
      ...(opts.ffmpegPath ? { ffmpegPath: opts.ffmpegPath } : {}),
      ...(opts.authTimeoutMs ? { authTimeoutMs: opts.authTimeoutMs } : {}),
      ...webVersionOptions(opts),
      // The library wants the number as bare digits with the country code (905321234567).
      ...(params.pairingPhone ? { pairWithPhoneNumber: { phoneNumber: params.pairingPhone.replace(/\D/g, ''), showNotification: true } } : {}),
    });
    return client;
  };
  return Object.assign(factory, { contentClasses: library });
}
