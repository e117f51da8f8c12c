/**
 * What happens only after hours or days, on an injected clock: webhook pruning, the 24 h give-up
 * of webhook events and of scheduled messages, and the 24 h life of an Idempotency-Key.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closesServers, eventually, linkedSandbox, testServer } from './support/app.js';
import { webhookReceiver } from './support/webhook-receiver.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const A = '905321000091';
const CEM = '905551112291';

/** A clock the test moves. */
function clock() {
  let t = Date.now();
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const webhooks = suite('webhook events over days');
closesServers(webhooks);

webhooks('delivered events are pruned after 7 days and failed ones after 30, the young ones are kept', async () => {
  const c = clock();
  const receiver = await webhookReceiver((_r, n) => (n < 2 ? 200 : 500));
  try {
    const s = await testServer({ now: c.now, webhookTimings: { backoffBaseMs: 10, backoffCapMs: 20 } });
    await linkedSandbox(s, 'a', A);
    await s.json('POST', '/api/instance/a/settings', { webhookUrl: receiver.url, webhookEnabled: true, webhookEvents: ['message_received'] });
    await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, body: 'one' });
    await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, body: 'two' });
    const deliveries = async (status: string) => (await s.json('GET', `/api/instance/a/webhooks/deliveries?status=${status}`)).body.total as number;
    await eventually('two delivered', async () => (await deliveries('delivered')) === 2);
    // The third event meets a receiver that fails, until the 24 hours of retries are over.
    await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, body: 'three' });
    await eventually('an attempt failed', () => receiver.received.length >= 3);
    c.advance(25 * HOUR);
    s.hatline.dispatcher.wake('a');
    await eventually('given up', async () => (await deliveries('failed')) === 1);
    const failed = (await s.json('GET', '/api/instance/a/webhooks/deliveries?status=failed')).body.items[0];
    assert.match(failed.lastError, /^given up after 24 hours; last error: HTTP 500/);

    assert.is(await s.hatline.dispatcher.prune(c.now() + 5 * DAY), 0, 'nothing is pruned while young');
    assert.is(await deliveries('delivered'), 2);
    assert.is(await s.hatline.dispatcher.prune(c.now() + 8 * DAY), 2, 'delivered events go after 7 days');
    assert.is(await deliveries('delivered'), 0);
    assert.is(await deliveries('failed'), 1, 'a failed event is kept longer');
    assert.is(await s.hatline.dispatcher.prune(c.now() + 31 * DAY), 1, 'failed events go after 30 days');
    assert.is(await deliveries('failed'), 0);
  } finally {
    await receiver.close();
  }
});

webhooks.run();

const scheduled = suite('scheduled messages over a day');
closesServers(scheduled);

scheduled('a message of an instance that stays disconnected is given up 24 hours after its time; an open instance\'s goes out', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'open', A);
  await s.json('POST', '/api/instance', { id: 'idle', engine: 'sandbox' });
  const at = Date.now() + 60_000;
  const iso = new Date(at).toISOString();
  const waiting = await s.json('POST', '/api/instance/idle/scheduled', { recipient: CEM, body: 'for later', scheduledAt: iso });
  const going = await s.json('POST', '/api/instance/open/scheduled', { recipient: CEM, body: 'now', scheduledAt: iso });
  assert.equal([waiting.status, going.status], [200, 200]);

  const first = await s.hatline.scheduler.tick(at + HOUR);
  assert.equal([first.handedOn, first.givenUp], [1, 0], 'the open instance\'s message goes; the other waits');
  await s.hatline.scheduler.settled();
  assert.is((await s.json('GET', '/api/instance/open/scheduled?status=sent')).body.total, 1);
  assert.is((await s.json('GET', '/api/instance/idle/scheduled?status=pending')).body.total, 1, 'still pending an hour late');

  const later = await s.hatline.scheduler.tick(at + 25 * HOUR);
  assert.is(later.givenUp, 1);
  const given = (await s.json('GET', '/api/instance/idle/scheduled?status=failed')).body.items[0];
  assert.is(given.id, waiting.body.id);
  assert.match(given.error, /not connected for 24 hours/);
  assert.is((await s.json('GET', '/api/instance/idle/messages')).body.total, 0, 'never sent');
});

scheduled.run();

const idempotency = suite('Idempotency-Key over a day');
closesServers(idempotency);

idempotency('a key answers the first answer for 24 hours, then it is forgotten and the same key sends again', async () => {
  const c = clock();
  const s = await testServer({ now: c.now });
  await linkedSandbox(s, 'a', A);
  const send = () => s.json('POST', '/api/instance/a/messages/chat', { to: CEM, body: 'once a day' }, { 'Idempotency-Key': 'daily-1' });
  const first = await send();
  assert.is(first.status, 200);
  c.advance(23 * HOUR);
  const replay = await send();
  assert.equal([replay.body.id, replay.res.headers.get('idempotent-replayed')], [first.body.id, 'true'], 'within 24 h: the same answer');
  c.advance(2 * HOUR);
  const again = await send();
  assert.is(again.status, 200);
  assert.is.not(again.body.id, first.body.id, 'after 24 h: a new send');
  assert.is(again.res.headers.get('idempotent-replayed'), null);
  const kept = await s.hatline.database.db.selectFrom('idempotency_keys').select('created_at').execute();
  assert.equal(kept.map((k) => k.created_at), [c.now()], 'the expired answer was deleted when the new one was kept');
  assert.is((await s.json('GET', '/api/instance/a/messages')).body.total, 2);
});

idempotency.run();
