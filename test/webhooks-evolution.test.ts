import { Webhook } from 'standardwebhooks';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closesServers, eventually, linkedSandbox, testServer, type TestServer } from './support/app.js';
import { evo } from './support/evolution.js';
import { webhookReceiver, type Received } from './support/webhook-receiver.js';

// Evolution API's webhook format (issue 17): its events and envelope, delivered by Hatline's
// durable, ordered, signed outbox.

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const A = '905551110001';
const B = '905551110002';
const CEM = '905551110003';
const jid = (phone: string) => `${phone}@s.whatsapp.net`;
const ENVELOPE = ['apikey', 'data', 'date_time', 'destination', 'event', 'instance', 'sender', 'server_url'];

const secretOf = async (s: TestServer, id: string) => (await s.json('GET', `/api/instance/${id}/settings`)).body.webhookSecret as string;

function verify(secret: string, r: Received) {
  return new Webhook(secret).verify(r.body, {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  });
}

const of = (receiver: { accepted: Received[] }, event: string) => receiver.accepted.filter((r) => r.json?.event === event);

const t = suite('webhooks in Evolution API format');
closesServers(t);

t('a receiver set with webhook/set gets messages.upsert with instance, sender, server_url and the message object, signed', async () => {
  const receiver = await webhookReceiver();
  const s = await testServer();
  try {
    await linkedSandbox(s, 'a', A, 'Ayşe');
    const set = await evo(s)('POST', 'webhook/set/a', { webhook: { enabled: true, url: receiver.url, events: ['MESSAGES_UPSERT', 'SEND_MESSAGE', 'MESSAGES_UPDATE'] } });
    assert.is(set.status, 201);
    const incoming = await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, body: 'Merhaba', name: 'Cem' });
    const upsert = await eventually('messages.upsert', () => of(receiver, 'messages.upsert')[0]);
    const body = upsert.json;
    assert.equal(Object.keys(body).sort(), ENVELOPE);
    assert.equal(
      [body.event, body.instance, body.sender, body.server_url, body.destination, body.apikey],
      ['messages.upsert', 'a', jid(A), 'http://hatline.test', receiver.url, null],
    );
    assert.match(body.date_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(body.data.key, { remoteJid: jid(CEM), fromMe: false, id: incoming.body.id });
    assert.equal([body.data.pushName, body.data.message, body.data.messageType, body.data.status, body.data.instanceId], ['Cem', { conversation: 'Merhaba' }, 'conversation', 'DELIVERY_ACK', 'a']);
    assert.type(body.data.messageTimestamp, 'number');
    assert.ok(verify(await secretOf(s, 'a'), upsert!), 'signed with the Standard Webhooks headers');
    assert.ok(upsert.headers['webhook-id']);
  } finally {
    await receiver.close();
  }
});

t('a send through the API is send.message, then its receipts are messages.update, in order', async () => {
  const receiver = await webhookReceiver();
  const s = await testServer();
  try {
    await linkedSandbox(s, 'a', A, 'Ayşe');
    await linkedSandbox(s, 'b', B, 'Bora');
    await evo(s)('POST', 'webhook/set/a', { enabled: true, url: receiver.url, events: [] });
    const sent = await evo(s)('POST', 'message/sendText/a', { number: B, text: 'selam' });
    await eventually('b has it', async () => (await s.json('GET', '/api/instance/b/messages')).body.total === 1);
    await s.json('POST', '/api/instance/b/chats/read', { chatId: A });
    const updates = await eventually('delivered and read', () => {
      const list = of(receiver, 'messages.update').filter((r) => r.json.data.keyId === sent.body.key.id);
      return list.length >= 2 ? list : false;
    });
    const [send] = of(receiver, 'send.message');
    assert.equal(send!.json.data.key, { remoteJid: jid(B), fromMe: true, id: sent.body.key.id });
    assert.equal(send!.json.data.message, { conversation: 'selam' });
    assert.is(send!.json.data.status, 'SERVER_ACK');
    assert.equal(updates.map((r) => r.json.data.status), ['DELIVERY_ACK', 'READ']);
    assert.equal(Object.keys(updates[0]!.json.data).sort(), ['fromMe', 'instanceId', 'keyId', 'messageId', 'participant', 'remoteJid', 'status']);
    const order = receiver.accepted.map((r) => r.json.event).filter((e) => e === 'send.message' || e === 'messages.update');
    assert.equal(order.slice(0, 3), ['send.message', 'messages.update', 'messages.update'], 'in the order they happened');
  } finally {
    await receiver.close();
  }
});

