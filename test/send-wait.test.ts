import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ADMIN } from '../src/services/access/principal.js';
import { closesServers, eventually, linkedSandbox, testServer, type TestServer } from './support/app.js';

// Sends that do not lie (issue 19, item 4): waitFor answers the status really reached.

const t = suite('sends that wait');
closesServers(t);

const TO = '905559990123';
/** A number whose phone never answers (the sandbox gives no receipt for numbers ending 0000). */
const SILENT = '905559990000';

/**
 * Reports a receipt from the recipient's side once WhatsApp has the send: its row is stored pending
 * under a provisional id first, and carries WhatsApp's id once the server took it.
 */
async function ackLater(s: TestServer, body: string, status: string, error?: string, delayMs = 300) {
  await new Promise((r) => setTimeout(r, delayMs));
  const row = await eventually(`"${body}" taken by WhatsApp`, async () =>
    ((await s.json('GET', '/api/instance/a/messages?limit=5')).body.items as any[]).find((m) => m.body === body && m.status !== 'pending'),
  );
  const res = await s.json('POST', '/api/sandbox/a/ack', { msgId: row.id, status, ...(error ? { error } : {}) });
  if (res.status !== 200) throw new Error(`ack: ${res.status} ${JSON.stringify(res.body)}`);
}

t('without waitFor the answer is as before; waitFor=server answers once WhatsApp has it', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a');
  const plain = await s.json('POST', '/api/instance/a/messages/chat', { to: TO, body: 'plain' });
  assert.equal(Object.keys(plain.body).sort(), ['id', 'sent']);
  const server = await s.json('POST', '/api/instance/a/messages/chat', { to: TO, body: 'to the server', waitFor: 'server' });
  assert.is(server.status, 200);
  assert.equal({ ...server.body, id: 'x' }, { sent: true, id: 'x', status: 'sent', reached: true });
});

t('waitFor=device waits for the delivery receipt, and waitFor=read says when the read did not come in time', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a');
  const [device] = await Promise.all([
    s.json('POST', '/api/instance/a/messages/chat', { to: TO, body: 'to the phone', waitFor: 'device', waitTimeout: 10 }),
    ackLater(s, 'to the phone', 'delivered'),
  ]);
  assert.is(device.status, 200, JSON.stringify(device.body));
  assert.is(device.body.status, 'delivered');
  assert.is(device.body.reached, true);
  const started = Date.now();
  const read = await s.json('POST', '/api/instance/a/messages/chat', { to: TO, body: 'never read', waitFor: 'read', waitTimeout: 1 });
  assert.is(read.status, 200);
  assert.is(read.body.reached, false);
  assert.is(read.body.status, 'delivered', 'delivered (the sandbox phone got it), never read');
  assert.ok(Date.now() - started >= 900, 'it waited for the timeout');
});

t('a message WhatsApp refuses after taking it: the waiting send answers 502 with the reason; the history and the event say failed', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a');
  const after = await s.hatline.services.events.newest();
  const [refused] = await Promise.all([
    s.json('POST', '/api/instance/a/messages/chat', { to: SILENT, body: 'refused later', waitFor: 'device', waitTimeout: 10 }),
    ackLater(s, 'refused later', 'failed', 'reach-out timelock (463)'),
  ]);
  assert.is(refused.status, 502, JSON.stringify(refused.body));
  assert.is(refused.body.code, 'failed');
  assert.match(refused.body.error, /reach-out timelock \(463\)/);
  const row = ((await s.json('GET', '/api/instance/a/messages?limit=5')).body.items as any[]).find((m) => m.body === 'refused later');
  assert.is(row.status, 'failed');
  assert.is(row.error, 'reach-out timelock (463)');
  const events = await s.hatline.services.events.read(ADMIN, after, 50, 'a');
  const ack = events.find((e) => e.event === 'message_ack' && (e.data as any).id === row.id && (e.data as any).status === 'failed');
  assert.ok(ack, 'a message_ack failed event');
  assert.is((ack!.data as any).error, 'reach-out timelock (463)');
});

t('waitFor is checked like any field', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a');
  const bad = await s.json('POST', '/api/instance/a/messages/chat', { to: TO, body: 'x', waitFor: 'forever' });
  assert.is(bad.status, 400);
  assert.match(bad.body.error, /waitFor/);
  const long = await s.json('POST', '/api/instance/a/messages/chat', { to: TO, body: 'x', waitFor: 'read', waitTimeout: 600 });
  assert.is(long.status, 400);
  assert.match(long.body.error, /waitTimeout/);
});

t.run();
