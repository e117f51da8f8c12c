import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SandboxEngine } from '../src/engines/sandbox/sandbox-engine.js';
import { ADMIN } from '../src/services/access/principal.js';
import { closesServers, eventually, linkedSandbox, testServer, TOKEN, type TestServer } from './support/app.js';
import { webhookReceiver, type Received } from './support/webhook-receiver.js';

// Connected but deaf (issue 19 item 2): liveness notices, says so, reconnects, and the backfill
// after the reconnect (item 3) fetches what was missed. The tests move the server's clock: the
// grace is measured on it, so nothing here waits for it in real time.

const A = '905321000191';
const CEM = '905559990191';
const DENIZ = '905559990192';
const LIVENESS = { LIVENESS_INTERVAL_MS: '50', LIVENESS_GRACE_MS: '60000' };

interface Clock {
  now: () => number;
  advance(ms: number): void;
}

function clock(): Clock {
  let t = Date.now();
  return { now: () => t, advance: (ms) => void (t += ms) };
}

async function hook(s: TestServer, id: string, url: string) {
  const res = await s.json('POST', `/api/instance/${id}/settings`, { webhookUrl: url, webhookEnabled: true });
  assert.is(res.status, 200, JSON.stringify(res.body));
}

async function history(s: TestServer, id: string): Promise<any[]> {
  await s.hatline.services.messages.settled(id);
  return ((await s.json('GET', `/api/instance/${id}/messages?limit=100`)).body.items as any[]).reverse();
}

/** A contact writes to the instance; the clock moves a second on, so each message has its own time. */
async function write(s: TestServer, c: Clock, id: string, from: string, body: string): Promise<string> {
  c.advance(1000);
  const res = await s.json('POST', `/api/sandbox/${id}/incoming`, { from, body });
  assert.is(res.status, 200, JSON.stringify(res.body));
  return res.body.id as string;
}

const received = (hooks: Received[], id: string) => hooks.filter((r) => r.json.event === 'message_received' && r.json.instance_id === id);
const statuses = (hooks: Received[], id: string) => hooks.filter((r) => r.json.event === 'connection_status' && r.json.instance_id === id).map((r) => r.json.data);

