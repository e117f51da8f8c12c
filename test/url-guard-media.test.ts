import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isPublicAddress } from '../src/net/address-rules.js';
import { closesServers, linkedSandbox, testServer, type TestServer } from './support/app.js';
import { closedPort, fileServer } from './support/http-fixture.js';
import { testNames } from './support/names.js';

const A = '905321000001';
const B = '905321000002';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const REFUSED = /^image: refused: the URL leads to a non-public address/;

/** The server's own default: no private addresses for anyone. */
const STRICT = { ALLOW_PRIVATE_URLS: 'none' };

const sendImage = (s: TestServer, image: string) => s.json('POST', '/api/instance/a/messages/image', { to: B, image });

const rules = suite('which addresses are public');

rules('loopback, private, CGNAT, link-local, metadata, unique-local and their IPv6 forms are not public; internet addresses are', () => {
  for (const address of [
    '127.0.0.1', '127.1.2.3', '0.0.0.0', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '100.64.0.1',
    '169.254.169.254', '224.0.0.1', '255.255.255.255', '192.0.2.1', '::1', '::', 'fe80::1', 'fd00::1', 'fc00::1',
    '::ffff:127.0.0.1', '::ffff:169.254.169.254', '::ffff:10.0.0.1', '::7f00:1', '64:ff9b::a00:1', '2002:7f00:1::', 'ff02::1', 'not an ip',
  ]) {
    assert.is(isPublicAddress(address), false, address);
  }
  for (const address of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::']) {
    assert.is(isPublicAddress(address), true, address);
  }
});

rules.run();

const media = suite('media URLs and the URL guard');
closesServers(media);

media('a media URL on 127.0.0.1, localhost, a private or link-local address or the metadata service is refused before any connection, unless the operator allows it', async () => {
  const files = await fileServer({ '/photo.png': ['image/png', PNG] });
  const names = testNames({ 'metadata.example.test': '169.254.169.254' });
  const strict = await testServer({ env: STRICT, urlGuard: { resolve: names.resolve } });
  try {
    await linkedSandbox(strict, 'a', A);
    const p = files.port;
    for (const url of [
      `http://127.0.0.1:${p}/photo.png`,
      `http://localhost:${p}/photo.png`,
      `http://LOCALHOST.:${p}/photo.png`,
      `http://[::1]:${p}/photo.png`,
      `http://[::ffff:127.0.0.1]:${p}/photo.png`,
      `http://2130706433:${p}/photo.png`,
      `http://0x7f.1:${p}/photo.png`,
      `http://0.0.0.0:${p}/photo.png`,
      'http://10.0.0.1/photo.png',
      'http://172.16.5.4/photo.png',
      'http://192.168.0.1/photo.png',
      'http://100.64.0.1/photo.png',
      'http://169.254.169.254/latest/meta-data/',
      'http://metadata.example.test/latest/meta-data/',
      'https://[fe80::1]/photo.png',
      'https://[fd12:3456::1]/photo.png',
    ]) {
      const res = await sendImage(strict, url);
      assert.is(res.status, 400, `${url}: ${JSON.stringify(res.body)}`);
      assert.is(res.body.code, 'url_refused', url);
      assert.match(res.body.error, REFUSED);
      assert.not.match(res.body.error, /ECONN|port|\d{2,5}/, 'the answer says refused, nothing of the connection');
    }
    assert.equal(files.hits, [], 'nothing reached the server on 127.0.0.1');
    assert.is((await strict.json('GET', '/api/instance/a/messages')).body.total, 0, 'no message was stored');

    // The same URL, when the operator allows private media URLs: fetched and sent.
    const open = await testServer({ env: { ALLOW_PRIVATE_URLS: 'media' } });
    await linkedSandbox(open, 'a', A);
    const sent = await sendImage(open, `http://127.0.0.1:${p}/photo.png`);
    assert.is(sent.status, 200, JSON.stringify(sent.body));
    assert.equal(files.hits, ['/photo.png']);
  } finally {
    await files.close();
  }
});

