import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { eventually, linkedSandbox, testServer, TOKEN, type TestServer, closesServers } from './support/app.js';
import { webhookReceiver, type Received } from './support/webhook-receiver.js';

const A = '905321000031';
const B = '905321000032';

async function hook(s: TestServer, id: string, url: string, events?: string[]) {
  const res = await s.json('POST', `/api/instance/${id}/settings`, { webhookUrl: url, webhookEnabled: true, ...(events ? { webhookEvents: events } : {}) });
  assert.is(res.status, 200);
  return (await s.json('GET', `/api/instance/${id}/settings`)).body.webhookSecret as string;
}

function verify(secret: string, r: Received) {
  return new Webhook(secret).verify(r.body, {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  });
}

const events = suite('webhook events');
closesServers(events);

events('message_received, message_ack and connection_status arrive with the seed shapes, signed', async () => {
  const receiver = await webhookReceiver();
  const s = await testServer();
  try {
    await linkedSandbox(s, 'a', A, 'Ayşe');
    await linkedSandbox(s, 'b', B, 'Burak');
    const secret = await hook(s, 'a', receiver.url);

    const incoming = await s.json('POST', '/api/sandbox/a/incoming', { from: '905559990001', body: 'Merhaba', name: 'Cem' });
    const received = await eventually('message_received', () => receiver.accepted.find((r) => r.json.event === 'message_received'));
    assert.equal(Object.keys(received.json).sort(), ['data', 'event', 'instance_id', 'timestamp']);
    assert.is(received.json.instance_id, 'a');
    assert.type(received.json.timestamp, 'number');
    assert.ok(Math.abs(received.json.timestamp - Date.now() / 1000) < 60, 'unix seconds');
    const d = received.json.data;
    assert.equal(
      { id: d.id, from: d.from, to: d.to, body: d.body, type: d.type, fromMe: d.fromMe, chatId: d.chatId },
      { id: incoming.body.id, from: '905559990001@s.whatsapp.net', to: `${A}@s.whatsapp.net`, body: 'Merhaba', type: 'chat', fromMe: false, chatId: '905559990001@s.whatsapp.net' },
    );
    assert.type(d.timestamp, 'number');

    const sent = await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'selam' });
    await eventually('B has it', async () => (await s.json('GET', '/api/instance/b/messages')).body.total === 1);
    await s.json('POST', '/api/instance/b/chats/read', { chatId: A });
    const acks = await eventually('sent, delivered, read', () => {
      const list = receiver.accepted.filter((r) => r.json.event === 'message_ack' && r.json.data.id === sent.body.id);
      return list.length >= 3 ? list : false;
    });
    assert.equal(acks.map((r) => r.json.data), [
      { id: sent.body.id, chatId: `${B}@s.whatsapp.net`, status: 'sent', fromMe: true },
      { id: sent.body.id, chatId: `${B}@s.whatsapp.net`, status: 'delivered', fromMe: true },
      { id: sent.body.id, chatId: `${B}@s.whatsapp.net`, status: 'read', fromMe: true },
    ]);
    assert.not.ok(receiver.accepted.some((r) => r.json.event === 'message_received' && r.json.data.fromMe), 'outgoing messages are not message_received');

    await s.json('POST', '/api/sandbox/a/drop');
    const statuses = await eventually('disconnected, connecting, connected', () => {
      const list = receiver.accepted.filter((r) => r.json.event === 'connection_status').map((r) => r.json.data);
      return list.some((x) => x.status === 'connected') ? list : false;
    }, 6000);
    assert.is(statuses[0].status, 'disconnected');
    assert.match(statuses[0].error, /connection lost/);
    assert.is(statuses[1].status, 'connecting');
    assert.equal(statuses[2], { status: 'connected', account: { id: `${A}@s.whatsapp.net`, name: 'Ayşe', phone: A } });

    for (const r of receiver.accepted) {
      assert.ok(verify(secret, r), 'the standardwebhooks package verifies every delivery');
      assert.match(String(r.headers['webhook-id']), /^msg_/);
      assert.is(r.headers['content-type'], 'application/json');
      const all = JSON.stringify(r.headers) + r.body;
      assert.not.ok(all.includes(TOKEN), 'no API token is sent to the receiver');
      assert.is(r.headers.authorization, undefined);
    }
    const ids = receiver.accepted.map((r) => r.headers['webhook-id']);
    assert.is(new Set(ids).size, ids.length, 'one webhook-id per event');
  } finally {
    await s.close();
    await receiver.close();
  }
});

