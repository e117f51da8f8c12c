import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createWwebjsEngine } from '../src/engines/wwebjs/index.js';
import { ADMIN } from '../src/services/access/principal.js';
import { closesServers, eventually, testServer, type TestServer } from './support/app.js';
import { fakeClientFactory } from './support/fake-wwebjs-client.js';

// Sends that do not lie (issue 19, item 4): a send WhatsApp's server has not confirmed is
// `pending`, not `sent`, and one it never confirms ends `failed` within a bound.

const t = suite('the server ack of a send');
closesServers(t);

const TO = '905559990123';

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
  clock += 31_000;
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

t('SERVER_ACK_TIMEOUT_MS is checked at start: 0 turns the bound off, below a second is refused', async () => {
  const { loadConfig } = await import('../src/config.js');
  assert.is(loadConfig({ HOST: '127.0.0.1' }).serverAckTimeoutMs, 60_000);
  assert.is(loadConfig({ HOST: '127.0.0.1', SERVER_ACK_TIMEOUT_MS: '0' }).serverAckTimeoutMs, 0);
  assert.throws(() => loadConfig({ HOST: '127.0.0.1', SERVER_ACK_TIMEOUT_MS: '500' }), /SERVER_ACK_TIMEOUT_MS/);
});

t.run();
