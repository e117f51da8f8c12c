import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { as, asEmbed, createEmbedToken, createKey } from './support/access.js';
import { closesServers, eventually, linkedSandbox, testServer, type TestServer } from './support/app.js';
import { closedPort, fileServer } from './support/http-fixture.js';
import { testNames } from './support/names.js';
import { webhookReceiver } from './support/webhook-receiver.js';

const A = '905321000091';
const B = '905321000092';
const CEM = '905559990091';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const TIMINGS = { backoffBaseMs: 20, backoffCapMs: 40 };

const setHook = (call: TestServer['json'], url: string) => call('POST', '/api/instance/a/settings', { webhookUrl: url, webhookEnabled: true, webhookEvents: ['message_received'] });
const incoming = (s: TestServer, body: string) => s.json('POST', '/api/sandbox/a/incoming', { from: CEM, body });
const deliveries = async (s: TestServer) => (await s.json('GET', '/api/instance/a/webhooks/deliveries')).body.items as any[];

const hooks = suite('webhook URLs and the URL guard');
closesServers(hooks);

hooks('a webhook URL on a private address is refused by default and per kind, and delivered to with ALLOW_PRIVATE_URLS=webhook', async () => {
  const receiver = await webhookReceiver();
  const names = testNames({ 'hooks.example.test': '127.0.0.1' });
  try {
    for (const allow of ['none', 'media']) {
      const s = await testServer({ env: { ALLOW_PRIVATE_URLS: allow }, urlGuard: { resolve: names.resolve } });
      await linkedSandbox(s, 'a', A);
      for (const url of [receiver.url, `http://hooks.example.test:${receiver.port}/hook`, 'http://169.254.169.254/latest/meta-data/']) {
        const res = await setHook(s.json, url);
        assert.is(res.status, 400, `${allow} ${url}: ${JSON.stringify(res.body)}`);
        assert.is(res.body.code, 'url_refused');
        assert.match(res.body.error, /^webhookUrl: refused: the URL leads to a non-public address/);
      }
      assert.is((await s.json('GET', '/api/instance/a/settings')).body.webhookUrl, '', 'nothing was kept');
      await s.close();
    }

    const s = await testServer({ env: { ALLOW_PRIVATE_URLS: 'webhook' }, urlGuard: { resolve: names.resolve }, webhookTimings: TIMINGS });
    await linkedSandbox(s, 'a', A);
    assert.is((await setHook(s.json, `http://hooks.example.test:${receiver.port}/hook`)).status, 200);
    await incoming(s, 'to the receiver on this machine');
    await eventually('the delivery', () => receiver.accepted.length === 1);
  } finally {
    await receiver.close();
  }
});

hooks('an instance-scoped key or an embed token may not point at private addresses even when the operator allows them; the admin token and global keys may', async () => {
  const files = await fileServer({ '/photo.png': ['image/png', PNG] });
  const receiver = await webhookReceiver();
  try {
    const s = await testServer({ env: { ALLOW_PRIVATE_URLS: 'all' } });
    await linkedSandbox(s, 'a', A);
    await linkedSandbox(s, 'b', B);
    const scoped = as(s, (await createKey(s, { name: 'tenant', scope: 'instance', instanceIds: ['a'], permissions: ['read', 'send', 'manage'] })).plain);
    const global = as(s, (await createKey(s, { name: 'ops', scope: 'global', permissions: ['read', 'send', 'manage'] })).plain);
    const embed = asEmbed(s, (await createEmbedToken(s, { customerLabel: 'Acme', instanceIds: ['a'], permissions: 'read_write' })).token);
    const photo = `${files.url}/photo.png`;
    const at = new Date(Date.now() + 3_600_000).toISOString();

    const refusals = [
      await setHook(scoped, receiver.url),
      await scoped('POST', '/api/instance/a/messages/image', { to: B, image: photo }),
      await scoped('POST', '/api/instance/a/scheduled', { recipient: B, messageType: 'image', mediaUrl: photo, scheduledAt: at }),
      await scoped('POST', '/api/instance/a/bulk', { recipients: [{ id: B }], messageType: 'image', mediaUrl: photo, delay: 0 }),
      await embed('POST', '/api/instance/a/messages/image', { to: B, image: photo }),
    ];
    for (const res of refusals) {
      assert.is(res.status, 400, JSON.stringify(res.body));
      assert.is(res.body.code, 'url_refused');
    }
    assert.equal(files.hits, [], 'no tenant request reached the file server');

    assert.is((await global('POST', '/api/instance/a/messages/image', { to: B, image: photo })).status, 200);
    assert.is((await s.json('POST', '/api/instance/a/messages/image', { to: B, image: photo })).status, 200);
    assert.equal(files.hits, ['/photo.png', '/photo.png'], 'the operator\'s own requests were fetched');
    assert.is((await setHook(global, receiver.url)).status, 200);
  } finally {
    await files.close();
    await receiver.close();
  }
});