media('a public-looking name that resolves to 127.0.0.1 is refused at the look-up the connection makes', async () => {
  const files = await fileServer({ '/photo.png': ['image/png', PNG] });
  const names = testNames({ 'cdn.example.test': '127.0.0.1' });
  try {
    const strict = await testServer({ env: STRICT, urlGuard: { resolve: names.resolve } });
    await linkedSandbox(strict, 'a', A);
    const res = await sendImage(strict, `http://cdn.example.test:${files.port}/photo.png`);
    assert.is(res.status, 400, JSON.stringify(res.body));
    assert.is(res.body.code, 'url_refused');
    assert.ok(names.asked.includes('cdn.example.test'), 'the name was looked up');
    assert.equal(files.hits, []);

    // With the operator's permission the same name reaches the server (the look-up is the one connected to).
    const open = await testServer({ env: { ALLOW_PRIVATE_URLS: 'media' }, urlGuard: { resolve: names.resolve } });
    await linkedSandbox(open, 'a', A);
    assert.is((await sendImage(open, `http://cdn.example.test:${files.port}/photo.png`)).status, 200);
    assert.equal(files.hits, ['/photo.png']);
  } finally {
    await files.close();
  }
});

media('a redirect from a public host into 127.0.0.1 (by address or by name) is refused at that hop; other redirects are followed', async () => {
  // 127.0.0.2 stands for a public host: the guard is told to count it as public.
  const inside = await fileServer({ '/secret.png': ['image/png', PNG] });
  const names = testNames({ 'cdn.example.test': '127.0.0.2', 'internal.example.test': '127.0.0.1' });
  const outside = await fileServer(
    {
      '/photo.png': ['image/png', PNG],
      '/moved.png': { redirect: '/photo.png', status: 301 },
      '/jump': { redirect: `http://127.0.0.1:${inside.port}/secret.png` },
      '/jump-by-name': { redirect: `http://internal.example.test:${inside.port}/secret.png`, status: 307 },
    },
    '127.0.0.2',
  );
  try {
    const s = await testServer({ env: STRICT, urlGuard: { resolve: names.resolve, treatAsPublic: ['127.0.0.2'] } });
    await linkedSandbox(s, 'a', A);
    const base = `http://cdn.example.test:${outside.port}`;
    assert.is((await sendImage(s, `${base}/photo.png`)).status, 200, 'the public host serves');
    assert.is((await sendImage(s, `${base}/moved.png`)).status, 200, 'a redirect within it is followed');
    for (const path of ['/jump', '/jump-by-name']) {
      const res = await sendImage(s, `${base}${path}`);
      assert.is(res.status, 400, `${path}: ${JSON.stringify(res.body)}`);
      assert.is(res.body.code, 'url_refused', path);
    }
    assert.equal(outside.hits, ['/photo.png', '/moved.png', '/photo.png', '/jump', '/jump-by-name']);
    assert.equal(inside.hits, [], 'no redirect reached 127.0.0.1');
  } finally {
    await outside.close();
    await inside.close();
  }
});

/** A TCP port that accepts and answers something that is not HTTP, then hangs up. */
async function notHttp(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.end('SSH-2.0-OpenSSH_9.6\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

media('a media URL that cannot be fetched answers the same text whether its port is closed or open', async () => {
  const open = await notHttp();
  const closed = await closedPort();
  try {
    // Allowed, so that these ports on 127.0.0.1 stand for any host's ports.
    const s = await testServer({ env: { ALLOW_PRIVATE_URLS: 'media' } });
    await linkedSandbox(s, 'a', A);
    const answers = [];
    for (const port of [closed, open.port]) {
      const res = await sendImage(s, `http://127.0.0.1:${port}/photo.png`);
      assert.is(res.status, 400, JSON.stringify(res.body));
      answers.push(res.body.error);
    }
    assert.is(answers[0], 'image: could not fetch the media URL');
    assert.is(answers[1], answers[0], 'an open port reads like a closed one');
  } finally {
    await open.close();
  }
});

media('a scheduled text message carrying a mediaUrl on the metadata address is refused when it is created', async () => {
  const names = testNames({ 'cdn.example.test': '8.8.8.8' });
  const s = await testServer({ env: STRICT, urlGuard: { resolve: names.resolve } });
  await linkedSandbox(s, 'a', A);
  const at = new Date(Date.now() + 3_600_000).toISOString();
  const create = (mediaUrl: string) => s.json('POST', '/api/instance/a/scheduled', { recipient: B, body: 'hi', mediaUrl, scheduledAt: at });
  const refused = await create('http://169.254.169.254/latest/meta-data/iam/');
  assert.is(refused.status, 400, JSON.stringify(refused.body));
  assert.is(refused.body.code, 'url_refused');
  assert.match(refused.body.error, /^mediaUrl: refused/);
  assert.is((await create('ftp://example.test/x.png')).status, 400, 'its form is checked too');
  assert.is((await create('https://cdn.example.test/x.png')).status, 200, 'a public one is kept');
  assert.is((await s.json('GET', '/api/instance/a/scheduled')).body.total, 1);
});

media.run();
