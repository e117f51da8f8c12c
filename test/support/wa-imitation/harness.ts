/**
 * The real whatsapp-web.js Client, built by the server's own factory, in real Chromium, against the
 * imitation of WhatsApp Web in ./page: the library serves the page itself from a local web-version cache
 * (`webVersionCache: {type: 'local', strict: true}` answers https://web.whatsapp.com/ with
 * `<cache>/<webVersion>.html`), and every host name fails to resolve, so nothing leaves the machine.
 *
 *   const factory = imitationClientFactory({ shape: '2026-07', library: 'pristine' });
 *   const client = factory({ instanceId: 'a', sessionDir, pairingPhone: null }); // a ClientFactory
 *   await client.initialize();
 *   await phone(client).scan('905550000001', 'Test Phone');
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type WAWebJS from 'whatsapp-web.js';
import { markerOf, PATCHES, planPatches } from '../../../scripts/patch-wwebjs.mjs';
import { killProcessesUsingProfile, processesUsingProfile, profileDirOf } from '../../../src/engines/wwebjs/chromium.js';
import { libraryClientFactory } from '../../../src/engines/wwebjs/index.js';
import type { ClientFactory, ClientParams, WwebjsClient } from '../../../src/engines/wwebjs/library-types.js';

/** WhatsApp Web as of June 2026 (`_serialized` keys), July 2026 (`$1` keys), September 2026 (`$1` + media `__x_id`). */
export type ImitationShape = '2026-06' | '2026-07' | '2026-09';
export const SHAPES: readonly ImitationShape[] = ['2026-06', '2026-07', '2026-09'];

/**
 * `patched`: node_modules/whatsapp-web.js as scripts/patch-wwebjs.mjs left it; `pristine`: the copy
 * it kept; `{ without: [ids] }`: the pristine copy with every patch but those (to show what one
 * patch is for).
 */
export type LibraryKind = 'patched' | 'pristine' | { without: readonly string[] };

export type WwebjsLibrary = typeof WAWebJS;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const pageDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'page');
const requireHere = createRequire(import.meta.url);

const PATCHED_DIR = path.join(root, 'node_modules', 'whatsapp-web.js');
const PRISTINE_DIR = path.join(root, 'node_modules', '.hatline', 'whatsapp-web.js-pristine');

const libraryName = (kind: LibraryKind) => (typeof kind === 'string' ? kind : `patched without ${kind.without.join(', ')}`);

/**
 * The library a test drives. Content classes (MessageMedia, Location, Poll) must come from the
 * same copy as the Client: sendMessage tells content apart with `instanceof`.
 */
export function loadLibrary(kind: LibraryKind): WwebjsLibrary {
  for (const dir of [PATCHED_DIR, PRISTINE_DIR]) {
    if (!existsSync(path.join(dir, 'package.json'))) {
      throw new Error(`no whatsapp-web.js in ${dir}: run \`npm install\` (its postinstall, scripts/patch-wwebjs.mjs, makes both copies)`);
    }
  }
  const dir = kind === 'patched' ? PATCHED_DIR : kind === 'pristine' ? PRISTINE_DIR : variantDir(kind.without);
  const markers = PATCHES.filter((p) => readFileSync(path.join(dir, p.edits[0]!.file), 'utf8').includes(markerOf(p.id))).map((p) => p.id);
  const expected = kind === 'patched' ? PATCHES.map((p) => p.id) : kind === 'pristine' ? [] : PATCHES.map((p) => p.id).filter((id) => !kind.without.includes(id));
  if (markers.join() !== expected.join()) {
    throw new Error(`${dir} carries the patches [${markers.join(', ')}], not those of "${libraryName(kind)}": run node scripts/patch-wwebjs.mjs`);
  }
  return requireHere(dir) as WwebjsLibrary;
}

const builtVariants = new Map<string, string>();

/**
 * The pristine copy with all patches but `without`, built under node_modules/.hatline/variants
 * (inside node_modules, so its requires find puppeteer as the real ones do).
 */