hooks('a webhook URL set by an instance-scoped key is judged strictly at every delivery: a name that turns private later is refused', async () => {
  const receiver = await webhookReceiver();
  // The name does not resolve when the key sets it (so it cannot be refused then), and points at
  // this machine when the events go out, as a rebinding DNS would have it.
  const names = testNames();
  try {
    const s = await testServer({ env: { ALLOW_PRIVATE_URLS: 'webhook' }, urlGuard: { resolve: names.resolve }, webhookTimings: TIMINGS });
    await linkedSandbox(s, 'a', A);
    const scoped = as(s, (await createKey(s, { name: 'tenant', scope: 'instance', instanceIds: ['a'], permissions: ['read', 'manage'] })).plain);
    const url = `http://hooks.example.test:${receiver.port}/hook`;
    assert.is((await setHook(scoped, url)).status, 200);
    names.set('hooks.example.test', '127.0.0.1');
    await incoming(s, 'for the tenant');
    const refused = await eventually('a refused attempt', async () => (await deliveries(s)).find((d) => d.attempts >= 1));
    assert.is(refused.status, 'pending');
    assert.is(refused.lastError, 'refused: the webhook URL leads to a non-public address (this machine, a private network or a metadata service)');
    assert.is(receiver.received.length, 0);

    // The same URL set by the admin token is the operator's: delivered, the waiting event first.
    assert.is((await setHook(s.json, url)).status, 200);
    await eventually('the delivery', () => receiver.accepted.length === 1);
    assert.is(receiver.accepted[0]!.json.data.body, 'for the tenant');
  } finally {
    await receiver.close();
  }
});

hooks('a webhook delivery that fails reads the same whether the receiver\'s port is closed or open', async () => {
  const sockets = new Set<Socket>();
  const open = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.end('SSH-2.0-OpenSSH_9.6\r\n');
  });
  await new Promise<void>((resolve) => open.listen(0, '127.0.0.1', resolve));
  const closed = await closedPort();
  try {
    const errors: string[] = [];
    for (const port of [closed, (open.address() as AddressInfo).port]) {
      const s = await testServer({ env: { ALLOW_PRIVATE_URLS: 'webhook' }, webhookTimings: TIMINGS });
      await linkedSandbox(s, 'a', A);
      assert.is((await setHook(s.json, `http://127.0.0.1:${port}/hook`)).status, 200);
      await incoming(s, 'x');
      const failed = await eventually('a failed attempt', async () => (await deliveries(s)).find((d) => d.attempts >= 1));
      errors.push(failed.lastError);
      await s.close();
    }
    assert.is(errors[0], 'no answer from the receiver (could not connect, the connection failed, or it timed out)');
    assert.is(errors[1], errors[0]);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => open.close(resolve));
  }
});

hooks.run();

const later = suite('media kept for later');
closesServers(later);

later('a scheduled message of an instance-scoped key loads its media strictly at send time: a name turned private fails it', async () => {
  // 127.0.0.2 stands for a public host (the guard counts it as public) when the message is made.
  const files = await fileServer({ '/photo.png': ['image/png', PNG] }, '127.0.0.2');
  const names = testNames({ 'cdn.example.test': '127.0.0.2' });
  try {
    const s = await testServer({ env: { ALLOW_PRIVATE_URLS: 'media' }, urlGuard: { resolve: names.resolve, treatAsPublic: ['127.0.0.2'] } });
    await linkedSandbox(s, 'a', A);
    const scoped = as(s, (await createKey(s, { name: 'tenant', scope: 'instance', instanceIds: ['a'], permissions: ['read', 'send', 'manage'] })).plain);
    const made = await scoped('POST', '/api/instance/a/scheduled', {
      recipient: B,
      messageType: 'image',
      mediaUrl: `http://cdn.example.test:${files.port}/photo.png`,
      scheduledAt: new Date(Date.now() + 1000).toISOString(),
    });
    assert.is(made.status, 200, JSON.stringify(made.body));
    assert.equal(files.hits, ['/photo.png'], 'loaded when it was made');

    names.set('cdn.example.test', '127.0.0.1');
    assert.is((await s.hatline.scheduler.tick(Date.now() + 2000)).handedOn, 1);
    await s.hatline.scheduler.settled();
    const failed = await eventually('failed', async () => (await s.json('GET', '/api/instance/a/scheduled?status=failed')).body.items[0]);
    assert.match(failed.error, /^mediaUrl: refused: the URL leads to a non-public address/);
    assert.equal(files.hits, ['/photo.png'], 'nothing more was fetched');
  } finally {
    await files.close();
  }
});

later.run();
