import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testServer, closesServers } from './support/app.js';

closesServers(test);

test('GET settings answers the seed object with string values, plus events and a secret', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'a', engine: 'sandbox' });
  const res = await s.json('GET', '/api/instance/a/settings');
  assert.is(res.status, 200);
  assert.is(res.body.webhookUrl, '');
  assert.is(res.body.webhookEnabled, 'false');
  assert.is(res.body.sendDelay, '0');
  assert.equal(res.body.webhookEvents, ['message_received', 'message_ack', 'connection_status']);
  assert.match(res.body.webhookSecret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  const other = await s.json('POST', '/api/instance', { id: 'b', engine: 'sandbox' });
  assert.is(other.status, 200);
  assert.is.not((await s.json('GET', '/api/instance/b/settings')).body.webhookSecret, res.body.webhookSecret, 'one secret per instance');
  assert.is((await s.json('GET', '/api/instance/ghost/settings')).status, 404);
  await s.close();
});

test('settings update by POST, PUT or PATCH; only given fields change; seed strings round-trip', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'a', engine: 'sandbox' });
  assert.equal((await s.json('POST', '/api/instance/a/settings', { webhookUrl: 'https://example.com/hook', webhookEnabled: true })).body, { success: true });
  assert.equal((await s.json('PUT', '/api/instance/a/settings', { sendDelay: 1500 })).body, { success: true });
  assert.equal((await s.json('PATCH', '/api/instance/a/settings', { webhookEvents: ['message_received'] })).body, { success: true });
  let got = (await s.json('GET', '/api/instance/a/settings')).body;
  assert.equal(
    { webhookUrl: got.webhookUrl, webhookEnabled: got.webhookEnabled, sendDelay: got.sendDelay, webhookEvents: got.webhookEvents },
    { webhookUrl: 'https://example.com/hook', webhookEnabled: 'true', sendDelay: '1500', webhookEvents: ['message_received'] },
  );
  // A client may send back what GET gave it.
  assert.is((await s.json('POST', '/api/instance/a/settings', { webhookEnabled: 'false', sendDelay: '0' })).status, 200);
  got = (await s.json('GET', '/api/instance/a/settings')).body;
  assert.is(got.webhookEnabled, 'false');
  assert.is(got.sendDelay, '0');
  assert.is((await s.json('POST', '/api/instance/a/settings', { webhookUrl: '' })).status, 200, 'an empty URL removes it');
  await s.close();
});

test('bad settings answer 400 naming the field and change nothing', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'a', engine: 'sandbox' });
  const before = (await s.json('GET', '/api/instance/a/settings')).body;
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ webhookEnabled: 'maybe' }, /^webhookEnabled:/],
    [{ sendDelay: -1 }, /^sendDelay: must be 0 or more/],
    [{ sendDelay: 'soon' }, /^sendDelay:/],
    [{ sendDelay: 1.5 }, /^sendDelay:/],
    [{ webhookUrl: 'ftp://example.com/x' }, /^webhookUrl: expected an http\(s\) URL/],
    [{ webhookUrl: 'not a url' }, /^webhookUrl:/],
    [{ webhookEvents: ['message_sent'] }, /^webhookEvents\.0:/],
    [{ webhookEnabled: true }, /^webhookUrl: a URL is needed to enable webhooks/],
    [{ colour: 'blue' }, /colour/],
  ];
  for (const [body, expected] of cases) {
    const res = await s.json('POST', '/api/instance/a/settings', body);
    assert.is(res.status, 400, JSON.stringify(body));
    assert.match(res.body.error, expected, JSON.stringify(body));
  }
  assert.equal((await s.json('GET', '/api/instance/a/settings')).body, before);
  await s.close();
});

test('rotating the secret answers the new one and GET shows it', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'a', engine: 'sandbox' });
  const old = (await s.json('GET', '/api/instance/a/settings')).body.webhookSecret;
  const res = await s.json('POST', '/api/instance/a/webhooks/secret/rotate');
  assert.is(res.status, 200);
  assert.match(res.body.webhookSecret, /^whsec_/);
  assert.is.not(res.body.webhookSecret, old);
  assert.is((await s.json('GET', '/api/instance/a/settings')).body.webhookSecret, res.body.webhookSecret);
  await s.close();
});

test.run();
