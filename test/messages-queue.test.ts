import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Engine } from '../src/engines/engine.js';
import type { SandboxEngine } from '../src/engines/sandbox/sandbox-engine.js';
import { eventually, linkedSandbox, testServer, type TestServer, closesServers } from './support/app.js';

closesServers(test);

const A = '905321000021';
const B = '905321000022';

async function pair(): Promise<TestServer> {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  return s;
}

/** Records when the engine is asked to send (the queue's output). */
function recordSends(engine: Engine): number[] {
  const times: number[] = [];
  const messages = engine.messages!;
  const original = messages.send.bind(messages);
  messages.send = async (to, content) => {
    times.push(Date.now());
    return original(to, content);
  };
  return times;
}

test('the queue sends one at a time per instance, sendDelay ms apart, in order', async () => {
  const s = await pair();
  assert.is((await s.json('POST', '/api/instance/a/settings', { sendDelay: 250 })).status, 200);
  const times = recordSends(s.hatline.registry.engine('a'));
  const answers = await Promise.all(
    [1, 2, 3].map((i) => s.json('POST', '/api/instance/a/messages/chat', { to: B, body: `n${i}` })),
  );
  assert.ok(answers.every((a) => a.status === 200));
  assert.is(times.length, 3);
  for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! >= 245, `gap ${i}: ${times[i]! - times[i - 1]!} ms`);
  const received = await eventually('all at B', async () => {
    const h = (await s.json('GET', '/api/instance/b/messages')).body;
    return h.total === 3 ? h.items : false;
  });
  assert.equal(received.map((m: any) => m.body).reverse(), ['n1', 'n2', 'n3'], 'in the order they were sent');
  await s.close();
});

test('another instance is not held back by a slow queue', async () => {
  const s = await pair();
  assert.is((await s.json('POST', '/api/instance/a/settings', { sendDelay: 400 })).status, 200);
  const slow = Promise.all([1, 2, 3].map((i) => s.json('POST', '/api/instance/a/messages/chat', { to: B, body: `slow ${i}` })));
  const started = Date.now();
  const fast = await s.json('POST', '/api/instance/b/messages/chat', { to: A, body: 'fast' });
  assert.is(fast.status, 200);
  assert.ok(Date.now() - started < 300, 'b answered before a finished its queue');
  await slow;
  await s.close();
});

test('a message waiting in the queue is stored as pending until its turn', async () => {
  const s = await pair();
  assert.is((await s.json('POST', '/api/instance/a/settings', { sendDelay: 300 })).status, 200);
  const first = s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'first' });
  const second = s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'second' });
  await first;
  const pending = await eventually('second pending', async () => {
    const h = (await s.json('GET', '/api/instance/a/messages?status=pending')).body;
    return h.total === 1 ? h.items[0] : false;
  });
  assert.is(pending.body, 'second');
  await second;
  assert.is((await s.json('GET', '/api/instance/a/messages?status=pending')).body.total, 0);
  await s.close();
});

test('Idempotency-Key: the same key answers the first answer and sends nothing more', async () => {
  const s = await pair();
  const headers = { 'Idempotency-Key': 'order-42' };
  const first = await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'once' }, headers);
  assert.is(first.status, 200);
  assert.is(first.res.headers.get('idempotent-replayed'), null);
  const again = await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'once' }, headers);
  assert.equal(again.body, first.body);
  assert.is(again.res.headers.get('idempotent-replayed'), 'true');
  const other = await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'twice' }, { 'Idempotency-Key': 'order-43' });
  assert.is.not(other.body.id, first.body.id);
  // Concurrent requests with one key share one send.
  const concurrent = await Promise.all(
    [1, 2, 3].map(() => s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'race' }, { 'Idempotency-Key': 'race-1' })),
  );
  assert.is(new Set(concurrent.map((c) => c.body.id)).size, 1);
  // The same key on another instance is another send.
  const onB = await s.json('POST', '/api/instance/b/messages/chat', { to: A, body: 'once' }, headers);
  assert.is(onB.status, 200);
  await s.hatline.services.messages.settled();
  // What a sent (b's 'once' may have reached a by now: it is a's, but received).
  const sent = ((await s.json('GET', '/api/instance/a/messages')).body.items as { fromMe: boolean; body: string }[]).filter((m) => m.fromMe);
  assert.equal(sent.map((m) => m.body).sort(), ['once', 'race', 'twice'], 'once + twice + race');
  await s.close();
});

