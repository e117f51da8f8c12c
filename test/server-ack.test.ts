import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createWwebjsEngine } from '../src/engines/wwebjs/index.js';
import { ADMIN } from '../src/services/access/principal.js';
import { closesServers, eventually, linkedSandbox, testServer, type TestServer } from './support/app.js';
import { fakeClientFactory } from './support/fake-wwebjs-client.js';
import { webhookReceiver } from './support/webhook-receiver.js';

// Sends that do not lie (issue 19, item 4): a send WhatsApp's server has not confirmed is
// `pending`, not `sent`, and one it never confirms ends `failed` within a bound.

const t = suite('the server ack of a send');
closesServers(t);

const TO = '905559990123';
const A = '905321000071';
const B = '905321000072';

async function messageOf(s: TestServer, instance: string, id: string): Promise<any> {
  await s.hatline.services.messages.settled(instance);
  return ((await s.json('GET', `/api/instance/${instance}/messages?limit=50`)).body.items as any[]).find((m) => m.id === id);
}

/** The message_ack events of a message recorded since `after`: their statuses, and the events. */
async function acksOf(s: TestServer, instance: string, id: string, after: number) {
  const events = (await s.hatline.services.events.read(ADMIN, after, 500, instance)).filter((e) => e.event === 'message_ack' && (e.data as any).id === id);
  return { statuses: events.map((e) => (e.data as any).status as string), events };
}

t('wwebjs: a send whose message WhatsApp Web answers with ack 0 is stored pending, moves to sent on the server ack 1, and fails when that ack does not come in time', async () => {
  let clock = Date.now();
  const fakes = fakeClientFactory();
  const s = await testServer({
    now: () => clock,
    env: { SERVER_ACK_TIMEOUT_MS: '30000' },
    wwebjs: (ctx) => createWwebjsEngine(ctx, { chromiumPath: null, clientFactory: fakes.factory }),
  });
  await s.json('POST', '/api/instance', { id: 'w', engine: 'wwebjs' });
  await s.json('POST', '/api/instance/w/connect');
  await eventually('a QR code', async () => (await s.json('GET', '/api/instance/w/qr')).body.qrCode);
  fakes.current().scan('905550001111', 'Fake Phone');
  await eventually('open', async () => (await s.json('GET', '/api/instance/w/status')).body.accountStatus.status === 'open');
  const after = await s.hatline.services.events.newest();

  fakes.current().holdServerAcks = true;
  const res = await s.json('POST', '/api/instance/w/messages/chat', { to: TO, body: 'a clock in the chat' });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(Object.keys(res.body).sort(), ['id', 'sent'], "the seed's answer");
  const id = res.body.id as string;
  assert.is(fakes.current().sent.at(-1)!.message.ack, 0, 'WhatsApp Web answered with ack 0');
  assert.is((await messageOf(s, 'w', id)).status, 'pending');
  assert.equal((await acksOf(s, 'w', id, after)).statuses, [], 'no sent event before the server has it');

  fakes.current().releaseServerAcks();
  await eventually('sent', async () => (await messageOf(s, 'w', id)).status === 'sent');
  assert.equal((await acksOf(s, 'w', id, after)).statuses, ['sent']);

  // Not held: the fake's server confirms at once, and the send moves to sent the same way.
  const next = await s.json('POST', '/api/instance/w/messages/chat', { to: TO, body: 'straight through' });
  await eventually('sent', async () => (await messageOf(s, 'w', next.body.id)).status === 'sent');
  assert.equal((await acksOf(s, 'w', next.body.id, after)).statuses, ['sent']);

  // Held past the bound: failed, with its event; the server's ack coming later moves it on.
  fakes.current().holdServerAcks = true;
  const late = (await s.json('POST', '/api/instance/w/messages/chat', { to: TO, body: 'late' })).body.id as string;
  clock += 45_000; // the fake stamps messages by the real clock, which runs on meanwhile
  await s.hatline.ackSweeper.sweep();
  const failed = await messageOf(s, 'w', late);
  assert.is(failed.status, 'failed');
  assert.is(failed.error, "WhatsApp's server did not confirm the message within 30 s; it may not have been delivered");
  assert.is((await messageOf(s, 'w', next.body.id)).status, 'sent', 'the confirmed send is left alone');
  fakes.current().releaseServerAcks();
  await eventually('sent after all', async () => (await messageOf(s, 'w', late)).status === 'sent');
  assert.is((await messageOf(s, 'w', late)).error, undefined);
  assert.equal((await acksOf(s, 'w', late, after)).statuses, ['failed', 'sent']);
});

