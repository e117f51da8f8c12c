import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createKey } from './support/access.js';
import { closesServers, eventually, linkedSandbox, testServer } from './support/app.js';
import { delivered, deliveredAll, linkedWithHook } from './support/caps.js';
import { track } from './support/cleanup.js';
import { failure, gowa } from './support/gowa-client.js';
import { webhookReceiver } from './support/webhook-receiver.js';

// GoWA's POST /call/reject (seed 002's neighbour) between two linked sandbox instances: B's phone
// calls A, A's GoWA client learns of it from the call.offer webhook and declines it.

const A = '905321000121';
const B = '905321000122';
const JID_B = `${B}@s.whatsapp.net`;

/** Whether the call still rings on A: the caller can hang up only a ringing call (sandbox control). */
async function hangUp(s: Awaited<ReturnType<typeof testServer>>, callId: string): Promise<number> {
  return (await s.json('POST', '/api/sandbox/a/call/end', { callId })).status;
}

const t = suite('GoWA dialect: /call');
closesServers(t);

t('call_id and caller_jid from the call.offer webhook decline the call: it stops ringing, and a second reject is NOT_FOUND', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A, 'Ayşe');
  await linkedSandbox(s, 'b', B, 'Burak');
  const hook = await webhookReceiver();
  track(() => hook.close());
  const g = gowa(s, undefined, 'a');
  assert.is((await g('PATCH', '/devices/a/webhook', { webhook_url: hook.url, webhook_events: 'call.offer' })).status, 200);

  // A call nobody declines rings until the caller hangs up (so hanging up tells whether it rings).
  const first = (await s.json('POST', '/api/sandbox/a/call', { from: B })).body.id as string;
  assert.is(await hangUp(s, first), 200);

  const ringing = (await s.json('POST', '/api/sandbox/a/call', { from: B })).body.id as string;
  const offer = await eventually('the call.offer webhook', () => hook.accepted.find((r) => r.json?.event === 'call.offer' && r.json.payload.call_id === ringing)?.json.payload);
  assert.equal([offer.from, offer.auto_rejected], [JID_B, false]);

  const rejected = await g('POST', '/call/reject', { caller_jid: offer.from, call_id: offer.call_id });
  assert.equal([rejected.status, rejected.body], [200, { code: 'SUCCESS', message: 'Call rejected successfully' }]);
  assert.is(await hangUp(s, ringing), 404, 'declined: it no longer rings');
  failure(await g('POST', '/call/reject', { caller_jid: offer.from, call_id: offer.call_id }), 404, 'NOT_FOUND', /no call .* is ringing/);
});

t('a declined call is the native call event with status rejected, as rejectCalls declines it', async () => {
  const s = await testServer();
  const a = await linkedWithHook(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  const id = (await s.json('POST', '/api/sandbox/a/call', { from: B, video: true })).body.id as string;
  await delivered(a.receiver, 'call', (d) => d.id === id && d.status === 'offer');
  assert.is((await gowa(s, undefined, 'a')('POST', '/call/reject', { caller_jid: B, call_id: id })).status, 200);
  const declined = await delivered(a.receiver, 'call', (d) => d.id === id && d.status === 'rejected');
  assert.equal([declined.from, declined.isVideo, declined.isGroup], [JID_B, true, false]);
  assert.is(deliveredAll(a.receiver, 'call').filter((d) => d.id === id).length, 2, 'the offer, then the decline');
});

t('errors: missing fields are VALIDATION_ERROR, a call from someone else or unknown NOT_FOUND, a read-only key FORBIDDEN; the ringing call survives them all', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  const g = gowa(s, undefined, 'a');
  const id = (await s.json('POST', '/api/sandbox/a/call', { from: B })).body.id as string;
  failure(await g('POST', '/call/reject', { caller_jid: B }, { unchecked: true }), 400, 'VALIDATION_ERROR', /call_id: cannot be blank/);
  failure(await g('POST', '/call/reject', { caller_jid: '', call_id: id }), 400, 'VALIDATION_ERROR', /^caller_jid: cannot be blank/);
  failure(await g('POST', '/call/reject', { caller_jid: 'nobody', call_id: id }), 400, 'VALIDATION_ERROR', /^caller_jid/);
  failure(await g('POST', '/call/reject', { caller_jid: '905321000999', call_id: id }), 404, 'NOT_FOUND', /no call/);
  failure(await g('POST', '/call/reject', { caller_jid: B, call_id: 'NOPE' }), 404, 'NOT_FOUND', /no call NOPE/);
  const reader = await createKey(s, { name: 'r', scope: 'global', permissions: ['read'] });
  failure(await gowa(s, reader.plain, 'a')('POST', '/call/reject', { caller_jid: B, call_id: id }), 403, 'FORBIDDEN');
  assert.is((await g('POST', '/call/reject', { caller_jid: `${B}@s.whatsapp.net`, call_id: id })).status, 200, 'the call still rang, and is declined now');
});

t('a device that is not logged in answers 409 AUTHENTICATION_ERROR', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'a', engine: 'sandbox' });
  failure(await gowa(s, undefined, 'a')('POST', '/call/reject', { caller_jid: B, call_id: 'ABC123DEF456' }), 409, 'AUTHENTICATION_ERROR');
});

t.run();