async function metric(s: TestServer, series: string): Promise<number> {
  const res = await s.hatline.app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
  const line = (await res.text()).split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

const deaf = suite('liveness: connected but deaf');
closesServers(deaf);

deaf('a deaf instance that misses 5 messages is found, says why, is reconnected and backfills exactly those 5, once each, in order', async () => {
  const receiver = await webhookReceiver();
  const c = clock();
  const s = await testServer({ now: c.now, env: LIVENESS });
  try {
    await linkedSandbox(s, 'a', A);
    await hook(s, 'a', receiver.url);
    const before = await write(s, c, 'a', CEM, 'önce');
    await eventually('the live message announced', () => received(receiver.accepted, 'a').length === 1);

    assert.equal((await s.json('POST', '/api/sandbox/a/deaf', { deaf: true })).body, { success: true });
    const missed = [
      await write(s, c, 'a', CEM, 'bir'),
      await write(s, c, 'a', DENIZ, 'iki'),
      await write(s, c, 'a', CEM, 'üç'),
      await write(s, c, 'a', DENIZ, 'dört'),
      await write(s, c, 'a', CEM, 'beş'),
    ];
    // Deaf indeed: the phone took them, Hatline stored and announced none, and still says open.
    for (let i = 0; i < 5; i++) await s.hatline.liveness.tick();
    assert.equal((await history(s, 'a')).map((m) => m.id), [before]);
    const status = (await s.json('GET', '/api/instance/a/status')).body.accountStatus;
    assert.is(status.status, 'open');
    assert.is(status.lastDeafness, undefined, 'within the grace nothing is decided');
    assert.is(received(receiver.accepted, 'a').length, 1);

    // The grace passes: liveness finds it within a few intervals and reconnects it.
    c.advance(61_000);
    const note = await eventually('the recovery noted on the instance', async () => {
      const st = (await s.json('GET', '/api/instance/a/status')).body.accountStatus;
      return st.status === 'open' && st.lastDeafness?.recoveredAt ? st.lastDeafness : false;
    });
    assert.is(note.reason, 'events_stalled');
    assert.match(note.detail, /holds a message .* not told of/);
    assert.ok(Date.parse(note.recoveredAt) >= Date.parse(note.detectedAt));

    // connection_status events name the reason: disconnected (with why), connecting, connected.
    const said = await eventually('the reconnect announced', () => {
      const list = statuses(receiver.accepted, 'a').filter((d) => d.reason === 'deaf');
      return list.some((d) => d.status === 'connected') ? list : false;
    });
    assert.equal(said.map((d) => d.status), ['disconnected', 'connecting', 'connected']);
    assert.match(said[0].error, /^deaf \(the phone holds a message/);

    // Exactly the 5, once each, in order, after the one heard live; each announced once, in order.
    const stored = await eventually('the missed messages stored', async () => {
      const list = await history(s, 'a');
      return list.length >= 6 ? list : false;
    });
    assert.equal(stored.map((m) => m.id), [before, ...missed]);
    assert.equal(stored.map((m) => m.body), ['önce', 'bir', 'iki', 'üç', 'dört', 'beş']);
    const announced = await eventually('the 5 announced', () => {
      const list = received(receiver.accepted, 'a');
      return list.length >= 6 ? list : false;
    });
    assert.equal(announced.map((r) => r.json.data.id), [before, ...missed]);
    assert.equal(announced.map((r) => r.json.data.backfilled ?? false), [false, true, true, true, true, true]);
    assert.equal(announced[2]!.json.data.chatId, `${DENIZ}@s.whatsapp.net`);
    // The chats saw them as live messages do.
    const chats = (await s.json('GET', '/api/instance/a/chats')).body;
    const deniz = ((Array.isArray(chats) ? chats : chats.items) as any[]).find((ch) => ch.id === `${DENIZ}@s.whatsapp.net`);
    assert.is(deniz?.unreadCount, 2, JSON.stringify(chats));
    assert.is(deniz.lastMessagePreview.body, 'dört');

    assert.is(await metric(s, 'hatline_liveness_recoveries_total{instance_id="a",reason="events_stalled"}'), 1);
    assert.is(await metric(s, 'hatline_backfilled_messages_total{instance_id="a"}'), 5);

    // Cured: the next message is heard live, and nothing more is announced twice.
    const after = await write(s, c, 'a', CEM, 'sonra');
    await eventually('the next message heard live', () => received(receiver.accepted, 'a').some((r) => r.json.data.id === after && !r.json.data.backfilled));
    for (let i = 0; i < 5; i++) await s.hatline.liveness.tick();
    const ids = received(receiver.accepted, 'a').map((r) => r.json.data.id);
    assert.equal(ids, [before, ...missed, after]);
  } finally {
    await s.close();
    await receiver.close();
  }
});

deaf('a session whose event bridge stays broken for the grace is reconnected, with reason bridge_down (a moment of it is not)', async () => {
  const c = clock();
  const s = await testServer({ now: c.now, env: LIVENESS });
  await linkedSandbox(s, 'a', A);
  const before = await write(s, c, 'a', CEM, 'önce');
  assert.is((await s.json('POST', '/api/sandbox/a/deaf', { deaf: true, mode: 'bridge_down' })).status, 200);
  const missed = await write(s, c, 'a', CEM, 'kayıp');
  // Seen broken (WhatsApp Web reloading looks the same for a moment): not yet a reason to reconnect.
  for (let i = 0; i < 3; i++) await s.hatline.liveness.tick();
  assert.is((await s.json('GET', '/api/instance/a/status')).body.accountStatus.lastDeafness, undefined, 'within the grace');
  assert.equal((await history(s, 'a')).map((m) => m.id), [before], 'the message is missed meanwhile');
  c.advance(61_000);
  const note = await eventually('the recovery', async () => {
    const st = (await s.json('GET', '/api/instance/a/status')).body.accountStatus;
    return st.status === 'open' && st.lastDeafness?.recoveredAt ? st.lastDeafness : false;
  });
  assert.is(note.reason, 'bridge_down');
  const stored = await eventually('the missed message stored', async () => {
    const list = await history(s, 'a');
    return list.length >= 2 ? list : false;
  });
  assert.equal(stored.map((m) => m.id), [before, missed]);
  assert.is(await metric(s, 'hatline_liveness_recoveries_total{instance_id="a",reason="bridge_down"}'), 1);
});

deaf('an engine without the history capability is left alone (a sandbox instance beside it, deaf alike, is recovered)', async () => {
  const c = clock();
  let s: TestServer | null = null;
  // A sandbox engine with the history capability taken away, run as the instance's "wwebjs" engine.
  const bare = (ctx: ConstructorParameters<typeof SandboxEngine>[0]) => Object.assign(new SandboxEngine(ctx, s!.hatline.sandbox), { history: undefined });
  s = await testServer({ now: c.now, env: LIVENESS, wwebjs: bare });
  await linkedSandbox(s, 'plain', A);
  assert.is((await s.json('POST', '/api/instance', { id: 'bare', engine: 'wwebjs' })).status, 200);
  await s.json('POST', '/api/instance/bare/connect');
  assert.is((await s.json('POST', '/api/sandbox/bare/scan', { phone: '905321000192' })).status, 200);
  await eventually('bare open', async () => (await s!.json('GET', '/api/instance/bare/status')).body.accountStatus.status === 'open');
  for (const id of ['plain', 'bare']) {
    await write(s, c, id, CEM, 'önce');
    assert.is((await s.json('POST', `/api/sandbox/${id}/deaf`, { deaf: true })).status, 200);
    await write(s, c, id, CEM, 'kayıp');
  }
  // The unheard messages are seen (a tick under way may have probed before them: a second one), then the grace passes.
  for (let i = 0; i < 2; i++) await s.hatline.liveness.tick();
  c.advance(61_000);
  await eventually('the plain sandbox instance recovered and backfilled', async () => (await history(s!, 'plain')).length === 2);
  for (let i = 0; i < 5; i++) await s.hatline.liveness.tick();
  const bareStatus = (await s.json('GET', '/api/instance/bare/status')).body.accountStatus;
  assert.is(bareStatus.status, 'open');
  assert.is(bareStatus.lastDeafness, undefined);
  assert.equal((await history(s, 'bare')).map((m) => m.body), ['önce'], 'still deaf: nothing fetched, nothing reconnected');
  // A restart cures it, and with no history to read, what it missed stays missed.
  const restartedAfter = await s.hatline.services.events.newest();
  assert.is((await s.json('POST', '/api/instance/bare/restart')).status, 200);
  await eventually('bare connected again', async () =>
    (await s!.hatline.services.events.read(ADMIN, restartedAfter, 100, 'bare')).some((e) => e.event === 'connection_status' && (e.data as any).status === 'connected'),
  );
  await write(s, c, 'bare', CEM, 'sonra');
  assert.equal((await history(s, 'bare')).map((m) => m.body), ['önce', 'sonra']);
});

deaf('POST /api/sandbox/{id}/deaf answers 409 when not connected, 404 for a missing instance, 400 for a bad body', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'a', engine: 'sandbox' });
  const closed = await s.json('POST', '/api/sandbox/a/deaf', { deaf: true });
  assert.is(closed.status, 409, JSON.stringify(closed.body));
  assert.is((await s.json('POST', '/api/sandbox/nope/deaf', { deaf: true })).status, 404);
  await s.json('POST', '/api/instance/a/connect');
  await s.json('POST', '/api/sandbox/a/scan', {});
  const bad = await s.json('POST', '/api/sandbox/a/deaf', { deaf: 'yes' });
  assert.is(bad.status, 400);
  assert.match(bad.body.error, /deaf/);
  assert.is((await s.json('POST', '/api/sandbox/a/deaf', { deaf: true, mode: 'loud' })).status, 400);
});

deaf.run();
