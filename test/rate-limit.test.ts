import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testServer, closesServers } from './support/app.js';

closesServers(test);

test('the 201st request in a minute answers 429 with Retry-After and RateLimit headers', async () => {
  let now = 1_000_000;
  const s = await testServer({ env: { RATE_LIMIT_PER_MINUTE: '200' }, now: () => now });
  for (let i = 0; i < 200; i++) {
    const res = await s.call('GET', '/api/instance');
    assert.is(res.status, 200, `request ${i + 1}`);
    if (i === 0) {
      assert.is(res.headers.get('ratelimit-limit'), '200');
      assert.is(res.headers.get('ratelimit-remaining'), '199');
    }
    now += 100;
  }
  const limited = await s.call('GET', '/api/instance');
  assert.is(limited.status, 429);
  assert.match((await limited.json()).error, /Rate limit/);
  assert.is(limited.headers.get('ratelimit-remaining'), '0');
  // The first request was 20 s ago: it leaves the window in 40 s.
  assert.is(limited.headers.get('retry-after'), '40');
  now += 40_000;
  assert.is((await s.call('GET', '/api/instance')).status, 200, 'allowed again once the oldest request left the window');
  await s.close();
});

test('RATE_LIMIT_PER_MINUTE changes the limit', async () => {
  const s = await testServer({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
  for (let i = 0; i < 3; i++) assert.is((await s.call('GET', '/api/instance')).status, 200);
  assert.is((await s.call('GET', '/api/instance')).status, 429);
  await s.close();
});

test('RATE_LIMIT_PER_MINUTE=0 turns the limit off', async () => {
  const s = await testServer({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
  for (let i = 0; i < 300; i++) assert.is((await s.call('GET', '/api/instance')).status, 200);
  await s.close();
});

test('requests without a valid token do not use up the limit', async () => {
  const s = await testServer({ env: { RATE_LIMIT_PER_MINUTE: '2' } });
  for (let i = 0; i < 5; i++) assert.is((await s.hatline.app.request('/api/instance')).status, 401);
  assert.is((await s.call('GET', '/api/instance')).status, 200);
  await s.close();
});

test.run();
