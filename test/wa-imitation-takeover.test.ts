/**
 * Sessions that can move (issue 20): a whatsapp-web.js session lives in the shared DATA_DIR
 * (LocalAuth's profile at DATA_DIR/sessions/<id>/session-<id>, a name that does not depend on the
 * node), so the node that takes an instance over starts its engine from that folder and the
 * account is linked again without a QR. Real library, real Chromium, the imitation of WhatsApp Web
 * (test/support/wa-imitation), whose account keeps its session in the profile as WhatsApp Web does.
 *
 * On PostgreSQL the two servers are two nodes (NODE_ID a and b) on one database, and b takes the
 * instance over when a is gone; on SQLite b is the server started again on the same DATA_DIR.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type WAWebJS from 'whatsapp-web.js';
import { killProcessesUsingProfile } from '../src/engines/wwebjs/chromium.js';
import { createWwebjsEngine } from '../src/engines/wwebjs/index.js';
import { closesServers, eventually, testServer, type TestServer } from './support/app.js';
import { dropTestDatabase } from './support/database.js';
import { imitationClientFactory, phone } from './support/wa-imitation/harness.js';

const test = suite('a wwebjs session moves with its instance');
closesServers(test);

const LEASES = { LEASE_RENEW_MS: '1000', LEASE_TTL_MS: '10000', LEASE_JOIN_MS: '0' };

async function node(dir: string, nodeId: string, clients: WAWebJS.Client[]): Promise<TestServer> {
  const factory = imitationClientFactory({ shape: '2026-09', library: 'patched', onClient: (c) => clients.push(c) });
  return testServer({
    dir,
    onDisk: true,
    env: { NODE_ID: nodeId, ...LEASES },
    wwebjs: (ctx) => createWwebjsEngine(ctx, { chromiumPath: null, ffmpegPath: null, clientFactory: factory, timings: { healthIntervalMs: 400 } }),
  });
}

/** Polls once a second: a tighter loop of in-process requests keeps the new browser's start waiting on a loaded machine. */
async function slowly(what: string, check: () => Promise<boolean>, ms: number): Promise<void> {
  await eventually(what, async () => (await check()) || (await new Promise((r) => setTimeout(r, 1000))), ms);
}

/** Whether Chromium has written the imitation's saved session (a localStorage key) into the profile's LevelDB files. */
function savedOnDisk(profile: string): boolean {
  const dir = path.join(profile, 'Default', 'Local Storage', 'leveldb');
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((f) => /\.(log|ldb)$/.test(f) && readFileSync(path.join(dir, f)).includes('__imitation.session'));
}

const status = async (s: TestServer) => (await s.json('GET', '/api/instance/w/status')).body.accountStatus as { status: string };

test('the node that takes an instance over opens its session from the shared DATA_DIR without a QR, after its node and browser were killed, past the lock of a browser on another host', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-takeover-'));
  const servers: TestServer[] = [];
  try {
    // Node a links the account: a QR, a scan, open.
    const onA: WAWebJS.Client[] = [];
    const a = await node(dir, 'a', onA);
    servers.push(a);
    assert.is((await a.json('POST', '/api/instance', { id: 'w', engine: 'wwebjs' })).status, 200);
    assert.is((await a.json('POST', '/api/instance/w/connect')).status, 200);
    await slowly('a QR on a', async () => typeof (await a.json('GET', '/api/instance/w/qr')).body.qrCode === 'string', 60_000);
    await phone(onA[onA.length - 1]!).scan('905550000001', 'Imitation Phone');
    await slowly('open on a', async () => (await status(a)).status === 'open', 60_000);

    // Node a dies: its browser is killed (once the page's saved session reached the disk: Chromium
    // writes localStorage a few seconds late), and the lock it leaves names the host it ran on,
    // which is not the next node's (Chromium refuses a profile locked by another host).
    const profile = path.join(dir, 'data', 'sessions', 'w', 'session-w');
    assert.ok(existsSync(profile), 'the session is in the shared DATA_DIR under a name of the instance alone');
    await slowly('the saved session on disk', async () => savedOnDisk(profile), 30_000);
    assert.ok(killProcessesUsingProfile(profile) > 0, "a's browser was running");
    await a.close();
    rmSync(path.join(profile, 'SingletonLock'), { force: true });
    symlinkSync('a-host-that-died-4242', path.join(profile, 'SingletonLock'));

    // Node b serves it now (on PostgreSQL it claims the instance a gave up): the engine
    // starts from the folder and the account is linked again, without a QR and without a scan.
    const onB: WAWebJS.Client[] = [];
    const b = await node(dir, 'b', onB);
    servers.push(b);
    await slowly('open on b', async () => (await status(b)).status === 'open', 60_000);
    assert.is(onB.length, 1, 'one client, never asked to link');
    assert.is((await b.json('GET', '/api/instance/w/qr')).body.qrCode, null, 'no QR on b');
    assert.equal((await b.json('GET', '/api/instance/w/me')).body, { id: '905550000001@s.whatsapp.net', name: 'Imitation Phone', phone: '905550000001' });
    assert.not.equal(readlinkSync(path.join(profile, 'SingletonLock')), 'a-host-that-died-4242', "b's browser holds the profile now");
    const sent = await b.json('POST', '/api/instance/w/messages/chat', { to: '905551110001', body: 'after the move' });
    assert.is(sent.status, 200, JSON.stringify(sent.body));
  } finally {
    for (const s of servers) await s.close();
    await dropTestDatabase(path.join(dir, 'data')).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
