import { createHmac } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closesServers, eventually, linkedSandbox, testServer, TOKEN } from './support/app.js';
import { sendAndDeliver } from './support/caps.js';
import { track } from './support/cleanup.js';
import { failure, gowa, success } from './support/gowa-client.js';
import { webhookReceiver, type Received } from './support/webhook-receiver.js';

// GoWA's webhook format, chosen per instance through GoWA's /devices/{id}/webhook or the native
// settings: `{ event, device_id, payload }`, GoWA's event names, X-Hub-Signature-256 with the
// instance's secret; delivered by the same durable, ordered outbox as the native format.

const A = '905321000111';
const B = '905321000112';
const C = '905321000113';
const CEM = '905559990111';
const jid = (phone: string) => `${phone}@s.whatsapp.net`;
const SECRET = 'benim-gizli-anahtarim-2026';
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/** What a GoWA receiver checks: the hex HMAC-SHA256 of the raw body with the secret it was given. */
function signedBy(secret: string, r: Received): boolean {
  return r.headers['x-hub-signature-256'] === `sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`;
}

async function receiver(answer?: Parameters<typeof webhookReceiver>[0]) {
  const r = await webhookReceiver(answer);
  track(() => r.close());
  return r;
}

/** The first accepted GoWA event `event` whose payload matches. */
const event = (r: Awaited<ReturnType<typeof receiver>>, name: string, match: (p: any) => boolean = () => true) =>
  eventually(`a ${name} event`, () => r.accepted.find((x) => x.json?.event === name && match(x.json.payload)));

const t = suite('GoWA dialect: the GoWA webhook format');
closesServers(t);

t('PATCH /devices/{id}/webhook sets it GoWA\'s way; GET answers it; the native settings show webhookFormat gowa', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  const hook = await receiver();
  const g = gowa(s);
  const set = success(await g('PATCH', '/devices/a/webhook', { webhook_url: hook.url, webhook_secret: SECRET, webhook_events: 'message,message.ack' }), 'Device webhook updated');
  assert.equal(set, { device_id: 'a', webhook_url: hook.url, webhook_secret: SECRET, webhook_events: 'message,message.ack', webhook_insecure_skip_verify: false });
  assert.equal(success(await g('GET', '/devices/a/webhook'), 'Device webhook retrieved'), set);
  const native = (await s.json('GET', '/api/instance/a/settings')).body;
  assert.equal([native.webhookFormat, native.webhookEnabled, native.webhookEvents, native.webhookSecret], ['gowa', 'true', ['message_received', 'message_ack'], SECRET]);

  const all = success(await g('PATCH', '/devices/a/webhook', { webhook_url: hook.url, webhook_events: '' }));
  assert.is(all.webhook_events, 'message,message.ack,message.edited,message.revoked,message.reaction,group.participants,chat_presence,call.offer', 'empty: every event GoWA has');
  assert.is(all.webhook_secret, SECRET, 'the secret stays when none is given');

  // GoWA's default secret is refused, and a refused request changes nothing.
  failure(await g('PATCH', '/devices/a/webhook', { webhook_url: 'https://elsewhere.example.com/hook', webhook_secret: 'secret' }), 400, 'VALIDATION_ERROR', /^webhook_secret: "secret" is a default secret/);
  failure(await g('PATCH', '/devices/a/webhook', { webhook_url: 'https://elsewhere.example.com/hook', webhook_events: 'message,typing' }), 400, 'VALIDATION_ERROR', /^webhook_events: unknown event typing/);
  failure(await g('PATCH', '/devices/a/webhook', { webhook_url: 'ftp://x' }), 400, 'VALIDATION_ERROR', /^webhook_url/);
  assert.is(success(await g('GET', '/devices/a/webhook')).webhook_url, hook.url);
  failure(await g('GET', '/devices/nope/webhook'), 404, 'DEVICE_NOT_FOUND');

  // Empty URL: off.
  assert.is(success(await g('PATCH', '/devices/a/webhook', { webhook_url: '' })).webhook_url, '');
  assert.is((await s.json('GET', '/api/instance/a/settings')).body.webhookEnabled, 'false');
});

