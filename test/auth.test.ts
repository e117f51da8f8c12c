import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TOKEN, testServer, closesServers } from './support/app.js';

closesServers(test);

test('a request without a token answers 401 with an error naming the ways to send one', async () => {
  const s = await testServer();
  const res = await s.hatline.app.request('/api/instance');
  assert.is(res.status, 401);
  const body = await res.json();
  assert.match(body.error, /Bearer/);
  await s.close();
});

test('a wrong token answers 401, with the request id of its X-Request-Id header', async () => {
  const s = await testServer();
  const res = await s.hatline.app.request('/api/instance', { headers: { authorization: 'Bearer nope-nope-nope' } });
  assert.is(res.status, 401);
  const requestId = res.headers.get('x-request-id');
  assert.match(requestId ?? '', /^req_[0-9a-f]{16}$/);
  assert.equal(await res.json(), { error: 'Invalid API token', code: 'unauthorized', requestId });
  await s.close();
});

test('the token is accepted as Bearer, ?token=, X-API-Key and apikey', async () => {
  const s = await testServer();
  const app = s.hatline.app;
  const ways: [string, RequestInit][] = [
    ['/api/instance', { headers: { authorization: `Bearer ${TOKEN}` } }],
    [`/api/instance?token=${TOKEN}`, {}],
    ['/api/instance', { headers: { 'x-api-key': TOKEN } }],
    ['/api/instance', { headers: { apikey: TOKEN } }],
  ];
  for (const [url, init] of ways) {
    const res = await app.request(url, init);
    assert.is(res.status, 200, `${url} ${JSON.stringify(init.headers ?? {})}`);
    assert.equal(await res.json(), { instances: [], statuses: {}, details: {} });
  }
  await s.close();
});

test('a wrong Bearer is refused even when a right ?token= is in the query', async () => {
  const s = await testServer();
  const res = await s.hatline.app.request(`/api/instance?token=${TOKEN}`, { headers: { authorization: 'Bearer wrong-token-xx' } });
  assert.is(res.status, 401);
  await s.close();
});

test('/health, /openapi.json and /docs need no token', async () => {
  const s = await testServer();
  const health = await s.hatline.app.request('/health');
  assert.is(health.status, 200);
  assert.is((await health.json()).status, 'ok');
  const doc = await s.hatline.app.request('/openapi.json');
  assert.is(doc.status, 200);
  const spec = await doc.json();
  assert.ok(spec.paths['/api/instance/{instanceId}/qrcode'], 'the QR route is documented');
  assert.ok(spec.paths['/api/sandbox/{instanceId}/scan'], 'sandbox controls are documented');
  const docs = await s.hatline.app.request('/docs');
  assert.is(docs.status, 200);
  assert.match(docs.headers.get('content-type') ?? '', /text\/html/);
  await s.close();
});

test('an unknown path answers 404 JSON', async () => {
  const s = await testServer();
  const res = await s.call('GET', '/api/nothing-here');
  assert.is(res.status, 404);
  assert.match((await res.json()).error, /Not found/);
  await s.close();
});

test.run();