t('with the server acks held (sandbox), a send answers as the seed says, stays pending, reaches nobody, and waitFor=server says it did not get there', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  const after = await s.hatline.services.events.newest();
  assert.is((await s.json('POST', '/api/sandbox/a/server-acks', { hold: true })).status, 200);

  const res = await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'held at the clock' });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(Object.keys(res.body).sort(), ['id', 'sent'], "the seed's answer: the send was handed to WhatsApp");
  assert.is((await messageOf(s, 'a', res.body.id)).status, 'pending');

  const waited = await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'waiting for the server', waitFor: 'server', waitTimeout: 1 });
  assert.is(waited.status, 200, JSON.stringify(waited.body));
  assert.equal({ ...waited.body, id: 'x' }, { sent: true, id: 'x', status: 'pending', reached: false });

  await new Promise((r) => setTimeout(r, 300)); // the sandbox delivers within 100 ms when not held
  assert.equal((await acksOf(s, 'a', res.body.id, after)).statuses, [], 'no sent event');
  const atB = (await s.json('GET', '/api/instance/b/messages?limit=10')).body.items as any[];
  assert.not.ok(atB.some((m) => m.body === 'held at the clock'), 'the recipient has nothing');

  // The control is checked like any input, and exists for connected sandbox instances only.
  assert.is((await s.json('POST', '/api/sandbox/a/server-acks', {})).status, 400);
  assert.is((await s.json('POST', '/api/sandbox/nope/server-acks', { hold: true })).status, 404);
});

t('a send the server does not confirm within SERVER_ACK_TIMEOUT_MS ends failed with the reason and its event; a confirmed one never does; the server ack arriving later moves it on', async () => {
  let clock = Date.now();
  const receiver = await webhookReceiver();
  const s = await testServer({ now: () => clock, env: { SERVER_ACK_TIMEOUT_MS: '1000' } });
  try {
    await linkedSandbox(s, 'a', A);
    await linkedSandbox(s, 'b', B);
    assert.is((await s.json('POST', '/api/instance/a/settings', { webhookUrl: receiver.url, webhookEnabled: true })).status, 200);
    const after = await s.hatline.services.events.newest();

    const confirmed = (await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'straight through' })).body.id as string;
    await eventually('delivered', async () => (await messageOf(s, 'a', confirmed)).status === 'delivered');
    await s.json('POST', '/api/sandbox/a/server-acks', { hold: true });
    const held = (await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'never confirmed in time' })).body.id as string;
    // A message that failed for another reason: WhatsApp refused it. It stays failed whatever comes later.
    const refused = (await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'refused' })).body.id as string;
    await s.json('POST', '/api/sandbox/a/ack', { msgId: refused, status: 'failed', error: 'WhatsApp refused it' });

    // Within the bound nothing fails.
    clock += 500;
    await s.hatline.ackSweeper.sweep();
    assert.is((await messageOf(s, 'a', held)).status, 'pending');

    clock += 1500;
    await s.hatline.ackSweeper.sweep();
    const failed = await messageOf(s, 'a', held);
    assert.is(failed.status, 'failed');
    assert.is(failed.error, "WhatsApp's server did not confirm the message within 1 s; it may not have been delivered");
    assert.is((await messageOf(s, 'a', confirmed)).status, 'delivered', 'a confirmed send is left alone');
    const hook = await eventually('the failed webhook', () =>
      receiver.accepted.find((r) => r.json.event === 'message_ack' && r.json.data.id === held && r.json.data.status === 'failed'),
    );
    assert.equal(hook.json.data, { id: held, chatId: `${B}@s.whatsapp.net`, status: 'failed', fromMe: true, error: failed.error });
    assert.equal((await acksOf(s, 'a', confirmed, after)).statuses, ['sent', 'delivered'], 'no failed event for the confirmed send');
    const stats = (await s.json('GET', '/api/instance/a/messages/statistics')).body;
    assert.is(stats.failed, 2);

    // The server had it after all: released, it gets its server ack, then its delivery receipt.
    assert.is((await s.json('POST', '/api/sandbox/a/server-acks', { hold: false })).status, 200);
    await eventually('delivered after all', async () => (await messageOf(s, 'a', held)).status === 'delivered');
    const revived = await messageOf(s, 'a', held);
    assert.is(revived.error, undefined, 'the error is gone');
    assert.equal((await acksOf(s, 'a', held, after)).statuses, ['failed', 'sent', 'delivered']);
    await eventually('the sent and delivered webhooks', () =>
      receiver.accepted.filter((r) => r.json.event === 'message_ack' && r.json.data.id === held).map((r) => r.json.data.status).join() === 'failed,sent,delivered',
    );
    const atB = (await s.json('GET', '/api/instance/b/messages?limit=10')).body.items as any[];
    assert.ok(atB.some((m) => m.body === 'never confirmed in time'), 'the recipient got it once released');

    // Failed for another reason: final, whatever the server says later.
    await eventually('the refused one released too', async () => ((await s.json('GET', '/api/instance/b/messages?limit=10')).body.items as any[]).some((m) => m.body === 'refused'));
    await s.hatline.services.messages.settled('a'); // its receipts, reported with the delivery
    const stillRefused = await messageOf(s, 'a', refused);
    assert.is(stillRefused.status, 'failed');
    assert.is(stillRefused.error, 'WhatsApp refused it');
    assert.equal((await acksOf(s, 'a', refused, after)).statuses, ['failed']);
  } finally {
    await s.close();
    await receiver.close();
  }
});