events('only the subscribed events are sent, and nothing while webhooks are disabled', async () => {
  const receiver = await webhookReceiver();
  const s = await testServer();
  try {
    await linkedSandbox(s, 'a', A);
    await hook(s, 'a', receiver.url, ['message_received']);
    await s.json('POST', '/api/instance/a/messages/chat', { to: '905559990001', body: 'x' });
    await s.json('POST', '/api/sandbox/a/incoming', { from: '905559990001', body: 'only me' });
    await eventually('message_received', () => receiver.accepted.length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(receiver.accepted.map((r) => r.json.event), ['message_received']);
    await s.json('POST', '/api/instance/a/settings', { webhookEnabled: false });
    await s.json('POST', '/api/sandbox/a/incoming', { from: '905559990001', body: 'not sent' });
    await s.hatline.services.messages.settled('a');
    await new Promise((r) => setTimeout(r, 300));
    assert.is(receiver.received.length, 1);
    const deliveries = (await s.json('GET', '/api/instance/a/webhooks/deliveries')).body;
    assert.is(deliveries.total, 1, 'events are not kept while disabled');
  } finally {
    await s.close();
    await receiver.close();
  }
});

events('a rotated secret signs the next deliveries', async () => {
  const receiver = await webhookReceiver();
  const s = await testServer();
  try {
    await linkedSandbox(s, 'a', A);
    const old = await hook(s, 'a', receiver.url, ['message_received']);
    const fresh = (await s.json('POST', '/api/instance/a/webhooks/secret/rotate')).body.webhookSecret;
    await s.json('POST', '/api/sandbox/a/incoming', { from: '905559990001', body: 'x' });
    const r = await eventually('delivery', () => receiver.accepted[0]);
    assert.ok(verify(fresh, r));
    assert.throws(() => verify(old, r));
  } finally {
    await s.close();
    await receiver.close();
  }
});

events.run();

const retries = suite('webhook retries and ordering');
closesServers(retries);

retries('a receiver that is down for a while still gets every event, in order, retries with the same webhook-id', async () => {
  let up = false;
  const receiver = await webhookReceiver(() => (up ? 200 : 503));
  const s = await testServer();
  try {
    await linkedSandbox(s, 'a', A);
    await hook(s, 'a', receiver.url, ['message_received']);
    const sentIds: string[] = [];
    for (let i = 0; i < 5; i++) sentIds.push((await s.json('POST', '/api/sandbox/a/incoming', { from: '905559990001', body: `m${i}` })).body.id);
    await eventually('first attempt refused', () => receiver.received.length >= 1);
    const first = receiver.received[0]!;
    const deliveries = (await s.json('GET', '/api/instance/a/webhooks/deliveries?status=pending')).body;
    assert.is(deliveries.total, 5);
    const head = deliveries.items[deliveries.items.length - 1];
    await eventually('the failure recorded', async () => {
      const d = (await s.json('GET', '/api/instance/a/webhooks/deliveries?status=pending')).body.items.at(-1);
      return d.attempts >= 1 ? d : false;
    });
    const failedOnce = (await s.json('GET', '/api/instance/a/webhooks/deliveries?status=pending')).body.items.at(-1);
    assert.is(failedOnce.lastError, 'HTTP 503');
    assert.is(failedOnce.responseCode, 503);
    assert.is(failedOnce.webhookId, head.webhookId);
    // The first retry is due about a second after the failure (1 s, jittered by 20 %). lastAttemptAt
    // is when the attempt began, so the gap also holds the attempt itself: generous on a loaded machine.
    const retryGap = Date.parse(failedOnce.nextAttemptAt) - Date.parse(failedOnce.lastAttemptAt);
    assert.ok(retryGap >= 800 && retryGap <= 2500, `first retry due after ${retryGap} ms`);
    await eventually('a retry', () => receiver.received.length >= 2, 3000);
    assert.is(receiver.received[1]!.headers['webhook-id'], first.headers['webhook-id'], 'a retry keeps the webhook-id');
    up = true;
    await eventually('all delivered', () => receiver.accepted.length >= 5, 10_000);
    assert.equal(receiver.accepted.map((r) => r.json.data.id), sentIds, 'in order');
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    assert.is(new Set(ids).size, 5, 'the extra requests were retries of the same five webhook-ids');
    const done = await eventually('all marked delivered', async () => {
      const d = (await s.json('GET', '/api/instance/a/webhooks/deliveries?status=delivered')).body;
      return d.total === 5 ? d : false;
    });
    assert.ok(done.items.at(-1).attempts >= 2);
  } finally {
    await s.close();
    await receiver.close();
  }
});

retries('a burst is delivered once each, in order, and every delivery is then marked delivered', async () => {
  const receiver = await webhookReceiver();
  const s = await testServer();
  try {
    await linkedSandbox(s, 'a', A);
    await hook(s, 'a', receiver.url, ['message_received']);
    const burst = 250; // more than the dispatcher reads at once: its second read must not find the first batch again
    const answers = await Promise.all(
      Array.from({ length: burst }, (_, i) => s.json('POST', '/api/sandbox/a/incoming', { from: `9055599${String(10000 + (i % 7))}`, body: `b${i}` })),
    );
    assert.ok(answers.every((a) => a.status === 200));
    await eventually('all delivered', () => receiver.accepted.length >= burst, 15_000);
    const done = await eventually('all marked delivered', async () => {
      const d = (await s.json('GET', '/api/instance/a/webhooks/deliveries?status=delivered&limit=500')).body;
      return d.total === burst ? d : false;
    });
    await new Promise((r) => setTimeout(r, 300)); // a repeat would come within this
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    assert.is(ids.length, burst, 'one request per event');
    assert.is(new Set(ids).size, burst);
    assert.equal(ids, done.items.map((d: { webhookId: string }) => d.webhookId).reverse(), 'in the order they were recorded');
    assert.is((await s.json('GET', '/api/instance/a/webhooks/deliveries?status=pending')).body.total, 0);
  } finally {
    await s.close();
    await receiver.close();
  }
});

retries('a dead receiver of one instance does not hold back another instance', async () => {
  const dead = await webhookReceiver(() => 'hang');
  const alive = await webhookReceiver();
  const s = await testServer();
  try {
    await linkedSandbox(s, 'a', A);
    await linkedSandbox(s, 'b', B);
    await hook(s, 'a', dead.url, ['message_received']);
    await hook(s, 'b', alive.url, ['message_received']);
    await s.json('POST', '/api/sandbox/a/incoming', { from: '905559990001', body: 'stuck' });
    await eventually('a is hanging', () => dead.received.length === 1);
    for (let i = 0; i < 3; i++) await s.json('POST', '/api/sandbox/b/incoming', { from: '905559990001', body: `b${i}` });
    // Well inside a's 10 s webhook timeout: b's lane never waited for it.
    await eventually('b delivered while a hangs', () => alive.accepted.length === 3, 5000);
    assert.is(dead.received.length, 1, 'a is still hanging');
  } finally {
    await s.close();
    await dead.close();
    await alive.close();
  }
});

retries('events left pending at shutdown are delivered after a restart, with the same webhook-id', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-hooks-'));
  let up = false;
  const receiver = await webhookReceiver(() => (up ? 200 : 500));
  try {
    const first = await testServer({ dir, onDisk: true });
    await linkedSandbox(first, 'a', A);
    await hook(first, 'a', receiver.url, ['message_received']);
    for (let i = 0; i < 3; i++) await first.json('POST', '/api/sandbox/a/incoming', { from: '905559990001', body: `r${i}` });
    await eventually('an attempt', () => receiver.received.length >= 1);
    const attemptedId = receiver.received[0]!.headers['webhook-id'];
    await first.close();

    up = true;
    const second = await testServer({ dir, onDisk: true });
    await eventually('all three after restart', () => receiver.accepted.length >= 3, 5000);
    assert.equal(receiver.accepted.map((r) => r.json.data.body), ['r0', 'r1', 'r2']);
    assert.is(receiver.accepted[0]!.headers['webhook-id'], attemptedId);
    await second.close();
  } finally {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

retries('an event past its 24 hours is given up as failed; retry sends it again with the same webhook-id', async () => {
  let up = false;
  const receiver = await webhookReceiver(() => (up ? 200 : 500));
  const s = await testServer();
  try {
    await linkedSandbox(s, 'a', A);
    await hook(s, 'a', receiver.url, ['message_received']);
    await s.json('POST', '/api/sandbox/a/incoming', { from: '905559990001', body: 'old' });
    await eventually('a failed attempt', () => receiver.received.length >= 1);
    // Age the event past its 24 hours, then wake the dispatcher (a settings change does).
    await s.hatline.database.db.updateTable('webhook_events').set({ expires_at: Date.now() - 1 }).execute();
    await s.json('PATCH', '/api/instance/a/settings', { sendDelay: 0 });
    const failed = await eventually('failed', async () => (await s.json('GET', '/api/instance/a/webhooks/deliveries?status=failed')).body.items[0]);
    assert.match(failed.lastError, /given up after 24 hours; last error: HTTP 500/);
    up = true;
    const retry = await s.json('POST', `/api/instance/a/webhooks/deliveries/${failed.id}/retry`);
    assert.equal(retry.body, { success: true });
    await eventually('delivered on retry', () => receiver.accepted.length === 1);
    assert.is(receiver.accepted[0]!.headers['webhook-id'], failed.webhookId);
    await eventually('marked delivered', async () => (await s.json('GET', '/api/instance/a/webhooks/deliveries?status=delivered')).body.total === 1);
    assert.is((await s.json('POST', '/api/instance/a/webhooks/deliveries/999/retry')).status, 404);
    assert.is((await s.json('POST', '/api/instance/a/webhooks/deliveries/abc/retry')).status, 400);
  } finally {
    await s.close();
    await receiver.close();
  }
});

retries.run();
