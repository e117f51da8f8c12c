import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { findChromium, findChromiumIn, killProcessesUsingProfile, processesUsingProfile } from '../src/engines/wwebjs/chromium.js';
import { closeClient } from '../src/engines/wwebjs/shutdown.js';
import { silentLogger } from '../src/logger.js';
import { FakeWwebjsClient } from './support/fake-wwebjs-client.js';

const test = suite('wwebjs chromium');

let dir = '';
const spawned: ChildProcess[] = [];
const profiles: string[] = [];

test.before.each(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'hatline-chromium-'));
});
test.after.each(() => {
  for (const profile of profiles.splice(0)) killProcessesUsingProfile(profile); // children too
  for (const p of spawned.splice(0)) p.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A stand-in "browser" on `profile` that has a child of its own (as Chromium has renderers). */
function fakeBrowserProcess(profile: string): ChildProcess {
  const script = "require('child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' }); setTimeout(() => {}, 60000);";
  profiles.push(profile);
  const p = spawn(process.execPath, ['-e', script, '--', `--user-data-dir=${profile}`], { stdio: 'ignore' });
  spawned.push(p);
  return p;
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('findChromium names the fix when no browser is found', () => {
  assert.throws(() => findChromiumIn(null, [dir]), /no Chromium found .*install it with `apt-get install -y chromium`, or set CHROMIUM_PATH/);
});

test('findChromium takes the first known browser name in the folders it is given', () => {
  const browser = path.join(dir, 'chromium-browser');
  writeFileSync(browser, '#!/bin/sh\n');
  chmodSync(browser, 0o755);
  assert.is(findChromiumIn(null, [dir]), browser);
});

test('findChromium names CHROMIUM_PATH when it points at nothing', () => {
  assert.throws(() => findChromium('/nonexistent/chromium'), /CHROMIUM_PATH is "\/nonexistent\/chromium", which is not an executable file/);
});

test('processes running on a profile, and their children, are found and killed; others are not', async () => {
  const profile = path.join(dir, 'session-a');
  const other = path.join(dir, 'session-ab'); // a prefix match must not count
  const mine = fakeBrowserProcess(profile);
  const theirs = fakeBrowserProcess(other);
  await until(() => processesUsingProfile(profile).length === 2);
  assert.ok(processesUsingProfile(profile).includes(mine.pid!));
  assert.is(killProcessesUsingProfile(profile), 2);
  await until(() => processesUsingProfile(profile).length === 0);
  assert.ok(processesUsingProfile(other).includes(theirs.pid!), 'the other profile keeps its process');
});

test('a client whose destroy() hangs is given up on after the timeout and its browser is killed', async () => {
  const profile = path.join(dir, 'session-h');
  mkdirSync(profile, { recursive: true });
  fakeBrowserProcess(profile);
  await until(() => processesUsingProfile(profile).length === 2);
  const client = new FakeWwebjsClient({ instanceId: 'h', sessionDir: dir, pairingPhone: null });
  await client.initialize();
  client.destroy = () => new Promise<void>(() => undefined);
  const started = Date.now();
  await closeClient(client, { initializing: Promise.resolve(), profileDir: profile, timeoutMs: 100, log: silentLogger });
  assert.ok(Date.now() - started < 2000, 'closing did not wait on the hung destroy()');
  await until(() => processesUsingProfile(profile).length === 0);
});

test.run();
