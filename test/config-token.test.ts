import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError, loadConfig } from '../src/config.js';
import { projectRoot } from '../src/paths.js';
import { startChildServer } from './support/child-server.js';
import { closesServers } from './support/app.js';

const WEAK = 'hatline1';
const STRONG = '3f9a1c7e0b5d42a8e6c1f0b9d7a35e2c'; // 32 random hex characters (openssl rand -hex 16)

const weakToken = (env: Record<string, string>) => {
  try {
    loadConfig({ API_TOKEN: WEAK, ...env });
  } catch (err) {
    assert.instance(err, ConfigError);
    assert.is((err as ConfigError).variable, 'API_TOKEN');
    return (err as Error).message;
  }
  return null;
};

const config = suite('API_TOKEN strength');

config('a weak API_TOKEN stops start-up while the server listens on every interface, saying why and what to do', () => {
  for (const host of [undefined, '0.0.0.0', '::', '192.168.1.10']) {
    const message = weakToken(host ? { HOST: host } : {});
    assert.ok(message, `HOST ${host ?? '(default)'} refuses it`);
    assert.match(message!, /API_TOKEN: is weak \(8 characters/);
    assert.match(message!, /at least 32 random characters/);
    assert.match(message!, /ALLOW_WEAK_TOKEN=1/);
  }
  assert.ok(weakToken({ API_TOKEN: 'a'.repeat(40) }), 'long but with too few different characters');
});

config('a weak API_TOKEN is accepted on loopback, a strong one anywhere, and ALLOW_WEAK_TOKEN=1 lets a weak one through with a warning', () => {
  for (const host of ['127.0.0.1', 'localhost', '::1', '127.0.0.5']) assert.is(weakToken({ HOST: host }), null, host);
  assert.is(loadConfig({ API_TOKEN: STRONG }).weakTokenWarning, null);
  assert.is(loadConfig({}).weakTokenWarning, null, 'a generated token is strong');
  const allowed = loadConfig({ API_TOKEN: WEAK, ALLOW_WEAK_TOKEN: '1' });
  assert.is(allowed.apiToken, WEAK);
  assert.match(allowed.weakTokenWarning!, /API_TOKEN is weak .* listens on 0\.0\.0\.0/);
  assert.throws(() => loadConfig({ API_TOKEN: WEAK, ALLOW_WEAK_TOKEN: 'maybe' }), (err: unknown) => err instanceof ConfigError && err.variable === 'ALLOW_WEAK_TOKEN');
});

config.run();

const start = suite('starting with a weak API_TOKEN');
closesServers(start);

start('the server refuses to start on 0.0.0.0 with a weak API_TOKEN (exit 78, the reason on stderr)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-weak-'));
  try {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: projectRoot,
      env: { ...process.env, HOST: '0.0.0.0', PORT: '0', API_TOKEN: WEAK, DATA_DIR: path.join(dir, 'data'), MEDIA_DIR: path.join(dir, 'media'), DEFAULT_ENGINE: 'sandbox' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout!.on('data', (d) => (out += d));
    proc.stderr!.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`still running after 20 s: ${out}`));
      }, 20_000);
      proc.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    assert.is(code, 78, out);
    assert.match(out, /Hatline cannot start: bad configuration: API_TOKEN: is weak/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

start('with ALLOW_WEAK_TOKEN=1 it starts and says loudly why the token is dangerous', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-weak-'));
  try {
    const server = await startChildServer({ HOST: '0.0.0.0', API_TOKEN: WEAK, ALLOW_WEAK_TOKEN: '1', DATA_DIR: path.join(dir, 'data'), MEDIA_DIR: path.join(dir, 'media') });
    assert.match(server.output(), /WARNING: API_TOKEN is weak \(8 characters, \d+ different\) while the server listens on 0\.0\.0\.0/);
    await server.kill('SIGTERM');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

start.run();
