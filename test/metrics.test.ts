import { spawn, type ChildProcess } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createWwebjsEngine } from '../src/engines/wwebjs/index.js';
import { closesServers, eventually, linkedSandbox, testServer, TOKEN, type TestServer } from './support/app.js';
import { fakeClientFactory } from './support/fake-wwebjs-client.js';
import { imitationClientFactory, phone } from './support/wa-imitation/harness.js';
import { webhookReceiver } from './support/webhook-receiver.js';

const METRICS_TOKEN = 'metrics-token-0123456789';

/** The samples of a Prometheus text answer: `name{labels}` -> value (labels as written). */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

async function scrape(s: TestServer, token = TOKEN): Promise<Map<string, number>> {
  const res = await s.hatline.app.request('/metrics', { headers: { authorization: `Bearer ${token}` } });
  assert.is(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return samples(await res.text());
}

const value = (m: Map<string, number>, series: string) => m.get(series) ?? 0;

const access = suite('GET /metrics: who may read it');
closesServers(access);

access('answers 401 without a token or with a wrong one, 403 to an API key, and 200 to the admin token', async () => {
  const s = await testServer();
  const none = await s.hatline.app.request('/metrics');
  assert.is(none.status, 401);
  assert.match(((await none.json()) as { error: string }).error, /admin token/);
  assert.is((await s.hatline.app.request('/metrics', { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status, 401);
  const key = await s.json('POST', '/api/keys', { name: 'reader', scope: 'global', permissions: ['read', 'send', 'manage'] });
  assert.is(key.status, 200, JSON.stringify(key.body));
  const byKey = await s.hatline.app.request('/metrics', { headers: { authorization: `Bearer ${key.body.plain}` } });
  assert.is(byKey.status, 403);
  assert.ok((await scrape(s)).has('hatline_build_info{version="0.1.0"}'));
  await s.close();
});

access('with METRICS_TOKEN set, that token reads /metrics (and nothing under /api), and the admin token still does', async () => {
  const s = await testServer({ env: { METRICS_TOKEN } });
  assert.ok((await scrape(s, METRICS_TOKEN)).has('hatline_build_info{version="0.1.0"}'));
  await scrape(s, TOKEN);
  const api = await s.hatline.app.request('/api/instance', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  assert.is(api.status, 401, 'the metrics token is no API token');
  assert.is((await s.hatline.app.request('/metrics')).status, 401);
  await s.close();
});

access('a METRICS_TOKEN shorter than 16 characters stops start-up, naming the variable', async () => {
  const { loadConfig } = await import('../src/config.js');
  assert.throws(() => loadConfig({ METRICS_TOKEN: 'short' }), /METRICS_TOKEN: must be at least 16 characters/);
});

access('is in the OpenAPI document', async () => {
  const s = await testServer();
  const doc = await s.json('GET', '/openapi.json');
  assert.ok(doc.body.paths['/metrics']?.get, 'GET /metrics documented');
  assert.ok(doc.body.paths['/metrics'].get.responses['200'].content['text/plain']);
  await s.close();
});

access.run();

const figures = suite('GET /metrics: what it counts');
closesServers(figures);

figures('counts sends, receipts, failures and webhook deliveries exactly, and instances by status', async () => {
  const receiver = await webhookReceiver();
  let now = 1_800_000_000_000;
  const s = await testServer({ now: () => now });
  try {
    await linkedSandbox(s, 'a', '905320000011');
    await linkedSandbox(s, 'b', '905320000012');
    await s.json('POST', '/api/instance', { id: 'idle', engine: 'sandbox' });
    const hook = await s.json('POST', '/api/instance/b/settings', { webhookUrl: receiver.url, webhookEnabled: true, webhookEvents: ['message_received'] });
    assert.is(hook.status, 200);
    const before = await scrape(s);
    assert.is(value(before, 'hatline_messages_sent_total{instance_id="a"}'), 0);
    assert.ok(before.has('hatline_messages_sent_total{instance_id="a"}'), 'every instance has its counters from 0 on');

    for (const body of ['bir', 'iki', 'üç']) {
      const sent = await s.json('POST', '/api/instance/a/messages/chat', { to: '905320000012', body });
      assert.is(sent.status, 200);
    }
    const refused = await s.json('POST', '/api/instance/a/messages/chat', { to: '120363999999999999@g.us', body: 'no such group' });
    assert.ok(refused.status >= 400, 'a send WhatsApp refused');
    await eventually('three deliveries', () => receiver.accepted.length === 3);

    const after = await eventually('the webhook deliveries and delivery receipts counted', async () => {
      const m = await scrape(s);
      const hooks = value(m, 'hatline_webhook_attempts_total{instance_id="b",result="delivered"}');
      const receipts = value(m, 'hatline_message_delivery_seconds_count') - value(before, 'hatline_message_delivery_seconds_count');
      return hooks === 3 && receipts === 3 ? m : undefined;
    });
    const delta = (series: string) => value(after, series) - value(before, series);
    assert.is(delta('hatline_messages_sent_total{instance_id="a"}'), 3, 'messages out: exactly the three accepted');
    assert.is(delta('hatline_messages_failed_total{instance_id="a"}'), 1, 'messages failed: the refused one');
    assert.is(delta('hatline_messages_received_total{instance_id="b"}'), 3, 'messages in');
    assert.is(delta('hatline_messages_received_total{instance_id="a"}'), 0);
    assert.is(delta('hatline_send_duration_seconds_count{engine="sandbox",outcome="sent"}'), 3);
    assert.is(delta('hatline_send_duration_seconds_count{engine="sandbox",outcome="failed"}'), 1);
    assert.is(delta('hatline_webhook_delivery_seconds_count'), 3);
    assert.is(value(after, 'hatline_webhook_backlog{instance_id="b"}'), 0);
    assert.is(value(after, 'hatline_instances{status="open",engine="sandbox"}'), 2);
    assert.is(value(after, 'hatline_instances{status="disconnected",engine="sandbox"}'), 1);
    assert.is(value(after, 'hatline_instances{status="open",engine="wwebjs"}'), 0);
    assert.ok(after.has('nodejs_eventloop_lag_p99_seconds'), 'event-loop lag');
    assert.not.ok([...after.keys()].some((k) => k.startsWith('hatline_chromium_memory_bytes')), 'sandbox instances run no browser');

    // A receiver that is down: events wait, and the backlog and its age say so.
    await s.json('POST', '/api/instance/b/settings', { webhookUrl: 'http://127.0.0.1:1/down' });
    await s.json('POST', '/api/instance/a/messages/chat', { to: '905320000012', body: 'dört' });
    await s.json('POST', '/api/instance/a/messages/chat', { to: '905320000012', body: 'beş' });
    // The first attempt is counted once its failure is written, which may come after the backlog is 2.
    await eventually('two events waiting, one attempt failed', async () => {
      const m = await scrape(s);
      return value(m, 'hatline_webhook_backlog{instance_id="b"}') === 2 && value(m, 'hatline_webhook_attempts_total{instance_id="b",result="failed"}') >= 1;
    });
    now += 90_000;
    const late = await scrape(s);
    assert.is(value(late, 'hatline_webhook_oldest_pending_age_seconds{instance_id="b"}'), 90);
    assert.ok(value(late, 'hatline_webhook_attempts_total{instance_id="b",result="failed"}') >= 1, 'the failed attempt counted');

    // A deleted instance's series go with it.
    assert.is((await s.json('DELETE', '/api/instance/idle')).status, 200);
    assert.not.ok((await scrape(s)).has('hatline_messages_sent_total{instance_id="idle"}'));
  } finally {
    await s.close();
    await receiver.close();
  }
});

figures("reports the memory of a wwebjs instance's browser and its child processes", async () => {
  const fakes = fakeClientFactory();
  const s = await testServer({ wwebjs: (ctx) => createWwebjsEngine(ctx, { chromiumPath: null, clientFactory: fakes.factory }) });
  // A real process tree stands in for Chromium: a shell and its two children.
  const browser: ChildProcess = spawn('sh', ['-c', 'sleep 30 & sleep 31 & wait'], { stdio: 'ignore', detached: true });
  const killTree = () => {
    try {
      process.kill(-browser.pid!, 'SIGKILL'); // the shell leads a process group, as puppeteer's Chromium does
    } catch {
      // gone already
    }
  };
  try {
    await linkedSandbox(s, 'sb', '905320000013');
    await s.json('POST', '/api/instance', { id: 'w', engine: 'wwebjs' });
    await s.json('POST', '/api/instance/w/connect');
    await eventually('a QR code', async () => (await s.json('GET', '/api/instance/w/qr')).body.qrCode);
    fakes.current().pupBrowser!.proc = browser;
    fakes.current().scan('905550001111', 'Fake Phone');
    await eventually('open', async () => (await s.json('GET', '/api/instance/w/status')).body.accountStatus.status === 'open');

    const m = await eventually('the shell started its children', async () => {
      const got = await scrape(s);
      return value(got, 'hatline_chromium_processes{instance_id="w"}') === 3 ? got : undefined;
    });
    assert.ok(value(m, 'hatline_chromium_memory_bytes{instance_id="w"}') > 100_000, 'resident memory of the tree');
    assert.not.ok(m.has('hatline_chromium_memory_bytes{instance_id="sb"}'), 'none for the sandbox instance');
    assert.is(value(m, 'hatline_instances{status="open",engine="wwebjs"}'), 1);

    killTree();
    await eventually('gone from the metrics once its browser is', async () => !(await scrape(s)).has('hatline_chromium_processes{instance_id="w"}'));
  } finally {
    killTree();
    await s.close();
  }
});

figures('reports the memory of a real Chromium (whatsapp-web.js against the imitation of WhatsApp Web)', async () => {
  const clients: import('whatsapp-web.js').Client[] = [];
  const factory = imitationClientFactory({ shape: '2026-06', library: 'patched', onClient: (c) => clients.push(c) });
  const s = await testServer({ wwebjs: (ctx) => createWwebjsEngine(ctx, { chromiumPath: null, ffmpegPath: null, clientFactory: factory }) });
  await s.json('POST', '/api/instance', { id: 'w', engine: 'wwebjs' });
  await s.json('POST', '/api/instance/w/connect');
  await eventually('a QR code', async () => (await s.json('GET', '/api/instance/w/qr')).body.qrCode, 20_000);
  await phone(clients[clients.length - 1]!).scan('905550000001', 'Imitation Phone');
  await eventually('open', async () => (await s.json('GET', '/api/instance/w/status')).body.accountStatus.status === 'open', 20_000);
  const m = await scrape(s);
  assert.ok(value(m, 'hatline_chromium_processes{instance_id="w"}') >= 2, 'the browser and its child processes');
  assert.ok(value(m, 'hatline_chromium_memory_bytes{instance_id="w"}') > 20_000_000, `${value(m, 'hatline_chromium_memory_bytes{instance_id="w"}')} bytes`);
  await s.json('DELETE', '/api/instance/w');
  assert.not.ok((await scrape(s)).has('hatline_chromium_memory_bytes{instance_id="w"}'), 'gone with the instance (and its browser)');
  await s.close();
});

figures.run();