test('Idempotency-Key: a request refused before sending keeps nothing, so the corrected retry sends', async () => {
  const s = await pair();
  const headers = { 'Idempotency-Key': 'fix-me' };
  const bad = await s.json('POST', '/api/instance/a/messages/chat', { to: 'nobody', body: 'x' }, headers);
  assert.is(bad.status, 400);
  const good = await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'x' }, headers);
  assert.is(good.status, 200);
  const failed = await s.json('POST', '/api/instance/a/messages/chat', { to: '120363000000000009@g.us', body: 'x' }, { 'Idempotency-Key': 'fails' });
  assert.is(failed.status, 404);
  const replay = await s.json('POST', '/api/instance/a/messages/chat', { to: '120363000000000009@g.us', body: 'x' }, { 'Idempotency-Key': 'fails' });
  assert.is(replay.status, 404, 'a failed send answers its failure again');
  assert.is(replay.res.headers.get('idempotent-replayed'), 'true');
  assert.is((await s.json('GET', '/api/instance/a/messages?status=failed')).body.total, 1, 'not attempted twice');
  const long = await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'x' }, { 'Idempotency-Key': 'k'.repeat(256) });
  assert.is(long.status, 400);
  assert.match(long.body.error, /^Idempotency-Key:/);
  await s.close();
});

test('an echo of our own send and a receipt that beat the send confirmation merge into one row', async () => {
  const s = await pair();
  const engine = s.hatline.registry.engine('a') as SandboxEngine;
  const messages = engine.messages;
  const original = messages.send.bind(messages);
  messages.send = async (to, content) => {
    const sent = await original(to, content);
    // What whatsapp-web.js can do: message_create (fromMe) and message_ack before sendMessage resolves.
    engine.ctx.emit({ type: 'message', message: { id: sent.id, chatId: to, from: `${A}@s.whatsapp.net`, to, fromMe: true, kind: 'chat', body: 'echo', timestamp: sent.timestamp } });
    engine.ctx.emit({ type: 'ack', ack: { id: sent.id, chatId: to, status: 'delivered' } });
    await s.hatline.services.messages.settled('a');
    return sent;
  };
  const res = await s.json('POST', '/api/instance/a/messages/chat', { to: '905550000001', body: 'real' });
  await s.hatline.services.messages.settled('a');
  const h = (await s.json('GET', '/api/instance/a/messages')).body;
  assert.is(h.total, 1, 'one row');
  assert.is(h.items[0].id, res.body.id);
  assert.is(h.items[0].body, 'real');
  assert.is(h.items[0].status, 'delivered');
  await s.close();
});

test('sends left pending by a stopped server are failed with that reason at the next start', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-pending-'));
  try {
    const first = await testServer({ dir, onDisk: true });
    await linkedSandbox(first, 'a', A);
    await first.hatline.database.db
      .insertInto('messages')
      .values({ instance_id: 'a', id: 'HLPENDING', chat_id: `${B}@s.whatsapp.net`, from_jid: `${A}@s.whatsapp.net`, to_jid: `${B}@s.whatsapp.net`, from_me: 1, type: 'chat', body: 'in flight', caption: null, media_file: null, media_mimetype: null, media_filename: null, media_size: null, extra: null, status: 'pending', error: null, sender_name: null, timestamp: 1, native_key: null })
      .execute();
    await first.close();
    const second = await testServer({ dir, onDisk: true });
    const row = (await second.json('GET', '/api/instance/a/messages?status=failed')).body.items[0];
    assert.is(row.id, 'HLPENDING');
    assert.match(row.error, /server stopped before WhatsApp confirmed/);
    await second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
