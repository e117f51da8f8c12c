/**
 * A real whatsapp-web.js Client on the imitation, for tests that drive the library directly: it
 * records the client's events, links it, and always closes it (with its Chromium) afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type WAWebJS from 'whatsapp-web.js';
import type { ClientParams } from '../../../src/engines/wwebjs/library-types.js';
import {
  destroyClient,
  imitationClientFactory,
  phone,
  type ImitationClientFactory,
  type ImitationOptions,
  type ImitationShape,
  type LibraryKind,
  type Phone,
  type WwebjsLibrary,
} from './harness.js';
import { killProcessesUsingProfile, profileDirOf } from '../../../src/engines/wwebjs/chromium.js';

/** Every event a test may look at, as the library emits them. */
const EVENTS = [
  'qr', 'authenticated', 'ready', 'loading_screen', 'change_state', 'disconnected', 'message', 'message_create', 'message_ack',
  'message_revoke_everyone', 'message_revoke_me', 'unread_count', 'chat_archived', 'chat_removed', 'media_uploaded',
] as const;

export interface SeenEvent {
  event: string;
  args: unknown[];
}

/** What a client emitted, in order; waitFor also sees events that came before it was called. */
export class ClientEvents {
  readonly seen: SeenEvent[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(client: WAWebJS.Client) {
    for (const event of EVENTS) {
      client.on(event, (...args: unknown[]) => {
        this.seen.push({ event, args });
        for (const wake of [...this.waiters]) wake();
      });
    }
  }

  all(event: string, accept: (...args: any[]) => boolean = () => true): unknown[][] {
    return this.seen.filter((e) => e.event === event && accept(...e.args)).map((e) => e.args);
  }

  count(event: string, accept?: (...args: any[]) => boolean): number {
    return this.all(event, accept).length;
  }

  /** The arguments of the first `event` (past or coming) that `accept` takes, skipping the first `after`. */
  waitFor(event: string, accept: (...args: any[]) => boolean = () => true, timeoutMs = 10_000, after = 0): Promise<any[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.all(event, accept)[after];
        if (!found) return false;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no "${event}" event${after ? ` #${after + 1}` : ''} within ${timeoutMs} ms; seen: ${this.seen.map((e) => e.event).join(', ')}`));
      }, timeoutMs);
      if (!check()) this.waiters.add(check);
    });
  }
}

export interface LiveClient {
  client: WAWebJS.Client;
  library: WwebjsLibrary;
  params: ClientParams;
  phone: Phone;
  events: ClientEvents;
  /** Page errors and console warnings, for a failing test's message. */
  pageLog: string[];
}

const live = new Set<ClientParams>();
// A test that fails (or a runner that stops) midway must not leave a Chromium behind.
process.once('exit', () => {
  for (const params of live) killProcessesUsingProfile(profileDirOf(params.sessionDir, params.instanceId));
});

const factories = new Map<string, ImitationClientFactory>();
let counter = 0;

/** A client on the imitation, initialised (its browser runs and the first QR was emitted), not linked. */
export async function launchClient(
  shape: ImitationShape,
  library: LibraryKind,
  options: Partial<ImitationOptions> & { sessionDir?: string; instanceId?: string } = {},
): Promise<LiveClient> {
  const { sessionDir, instanceId, ...factoryOptions } = options;
  const cacheKey = JSON.stringify([shape, library, factoryOptions.page ?? {}, factoryOptions.authTimeoutMs ?? 0]);
  let factory = factories.get(cacheKey);
  if (!factory) {
    factory = imitationClientFactory({ shape, library, ...factoryOptions });
    factories.set(cacheKey, factory);
  }
  const params: ClientParams = {
    instanceId: instanceId ?? `imitation-${process.pid}-${++counter}`,
    sessionDir: sessionDir ?? mkdtempSync(path.join(tmpdir(), 'hatline-imitation-session-')),
    pairingPhone: null,
  };
  live.add(params);
  const client = factory(params) as unknown as WAWebJS.Client;
  const events = new ClientEvents(client);
  const pageLog: string[] = [];
  const lc: LiveClient = { client, library: factory.library, params, phone: phone(client), events, pageLog };
  try {
    await withTimeout(client.initialize(), 30_000, 'initialize()');
    client.pupPage!.on('pageerror', (err) => pageLog.push(`pageerror: ${(err as Error).message}`));
    client.pupPage!.on('console', (m) => {
      if (m.type() === 'warn' || m.type() === 'error') pageLog.push(`console.${m.type()}: ${m.text()}`);
    });
  } catch (err) {
    await closeClient(lc);
    throw err;
  }
  return lc;
}

/** A linked, ready client: launch, scan the QR as `905550000001`, wait for `ready`. */
export async function linkedClient(shape: ImitationShape, library: LibraryKind, options: Partial<ImitationOptions> = {}): Promise<LiveClient> {
  const lc = await launchClient(shape, library, options);
  try {
    await lc.events.waitFor('qr');
    await lc.phone.scan('905550000001', 'Imitation Phone');
    await lc.events.waitFor('ready');
  } catch (err) {
    await closeClient(lc);
    throw err;
  }
  return lc;
}

/** Destroys the client, checks no Chromium is left on its profile, and removes its session folder. */
export async function closeClient(lc: LiveClient, { keepSession = false } = {}): Promise<void> {
  const killed = await destroyClient(lc.client, lc.params);
  live.delete(lc.params);
  if (!keepSession) rmSync(lc.params.sessionDir, { recursive: true, force: true });
  if (killed > 0) throw new Error(`destroy() left ${killed} Chromium processes on the profile (killed now)`);
}

/** Runs `body` with a client and closes it however `body` ends. */
export async function withClient<T>(make: () => Promise<LiveClient>, body: (lc: LiveClient) => Promise<T>, timeoutMs = 45_000): Promise<T> {
  const lc = await make();
  try {
    return await withTimeout(body(lc), timeoutMs, 'the test body');
  } catch (err) {
    if (lc.pageLog.length > 0 && err instanceof Error) err.message += `\npage log:\n  ${lc.pageLog.slice(-10).join('\n  ')}`;
    throw err;
  } finally {
    await closeClient(lc);
  }
}

/** uvu has no timeouts; a hung await must fail the test instead of the whole run. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]);
}