function variantDir(without: readonly string[]): string {
  const name = `without-${[...without].sort().join('+')}`;
  const built = builtVariants.get(name);
  if (built) return built;
  const unknown = without.filter((id) => !PATCHES.some((p) => p.id === id));
  if (unknown.length > 0) throw new Error(`no such patch: ${unknown.join(', ')}`);
  const dir = path.join(root, 'node_modules', '.hatline', 'variants', name);
  const building = `${dir}.tmp-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  cpSync(PRISTINE_DIR, building, { recursive: true });
  for (const [file, text] of planPatches(building, PATCHES.filter((p) => !without.includes(p.id)))) writeFileSync(path.join(building, file), text);
  rmSync(dir, { recursive: true, force: true });
  renameSync(building, dir);
  builtVariants.set(name, dir);
  return dir;
}

export interface ImitationPageOptions {
  /** Show a QR as soon as the page boots (default); false waits for phone(client).showQr(). */
  autoQr?: boolean;
  /** Rotate the QR every this many ms, then go UNPAIRED_IDLE after `qrRotations` (default off). */
  qrRotateMs?: number;
  qrRotations?: number;
}

/** The imitation as one HTML document (the page files inlined, in name order). */
export function imitationPage(shape: ImitationShape, page: ImitationPageOptions = {}): string {
  const scripts = readdirSync(pageDir)
    .filter((f) => f.endsWith('.js'))
    .sort()
    .map((f) => `<script data-file="${f}">\n${readFileSync(path.join(pageDir, f), 'utf8')}\n</script>`)
    .join('\n');
  const config = `<script>window.__imitationConfig = ${JSON.stringify({ shape, ...page })};</script>`;
  return readFileSync(path.join(pageDir, 'index.html'), 'utf8')
    .replace('<!--imitation-config-->', () => config)
    .replace('<!--imitation-scripts-->', () => scripts);
}

export interface ImitationOptions {
  shape: ImitationShape;
  library: LibraryKind;
  /** CHROMIUM_PATH, or null/undefined to auto-detect as the server does. */
  chromiumPath?: string | null;
  extraArgs?: readonly string[];
  /** false: the server's Chromium flags without CHROMIUM_LEAN_ARGS (to measure them). */
  lean?: boolean;
  page?: ImitationPageOptions;
  /** How long (ms) the library waits for WhatsApp Web to boot after a navigation (its default is 30 000). */
  authTimeoutMs?: number;
  /** Sees every client the factory builds (a test keeps them to destroy them). */
  onClient?: (client: WAWebJS.Client) => void;
}

const cacheDirs: string[] = [];
process.once('exit', () => {
  for (const dir of cacheDirs) rmSync(dir, { recursive: true, force: true });
});

export type ImitationClientFactory = ClientFactory & {
  /** The library copy the clients come from: build MessageMedia, Location and Poll with it. */
  library: WwebjsLibrary;
};

/**
 * A `ClientFactory` (src/engines/wwebjs/library-types.ts): the server's own factory
 * (client-factory.ts: LocalAuth on the instance's session folder, the server's Chromium flags, user
 * agent and protocol timeout) with the imitation as the pinned WhatsApp Web build
 * (WWEBJS_WEB_VERSION's path), and every host name failing to resolve.
 */
export function imitationClientFactory(options: ImitationOptions): ImitationClientFactory {
  const library = loadLibrary(options.library);
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'hatline-wa-imitation-'));
  cacheDirs.push(cacheDir);
  const webVersion = `imitation-${options.shape}`;
  writeFileSync(path.join(cacheDir, `${webVersion}.html`), imitationPage(options.shape, options.page));
  const produce = libraryClientFactory({
    chromiumPath: options.chromiumPath ?? process.env.CHROMIUM_PATH ?? null,
    // Only the page the library serves from its cache loads; nothing reaches WhatsApp.
    extraArgs: ['--host-resolver-rules=MAP * ~NOTFOUND', ...(options.extraArgs ?? [])],
    webVersionCacheDir: cacheDir,
    webVersion,
    ffmpegPath: null,
    ...(options.lean === false ? { lean: false } : {}),
    ...(options.authTimeoutMs ? { authTimeoutMs: options.authTimeoutMs } : {}),
    library: () => library,
  });

  const factory = (params: ClientParams): WwebjsClient => {
    if (params.pairingPhone) throw new Error('linking with a pairing code is not imitated; link by QR (phone(client).scan)');
    const client = produce(params);
    options.onClient?.(client as unknown as WAWebJS.Client);
    return client;
  };
  return Object.assign(factory, { library, contentClasses: () => library });
}

/**
 * Closes a client (its destroy()) and makes sure no Chromium is left on its profile: answers how
 * many processes outlived destroy() by 2 s and had to be killed (0 when destroy() did its job).
 */
export async function destroyClient(client: WAWebJS.Client | WwebjsClient, params: Pick<ClientParams, 'instanceId' | 'sessionDir'>, timeoutMs = 5000): Promise<number> {
  const profile = profileDirOf(params.sessionDir, params.instanceId);
  await Promise.race([client.destroy().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  const deadline = Date.now() + 2000;
  while (processesUsingProfile(profile).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return killProcessesUsingProfile(profile);
}

export { phone } from './phone.js';
export type { AccountLogs, ChatSummary, GroupEventSpec, GroupState, ImitationMessage, ImitationPerson, IncomingSpec, OutboxEntry, Phone } from './phone.js';
