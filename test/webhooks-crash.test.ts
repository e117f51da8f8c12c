import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { eventually, closesServers } from './support/app.js';
import { startChildServer } from './support/child-server.js';
import { webhookReceiver } from './support/webhook-receiver.js';

closesServers(test);

test('killed with SIGKILL mid-stream and restarted, the server still delivers every stored event, in order', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-crash-'));
  const receiver = await webhookReceiver();
  const env = { DATA_DIR: path.join(dir, 'data'), MEDIA_DIR: path.join(dir, 'media') };
  let server = await startChildServer(env);
  try {
    assert.is((await server.call('POST', '/api/instance', { id: 'a', engine: 'sandbox' })).status, 200);
    await server.call('POST', '/api/instance/a/connect');
    assert.is((await server.call('POST', '/api/sandbox/a/scan', { phone: '905321000041' })).status, 200);
    await server.call('POST', '/api/instance/a/settings', { webhookUrl: receiver.url, webhookEnabled: true, webhookEvents: ['message_received'] });

    // Messages whose injection was answered 200 are stored: each must reach the receiver.
    const stored: string[] = [];
    const inject = async (i: number) => {
      const r = await server.call('POST', '/api/sandbox/a/incoming', { from: '905559990001', body: `n${i}` });
      if (r.status === 200) stored.push(r.body.id);
    };
    const stream = (async () => {
      for (let i = 0; i < 400; i++) {
        try {
          await inject(i);
        } catch {
          return; // the server is gone
        }
      }
    })();
    await eventually('some deliveries', () => receiver.accepted.length >= 20, 10_000);
    await server.kill('SIGKILL');
    await stream;
    const beforeCrash = stored.length;
    assert.ok(beforeCrash >= 20);

    server = await startChildServer(env);
    await eventually('instance open again', async () => (await server.call('GET', '/api/instance/a/status')).body.accountStatus?.status === 'open', 10_000);
    for (let i = 0; i < 20; i++) await inject(1000 + i);

    await eventually('every stored message delivered', () => {
      const got = new Set(receiver.accepted.map((r) => r.json.data.id));
      return stored.every((id) => got.has(id));
    }, 20_000);

    // In order: the first delivery of each event follows the order the messages were stored.
    const firstSeen: string[] = [];
    const seenHook = new Map<string, string>();
    for (const r of receiver.accepted) {
      const hookId = String(r.headers['webhook-id']);
      const msgId = r.json.data.id as string;
      if (seenHook.has(hookId)) {
        assert.is(seenHook.get(hookId), msgId, 'a repeated webhook-id carries the same event');
        continue;
      }
      seenHook.set(hookId, msgId);
      firstSeen.push(msgId);
    }
    assert.equal(firstSeen.filter((id) => stored.includes(id)), stored, 'delivered in the order stored');
    assert.is(new Set(firstSeen).size, firstSeen.length, 'no event under two webhook-ids: duplicates are only retries');
  } finally {
    await server.kill('SIGKILL');
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
