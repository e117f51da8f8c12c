/** Builds real whatsapp-web.js clients: one per instance and attempt, on the system Chromium. */
import { findChromium } from './chromium.js';
import { wwebjsLibrary } from './library.js';
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

export interface ClientFactoryOptions {
  /** CHROMIUM_PATH, or null to auto-detect. */
  chromiumPath: string | null;
  /** Flags appended to CHROMIUM_ARGS (a `--proxy-server=...`, say). */
  extraArgs?: readonly string[];
}

/** The production factory. Throws (with the fix in the message) when no Chromium is found. */
export function libraryClientFactory(opts: ClientFactoryOptions): ClientFactory {
  return (params: ClientParams): WwebjsClient => {
    const executablePath = findChromium(opts.chromiumPath);
    const { Client, LocalAuth } = wwebjsLibrary();
    // A fresh options object for every client: the library writes into it (LocalAuth sets
    // puppeteer.userDataDir, initialize() pushes args), so a shared one leaks between instances.
    const client: WwebjsClient = new Client({
      authStrategy: new LocalAuth({ clientId: params.instanceId, dataPath: params.sessionDir }),
      puppeteer: {
        executablePath,
        headless: true,
        args: [...CHROMIUM_ARGS, ...(opts.extraArgs ?? [])],
        // The server's own shutdown stops every engine (and with it every browser); puppeteer's
        // signal handlers would kill browsers and exit the process before that can run.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      },
      // The default 'local' cache writes ./.wwebjs_cache in the working directory and then keeps
      // serving that WhatsApp Web version after WhatsApp moved on: sessions hang at start until
      // the folder is deleted (wwebjs/whatsapp-web.js#2732, #3097). Load the live page instead.
      webVersionCache: { type: 'none' },
      // The library wants the number as bare digits with the country code (905321234567).
      ...(params.pairingPhone ? { pairWithPhoneNumber: { phoneNumber: params.pairingPhone.replace(/\D/g, ''), showNotification: true } } : {}),
    });
    return client;
  };
}
