import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { eventually, linkedSandbox, testServer, closesServers } from './support/app.js';

closesServers(test);

test('a server restart keeps instances: started ones come back open without a new scan', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-restart-'));
  try {
    const first = await testServer({ dir, onDisk: true });
    const account = await linkedSandbox(first, 'kept', '905329990001', 'Kept');
    await first.json('POST', '/api/instance', { id: 'idle', engine: 'sandbox', description: 'never connected' });
    await first.close();

    const second = await testServer({ dir, onDisk: true });
    const list = await second.json('GET', '/api/instance');
    assert.equal(list.body.instances.sort(), ['idle', 'kept']);
    await eventually('kept open', async () => (await second.json('GET', '/api/instance/kept/status')).body.accountStatus.status === 'open');
    assert.equal((await second.json('GET', '/api/instance/kept/me')).body, account);
    assert.equal((await second.json('GET', '/api/instance/idle/status')).body, { accountStatus: { status: 'disconnected' } });
    assert.is(list.body.details.idle.description, 'never connected');
    await second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a generated API token is kept hashed in DATA_DIR and works after a restart', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-token-'));
  try {
    const first = await testServer({ dir, onDisk: true, env: { API_TOKEN: '' } });
    const token = first.hatline.generatedToken;
    assert.ok(token, 'a token was generated');
    const { readFileSync } = await import('node:fs');
    const stored = readFileSync(path.join(dir, 'data', 'api-token.sha256'), 'utf8');
    assert.not.ok(stored.includes(token!), 'only the hash is stored');
    await first.close();
    const second = await testServer({ dir, onDisk: true, env: { API_TOKEN: '' } });
    assert.is(second.hatline.generatedToken, null, 'not generated (nor printed) again');
    const res = await second.hatline.app.request('/api/instance', { headers: { authorization: `Bearer ${token}` } });
    assert.is(res.status, 200);
    await second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
