/**
 * One real launch: the whole server in-process, a wwebjs instance on the system Chromium, and
 * WhatsApp Web out of reach. The instance must say so clearly, and deleting it must leave no
 * Chromium behind. Needs Chromium (CI installs it: apt-get install -y chromium).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../src/config.js';
import { createWwebjsEngine, findChromium } from '../src/engines/wwebjs/index.js';
import { createLogger, silentLogger } from '../src/logger.js';
import { buildHatline } from '../src/server.js';

const TOKEN = 'real-launch-token-0123456789';

/** Pids of live processes whose command line mentions `needle`. */
function processesMentioning(needle: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').some((arg) => arg.includes(needle))) out.push(Number(entry));
    } catch {
      // ended while we looked
    }
  }
  return out;
}

test('a wwebjs instance on real Chromium reports that WhatsApp Web cannot be reached, and its deletion leaves no Chromium', async () => {
  let chromium: string;
  try {
    chromium = findChromium(process.env.CHROMIUM_PATH ?? null);
  } catch (err) {
    throw new Error(`this test needs Chromium: ${(err as Error).message}`);
  }

  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-real-launch-'));
  const config = loadConfig({
    DATA_DIR: path.join(dir, 'data'),
    MEDIA_DIR: path.join(dir, 'media'),
    API_TOKEN: TOKEN,
    HOST: '127.0.0.1',
    CHROMIUM_PATH: chromium,
    RATE_LIMIT_PER_MINUTE: '0',
  });
  const logger = process.env.TEST_LOG ? createLogger('debug') : silentLogger;
  const hatline = await buildHatline({
    config,
    logger,
    dbFile: ':memory:',
    wwebjs: (ctx) =>
      createWwebjsEngine(ctx, {
        chromiumPath: config.chromiumPath,
        logger,
        // Every host name fails to resolve, so the test means the same on a closed network (here)
        // and on CI runners that do have internet (and never talks to WhatsApp from CI).
        chromiumArgs: ['--host-resolver-rules=MAP * ~NOTFOUND'],
        timings: { readyTimeoutMs: 20_000, backoffBaseMs: 1_000, backoffCapMs: 4_000, destroyTimeoutMs: 5_000 },
      }),
  });
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await hatline.app.request(url, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
  };
  const sessionDir = path.join(config.dataDir, 'sessions', 'real1');

  try {
    const created = await call('POST', '/api/instance', { id: 'real1', engine: 'wwebjs' });
    assert.is(created.status, 200, JSON.stringify(created.body));
    const connected = await call('POST', '/api/instance/real1/connect', {});
    assert.is(connected.status, 200, JSON.stringify(connected.body));

    let error = '';
    let sawChromium = false;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (processesMentioning(sessionDir).length > 0) sawChromium = true;
      const status = await call('GET', '/api/instance/real1/status');
      const accountStatus = status.body.accountStatus as { status: string; error?: string };
      error = accountStatus.error ?? '';
      if (/cannot reach WhatsApp Web/.test(error) && sawChromium) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(sawChromium, 'a Chromium ran on the instance session folder');
    assert.match(error, /^cannot reach WhatsApp Web \(https:\/\/web\.whatsapp\.com\): net::ERR_NAME_NOT_RESOLVED/);

    const deleted = await call('DELETE', '/api/instance/real1');
    assert.is(deleted.status, 200, JSON.stringify(deleted.body));
    assert.equal(processesMentioning(sessionDir), [], 'no Chromium process is left on the session folder');
  } finally {
    await hatline.close();
    for (const pid of processesMentioning(sessionDir)) process.kill(pid, 'SIGKILL'); // only if the assertion above failed
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