t('webhookByEvents sends each event to <url>/<event-name> with the receiver\'s headers; only subscribed events go out', async () => {
  const receiver = await webhookReceiver();
  const s = await testServer();
  try {
    await linkedSandbox(s, 'a', A, 'Ayşe');
    await evo(s)('POST', 'webhook/set/a', { webhook: { enabled: true, url: receiver.url, byEvents: true, events: ['MESSAGES_UPSERT', 'CONNECTION_UPDATE'], headers: { 'x-n8n-auth': 'abc' } } });
    await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, body: 'bir' });
    await s.json('POST', '/api/sandbox/a/drop');
    await eventually('connection.update open again', () => of(receiver, 'connection.update').some((r) => r.json.data.state === 'open'), 8000);
    const upsert = of(receiver, 'messages.upsert')[0]!;
    assert.is(upsert.path, '/hook/messages-upsert');
    assert.is(upsert.json.destination, `${receiver.url}/messages-upsert`);
    assert.is(upsert.headers['x-n8n-auth'], 'abc');
    const states = of(receiver, 'connection.update').map((r) => r.json.data.state);
    assert.equal(states[0], 'close');
    assert.ok(states.includes('open'));
    assert.ok(of(receiver, 'connection.update').every((r) => r.path === '/hook/connection-update'));
    const open = of(receiver, 'connection.update').find((r) => r.json.data.state === 'open')!;
    assert.equal([open.json.data.instance, open.json.data.wuid, open.json.data.statusReason], ['a', jid(A), 200]);
    // The message a sends is a SEND_MESSAGE, which this webhook did not subscribe to.
    await evo(s)('POST', 'message/sendText/a', { number: CEM, text: 'iki' });
    await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, body: 'üç' });
    await eventually('the next upsert', () => of(receiver, 'messages.upsert').length === 2);
    assert.equal(of(receiver, 'send.message'), [], 'not subscribed: not sent');
    assert.equal([...new Set(receiver.accepted.map((r) => r.json.event))].sort(), ['connection.update', 'messages.upsert']);
  } finally {
    await receiver.close();
  }
});

t('apikey is null until the owner exposes a token; then webhooks carry it, and it fetches the media of the message (as n8n flows do)', async () => {
  const receiver = await webhookReceiver();
  const s = await testServer();
  try {
    await linkedSandbox(s, 'a', A, 'Ayşe');
    await evo(s)('POST', 'webhook/set/a', { webhook: { enabled: true, url: receiver.url, base64: true, events: ['MESSAGES_UPSERT'] } });
    await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, body: 'gizli' });
    await eventually('the first upsert', () => of(receiver, 'messages.upsert').length === 1);
    assert.is(of(receiver, 'messages.upsert')[0]!.json.apikey, null);

    await s.json('PATCH', '/api/instance/a/settings', { evolution: { exposeToken: true } });
    const image = await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, type: 'image', media: `data:image/png;base64,${PNG.toString('base64')}`, caption: 'foto' });
    const upsert = await eventually('the image', () => of(receiver, 'messages.upsert').find((r) => r.json.data.key.id === image.body.id));
    const body = upsert.json;
    assert.match(body.apikey, /^hl_live_/);
    assert.is(body.data.messageType, 'imageMessage');
    assert.equal(Buffer.from(body.data.message.base64, 'base64'), PNG, 'webhookBase64 puts the media inline');
    // The n8n flow: call back with the apikey of the envelope.
    const media = await evo(s, body.apikey, '/evolution')('POST', `chat/getBase64FromMediaMessage/${body.instance}`, { message: { key: body.data.key } });
    assert.is(media.status, 201);
    assert.equal(Buffer.from(media.body.base64, 'base64'), PNG);
    // Another instance is out of that token's reach.
    await linkedSandbox(s, 'b', B);
    assert.is((await evo(s, body.apikey)('GET', 'instance/connectionState/b')).status, 404);
  } finally {
    await receiver.close();
  }
});