t('events arrive in GoWA\'s shape and names, signed with X-Hub-Signature-256: message, receipts, reaction, edit, revoke, group, presence, call', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A, 'Ayşe');
  await linkedSandbox(s, 'b', B, 'Burak');
  await linkedSandbox(s, 'c', C, 'Cem');
  const hook = await receiver();
  success(await gowa(s)('PATCH', '/devices/a/webhook', { webhook_url: hook.url, webhook_secret: SECRET }));

  const incoming = await sendAndDeliver(s, 'b', 'a', A, 'Merhaba');
  const message = await event(hook, 'message', (p) => p.id === incoming);
  assert.equal(Object.keys(message.json).sort(), ['device_id', 'event', 'payload']);
  assert.is(message.json.device_id, jid(A));
  assert.equal({ ...message.json.payload, timestamp: 't' }, { id: incoming, chat_id: jid(B), from: jid(B), from_name: 'Burak', timestamp: 't', is_from_me: false, body: 'Merhaba' });
  assert.match(message.json.payload.timestamp, RFC3339);

  const sent = await sendAndDeliver(s, 'a', 'b', B, 'Nasılsın?');
  await s.json('POST', '/api/instance/b/chats/read', { chatId: A });
  const read = await event(hook, 'message.ack', (p) => p.ids[0] === sent && p.receipt_type === 'read');
  assert.equal(read.json.payload, { ids: [sent], chat_id: jid(B), from: jid(B), receipt_type: 'read', receipt_type_description: 'the user opened the chat and saw the message.' });
  assert.match(read.json.timestamp, RFC3339);
  const acks = hook.accepted.filter((x) => x.json.event === 'message.ack' && x.json.payload.ids[0] === sent).map((x) => x.json.payload.receipt_type);
  assert.equal(acks, ['delivered', 'read'], "the server's 'sent' ack is no receipt in GoWA");

  // B acts through its own GoWA API; A's webhook tells.
  const gb = gowa(s, TOKEN, 'b');
  success(await gb('POST', `/message/${sent}/reaction`, { phone: A, emoji: '❤️' }));
  const reaction = (await event(hook, 'message.reaction')).json.payload;
  assert.equal([reaction.reaction, reaction.reacted_message_id, reaction.from, reaction.is_from_me], ['❤️', sent, jid(B), false]);
  success(await gb('POST', `/message/${incoming}/update`, { phone: A, message: 'Merhaba!' }));
  const edited = (await event(hook, 'message.edited')).json.payload;
  assert.equal([edited.original_message_id, edited.body, edited.chat_id], [incoming, 'Merhaba!', jid(B)]);
  success(await gb('POST', `/message/${incoming}/revoke`, { phone: A }));
  const revoked = (await event(hook, 'message.revoked')).json.payload;
  assert.equal([revoked.revoked_message_id, revoked.revoked_chat, revoked.from], [incoming, jid(B), jid(B)]);

  const group = success(await gowa(s, TOKEN, 'a')('POST', '/group', { title: 'Ekip', participants: [B] })).group_id;
  success(await gowa(s, TOKEN, 'a')('POST', '/group/participants', { group_id: group, participants: [C] }));
  const joined = await event(hook, 'group.participants', (p) => p.jids.includes(jid(C)));
  assert.equal(joined.json.payload, { chat_id: group, type: 'join', jids: [jid(C)] });

  // A simulated contact records a voice note and calls.
  await s.json('POST', '/api/sandbox/a/presence', { from: CEM, state: 'recording' });
  const presence = (await event(hook, 'chat_presence')).json.payload;
  assert.equal(presence, { from: jid(CEM), chat_id: jid(CEM), state: 'composing', media: 'audio', is_group: false });

  const call = await s.json('POST', '/api/sandbox/a/call', { from: CEM });
  const offer = (await event(hook, 'call.offer')).json.payload;
  assert.equal(offer, { call_id: call.body.id, from: jid(CEM), auto_rejected: false });

  for (const r of hook.accepted) {
    assert.ok(signedBy(SECRET, r), `${r.json.event} is signed with the instance's secret`);
    assert.is(r.headers['webhook-signature'], undefined, 'not the Standard Webhooks signature');
    assert.not.ok(signedBy('secret', r), "never GoWA's default secret");
    assert.not.ok((JSON.stringify(r.headers) + r.body).includes(TOKEN), 'no API token is sent');
  }
  assert.not.ok(hook.accepted.some((r) => r.json.event === 'connection_status' || r.json.event === 'message_received'), 'no native event names');
});

t('durable and ordered: a receiver that fails gets the same signed bodies again, in order; the format can be switched back', async () => {
  const s = await testServer({ webhookTimings: { backoffBaseMs: 20, backoffCapMs: 50 } });
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  const hook = await receiver((_r, n) => (n < 2 ? 500 : 200));
  const g = gowa(s);
  const set = success(await g('PATCH', '/devices/a/webhook', { webhook_url: hook.url, webhook_events: 'message' }));
  assert.match(set.webhook_secret, /^whsec_/, "the device's own secret when none is chosen");
  const first = await sendAndDeliver(s, 'b', 'a', A, 'bir');
  const second = await sendAndDeliver(s, 'b', 'a', A, 'iki');
  await eventually('both delivered', () => hook.accepted.length === 2);
  assert.equal(hook.accepted.map((r) => r.json.payload.id), [first, second], 'in order');
  assert.equal(hook.received[0]!.body, hook.received[1]!.body, 'a retry sends the same bytes');
  assert.equal(hook.received[0]!.body, hook.accepted[0]!.body);
  for (const r of hook.received) assert.ok(signedBy(set.webhook_secret, r), 'signed with the secret as shown, its characters as the key');

  // Back to the native format: the seed's envelope and Standard Webhooks signatures.
  await s.json('PATCH', '/api/instance/a/settings', { webhookFormat: 'native' });
  const third = await sendAndDeliver(s, 'b', 'a', A, 'üç');
  const native = await eventually('a native event', () => hook.accepted.find((r) => r.json.event === 'message_received'));
  assert.equal([native.json.data.id, native.json.instance_id], [third, 'a']);
  assert.ok(native.headers['webhook-signature']);
  assert.is(native.headers['x-hub-signature-256'], undefined);
  const bad = await s.json('PATCH', '/api/instance/a/settings', { webhookFormat: 'wppconnect' });
  assert.is(bad.status, 400);
});

t('POST /devices with webhook fields sets the new device\'s webhook in GoWA\'s format; a bad secret leaves no device', async () => {
  const s = await testServer();
  const hook = await receiver();
  const g = gowa(s);
  success(await g('POST', '/devices', { device_id: 'shop', webhook_url: hook.url, webhook_secret: SECRET, webhook_events: 'message' }), 'Device added');
  assert.equal(success(await g('GET', '/devices/shop/webhook')), { device_id: 'shop', webhook_url: hook.url, webhook_secret: SECRET, webhook_events: 'message', webhook_insecure_skip_verify: false });
  failure(await g('POST', '/devices', { device_id: 'half', webhook_url: hook.url, webhook_secret: 'short' }), 400, 'VALIDATION_ERROR', /^webhook_secret: must be 16 to 256/);
  assert.is((await s.json('GET', '/api/instance/half/status')).status, 404);
});

t.run();