t('the bound counts from the last reconnect: a drop does not fail the sends waiting through it', async () => {
  let clock = Date.now();
  const s = await testServer({ now: () => clock, env: { SERVER_ACK_TIMEOUT_MS: '1000' } });
  await linkedSandbox(s, 'a', A);
  await s.json('POST', '/api/sandbox/a/server-acks', { hold: true });
  const held = (await s.json('POST', '/api/instance/a/messages/chat', { to: TO, body: 'through a drop' })).body.id as string;
  clock += 600;
  assert.is((await s.json('POST', '/api/sandbox/a/drop')).status, 200);
  await eventually('back open', async () => (await s.json('GET', '/api/instance/a/status')).body.accountStatus.status === 'open', 10_000);
  clock += 800; // 1.4 s after the send, 0.8 s after the reconnect
  await s.hatline.ackSweeper.sweep();
  assert.is((await messageOf(s, 'a', held)).status, 'pending', 'the reconnect started the wait again');
  clock += 400;
  // The server's own timer sweeps (every quarter of the bound here).
  await eventually('failed by the timer', async () => (await messageOf(s, 'a', held)).status === 'failed');
});

t('a restart fails only the sends it cut off before WhatsApp named them; those waiting for the server ack get the bound again from the reconnect', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-server-ack-'));
  try {
    let clock = Date.now();
    const first = await testServer({ dir, onDisk: true, now: () => clock, env: { SERVER_ACK_TIMEOUT_MS: '1000' } });
    await linkedSandbox(first, 'a', A);
    await first.json('POST', '/api/sandbox/a/server-acks', { hold: true });
    const waiting = (await first.json('POST', '/api/instance/a/messages/chat', { to: TO, body: 'waiting for the server' })).body.id as string;
    // A send the stop cut off before WhatsApp answered: still under its temporary id.
    const row = { instance_id: 'a', chat_id: `${TO}@s.whatsapp.net`, from_jid: `${A}@s.whatsapp.net`, to_jid: `${TO}@s.whatsapp.net`, from_me: 1, type: 'chat', caption: null, media_file: null, media_mimetype: null, media_filename: null, media_size: null, extra: null, status: 'pending' as const, error: null, sender_name: null, native_key: null };
    await first.hatline.database.db.insertInto('messages').values({ ...row, id: 'HLCUTOFF', body: 'cut off', timestamp: Math.floor(clock / 1000) }).execute();
    await first.close();

    clock += 5000; // the server was down longer than the bound
    const second = await testServer({ dir, onDisk: true, now: () => clock, env: { SERVER_ACK_TIMEOUT_MS: '1000' } });
    await eventually('open again', async () => (await second.json('GET', '/api/instance/a/status')).body.accountStatus.status === 'open');
    assert.match((await messageOf(second, 'a', 'HLCUTOFF')).error, /server stopped before WhatsApp confirmed/);
    await second.hatline.ackSweeper.sweep();
    assert.is((await messageOf(second, 'a', waiting)).status, 'pending', 'not failed at once by the restart');
    clock += 1500;
    await second.hatline.ackSweeper.sweep();
    const failed = await messageOf(second, 'a', waiting);
    assert.is(failed.status, 'failed');
    assert.match(failed.error, /did not confirm the message within 1 s/);
    await second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

t('SERVER_ACK_TIMEOUT_MS is checked at start: 0 turns the bound off, below a second is refused', async () => {
  const { loadConfig } = await import('../src/config.js');
  assert.is(loadConfig({ HOST: '127.0.0.1' }).serverAckTimeoutMs, 60_000);
  assert.is(loadConfig({ HOST: '127.0.0.1', SERVER_ACK_TIMEOUT_MS: '0' }).serverAckTimeoutMs, 0);
  assert.throws(() => loadConfig({ HOST: '127.0.0.1', SERVER_ACK_TIMEOUT_MS: '500' }), /SERVER_ACK_TIMEOUT_MS/);
});

t.run();