t('instance/create with a webhook: qrcode.updated carries the QR code, and connection.update the linked account', async () => {
  const receiver = await webhookReceiver();
  const s = await testServer();
  try {
    const created = await evo(s)('POST', 'instance/create', {
      instanceName: 'evo1',
      qrcode: true,
      webhook: { url: receiver.url, byEvents: false, base64: false, events: ['QRCODE_UPDATED', 'CONNECTION_UPDATE'] },
    });
    assert.is(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.webhook, { webhookUrl: receiver.url, webhookHeaders: {}, webhookByEvents: false, webhookBase64: false });
    const qr = await eventually('qrcode.updated', () => of(receiver, 'qrcode.updated')[0]);
    assert.equal(Object.keys(qr.json).sort(), ENVELOPE);
    assert.is(qr.json.data.qrcode.instance, 'evo1');
    assert.is(qr.json.data.qrcode.code, created.body.qrcode.code);
    assert.match(qr.json.data.qrcode.base64, /^data:image\/png;base64,/);
    assert.is(qr.json.sender, null, 'no account yet');
    await s.json('POST', '/api/sandbox/evo1/scan', { phone: A, name: 'Ayşe' });
    const open = await eventually('open', () => of(receiver, 'connection.update').find((r) => r.json.data.state === 'open'));
    assert.equal([open.json.data.wuid, open.json.data.profileName, open.json.sender], [jid(A), 'Ayşe', jid(A)]);
  } finally {
    await receiver.close();
  }
});

t('a receiver that fails gets the same event again (same webhook-id), and nothing after it overtakes it', async () => {
  const receiver = await webhookReceiver((_r, n) => (n === 0 ? 500 : 200));
  const s = await testServer({ webhookTimings: { backoffBaseMs: 50, backoffCapMs: 100 } });
  try {
    await linkedSandbox(s, 'a', A);
    await evo(s)('POST', 'webhook/set/a', { webhook: { enabled: true, url: receiver.url, events: ['MESSAGES_UPSERT'] } });
    await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, body: 'bir' });
    await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, body: 'iki' });
    await eventually('both delivered', () => receiver.accepted.length === 2);
    assert.is(receiver.received[0]!.headers['webhook-id'], receiver.received[1]!.headers['webhook-id'], 'the retry is the same event');
    assert.equal(receiver.accepted.map((r) => r.json.data.message.conversation), ['bir', 'iki']);
  } finally {
    await receiver.close();
  }
});

t('an instance on the native format keeps the seed envelope; switching webhookFormat in the native settings changes the next payloads', async () => {
  const receiver = await webhookReceiver();
  const s = await testServer();
  try {
    await linkedSandbox(s, 'a', A);
    await s.json('POST', '/api/instance/a/settings', { webhookUrl: receiver.url, webhookEnabled: true });
    await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, body: 'yerli' });
    const native = await eventually('native', () => receiver.accepted[0]);
    assert.equal(Object.keys(native.json).sort(), ['data', 'event', 'instance_id', 'timestamp']);
    await s.json('PATCH', '/api/instance/a/settings', { webhookFormat: 'evolution' });
    await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, body: 'evolution' });
    const second = await eventually('evolution', () => receiver.accepted[1]);
    assert.is(second.json.event, 'messages.upsert');
    assert.equal(second.json.data.message, { conversation: 'evolution' });
  } finally {
    await receiver.close();
  }
});

t.run();
