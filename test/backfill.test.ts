import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { EngineContext, EngineEvent } from '../src/engines/engine.js';
import { SandboxEngine } from '../src/engines/sandbox/sandbox-engine.js';
import { SandboxPhone } from '../src/engines/sandbox/sandbox-phone.js';
import { ADMIN } from '../src/services/access/principal.js';
import { closesServers, eventually, linkedSandbox, testServer, type TestServer } from './support/app.js';
import { webhookReceiver, type Received } from './support/webhook-receiver.js';

// Nothing received is lost (issue 19 item 3): after a reconnect, a restart or a recovered deaf
// session, what the engine holds that Hatline was not told of is stored once, in order, as live
// messages are. Liveness is off here (LIVENESS_INTERVAL_MS=0): only the reconnects backfill.

const A = '905321000193';
const B = '905321000194';
const CEM = '905559990193';
const DENIZ = '905559990194';
const EMRE = '905559990195';
const jid = (phone: string) => `${phone}@s.whatsapp.net`;
const QUIET = { LIVENESS_INTERVAL_MS: '0' };

function clock() {
  let t = Date.now();
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}
type Clock = ReturnType<typeof clock>;

async function history(s: TestServer, id: string): Promise<any[]> {
  await s.hatline.services.messages.settled(id);
  return ((await s.json('GET', `/api/instance/${id}/messages?limit=100`)).body.items as any[]).reverse();
}

async function write(s: TestServer, c: Clock, id: string, from: string, body: string): Promise<string> {
  c.advance(1000);
  const res = await s.json('POST', `/api/sandbox/${id}/incoming`, { from, body });
  assert.is(res.status, 200, JSON.stringify(res.body));
  return res.body.id as string;
}

/** Restarts the instance (or drops its connection) and waits until it is connected again. */
async function reopened(s: TestServer, id: string, how: 'restart' | 'drop') {
  const after = await s.hatline.services.events.newest();
  const res = how === 'restart' ? await s.json('POST', `/api/instance/${id}/restart`) : await s.json('POST', `/api/sandbox/${id}/drop`);
  assert.is(res.status, 200, JSON.stringify(res.body));
  await eventually('connected again', async () =>
    (await s.hatline.services.events.read(ADMIN, after, 100, id)).some((e) => e.event === 'connection_status' && (e.data as any).status === 'connected'),
  );
}

const announced = (hooks: Received[], id: string) => hooks.filter((r) => r.json.event === 'message_received' && r.json.instance_id === id).map((r) => r.json.data);

const backfill = suite('backfill after a reconnect');
closesServers(backfill);

backfill('a restart while messages arrive: what the session missed is fetched, what came meanwhile arrives, each stored and announced once, in order', async () => {
  const receiver = await webhookReceiver();
  const c = clock();
  const s = await testServer({ now: c.now, env: QUIET });
  try {
    await linkedSandbox(s, 'a', A);
    await linkedSandbox(s, 'b', B);
    assert.is((await s.json('POST', '/api/instance/a/settings', { webhookUrl: receiver.url, webhookEnabled: true })).status, 200);
    const before = await write(s, c, 'a', CEM, 'önce');
    assert.is((await s.json('POST', '/api/sandbox/a/deaf', { deaf: true })).status, 200);

    const fromCem = await write(s, c, 'a', CEM, 'bir');
    c.advance(1000);
    const fromB = (await s.json('POST', '/api/instance/b/messages/chat', { to: A, body: 'iki' })).body.id as string;
    await eventually('b sees it delivered to a', async () => (await history(s, 'b')).find((m) => m.id === fromB)?.status === 'delivered');
    c.advance(1000);
    const sent = await s.json('POST', '/api/instance/a/messages/chat', { to: CEM, body: 'giden' });
    assert.is(sent.status, 200, 'a deaf session still sends');
    // Missed indeed: only what was heard before, and Hatline's own send.
    assert.equal((await history(s, 'a')).map((m) => m.body), ['önce', 'giden']);

    assert.is((await s.json('POST', '/api/instance/a/restart')).status, 200);
    c.advance(1000);
    // During the restart b writes again: held by the network while a is away, or heard live.
    const meanwhile = (await s.json('POST', '/api/instance/b/messages/chat', { to: A, body: 'üç' })).body.id as string;
    const all = await eventually('everything stored', async () => {
      const list = await history(s, 'a');
      return list.length >= 5 ? list : false;
    });
    assert.equal(all.map((m) => m.id), [before, fromCem, fromB, sent.body.id, meanwhile]);
    assert.equal(all.map((m) => m.body), ['önce', 'bir', 'iki', 'giden', 'üç']);
    const events = await eventually('each announced', () => {
      const list = announced(receiver.accepted, 'a');
      return list.length >= 4 ? list : false;
    });
    assert.equal(events.map((d) => d.id), [before, fromCem, fromB, meanwhile]);
    assert.equal(events[2].chatId, jid(B));
    assert.is(events[1].backfilled, true);
    // Nothing more comes (a second reconnect finds everything stored).
    await reopened(s, 'a', 'drop');
    await s.hatline.services.messages.settled('a');
    assert.is((await history(s, 'a')).length, 5);
    assert.is(announced(receiver.accepted, 'a').length, 4);
  } finally {
    await s.close();
    await receiver.close();
  }
});

backfill('a message told live while a backfill reads it is stored and announced once', async () => {
  const c = clock();
  let s: TestServer | null = null;
  const told: string[] = [];
  const read: string[] = [];
  let during: (() => void) | null = null;
  // A sandbox engine (as the instance's "wwebjs" engine) whose history reads let a message arrive
  // live in the middle of the backfill, and which counts the messages it tells.
  const racing = (ctx: EngineContext) => {
    const engine = new SandboxEngine({ ...ctx, emit: (e: EngineEvent) => (e.type === 'message' && told.push(e.message.id), ctx.emit(e)) }, s!.hatline.sandbox);
    const history = engine.history;
    return Object.assign(engine, {
      history: {
        probe: () => history.probe(),
        recentChats: (since: number, limit: number) => history.recentChats(since, limit),
        messagesSince: async (chatId: string, since: number, limit: number) => {
          const run = during;
          during = null;
          run?.();
          const found = await history.messagesSince(chatId, since, limit);
          read.push(...found.map((m) => m.id));
          return found;
        },
      },
    });
  };
  s = await testServer({ now: c.now, env: QUIET, wwebjs: racing });
  assert.is((await s.json('POST', '/api/instance', { id: 'w', engine: 'wwebjs' })).status, 200);
  await s.json('POST', '/api/instance/w/connect');
  assert.is((await s.json('POST', '/api/sandbox/w/scan', { phone: A })).status, 200);
  await eventually('open', async () => (await s!.json('GET', '/api/instance/w/status')).body.accountStatus.status === 'open');
  const before = await write(s, c, 'w', CEM, 'önce');
  const after = await s.hatline.services.events.newest();

  let live = '';
  during = () => {
    c.advance(1000);
    live = (s!.hatline.registry.engine('w') as SandboxEngine).controls.incoming({ from: CEM, body: 'tam o anda' });
  };
  await reopened(s, 'w', 'restart');
  await eventually('the live message stored', async () => (await history(s!, 'w')).some((m) => m.id === live));
  // Both paths had it: told live, and read by the backfill.
  assert.ok(told.includes(live), 'told live');
  assert.ok(read.includes(live), 'read by the backfill');
  assert.equal((await history(s, 'w')).map((m) => m.id), [before, live]);
  await s.hatline.services.messages.settled('w');
  const events = (await s.hatline.services.events.read(ADMIN, after, 100, 'w')).filter((e) => e.event === 'message_received');
  assert.equal(events.map((e) => (e.data as any).id), [live]);
});

backfill('a server restart that brings an instance back backfills what its phone got while Hatline was not listening', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-backfill-'));
  // The phone lives outside the server, as a real one does: the same one across both runs.
  const phone = new SandboxPhone();
  let s: TestServer | null = null;
  const outside = (ctx: EngineContext) => Object.assign(new SandboxEngine(ctx, s!.hatline.sandbox), { phone });
  try {
    const c = clock();
    s = await testServer({ dir, onDisk: true, now: c.now, env: QUIET, wwebjs: outside });
    assert.is((await s.json('POST', '/api/instance', { id: 'w', engine: 'wwebjs' })).status, 200);
    await s.json('POST', '/api/instance/w/connect');
    assert.is((await s.json('POST', '/api/sandbox/w/scan', { phone: A })).status, 200);
    await eventually('open', async () => (await s!.json('GET', '/api/instance/w/status')).body.accountStatus.status === 'open');
    const before = await write(s, c, 'w', CEM, 'önce');
    await s.json('POST', '/api/sandbox/w/deaf', { deaf: true });
    const missed = await write(s, c, 'w', DENIZ, 'kayıp');
    assert.equal((await history(s, 'w')).map((m) => m.id), [before]);
    await s.close();

    s = await testServer({ dir, onDisk: true, now: c.now, env: QUIET, wwebjs: outside });
    const stored = await eventually('restored and backfilled', async () => {
      const list = await history(s!, 'w');
      return list.length >= 2 ? list : false;
    });
    assert.equal(stored.map((m) => m.id), [before, missed]);
    await s.close();
  } finally {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

backfill('the chatbot answers a backfilled message only when it is recent', async () => {
  const c = clock();
  const s = await testServer({ now: c.now, env: QUIET });
  await linkedSandbox(s, 'a', A);
  await s.json('POST', '/api/instance/a/chatbot/rules', { match_type: 'contains', trigger_text: 'fiyat', response: 'Fiyat listesi', delay: 0 });
  await write(s, c, 'a', EMRE, 'merhaba');
  assert.is((await s.json('POST', '/api/sandbox/a/deaf', { deaf: true })).status, 200);
  await write(s, c, 'a', CEM, 'fiyat?');
  c.advance(10 * 60_000);
  await write(s, c, 'a', DENIZ, 'fiyat?');
  await reopened(s, 'a', 'restart');
  const replies = async () => (await history(s, 'a')).filter((m) => m.fromMe);
  await eventually('the recent one answered', async () => (await replies()).some((m) => m.chatId === jid(DENIZ)));
  const stored = await history(s, 'a');
  assert.ok(stored.some((m) => m.chatId === jid(CEM) && m.body === 'fiyat?'), 'the old one is stored');
  assert.equal((await replies()).map((m) => m.chatId), [jid(DENIZ)], 'the old one is not answered');
});

backfill('a backfill reads at most BACKFILL_CHATS chats, the newest BACKFILL_MESSAGES_PER_CHAT of each', async () => {
  const c = clock();
  const s = await testServer({ now: c.now, env: { ...QUIET, BACKFILL_CHATS: '2', BACKFILL_MESSAGES_PER_CHAT: '2' } });
  await linkedSandbox(s, 'a', A);
  await write(s, c, 'a', CEM, 'önce');
  assert.is((await s.json('POST', '/api/sandbox/a/deaf', { deaf: true })).status, 200);
  for (const from of [CEM, DENIZ, EMRE]) for (const n of [1, 2, 3]) await write(s, c, 'a', from, `${from.slice(-1)}-${n}`);
  await reopened(s, 'a', 'drop');
  const stored = await eventually('the newest two chats backfilled', async () => {
    const list = await history(s, 'a');
    return list.length >= 5 ? list : false;
  });
  assert.equal(stored.map((m) => m.body), ['önce', '4-2', '4-3', '5-2', '5-3']);
});

backfill('BACKFILL_CHATS=0 turns it off: what a deaf session missed stays missed', async () => {
  const c = clock();
  const s = await testServer({ now: c.now, env: { ...QUIET, BACKFILL_CHATS: '0' } });
  await linkedSandbox(s, 'a', A);
  await write(s, c, 'a', CEM, 'önce');
  assert.is((await s.json('POST', '/api/sandbox/a/deaf', { deaf: true })).status, 200);
  await write(s, c, 'a', CEM, 'kayıp');
  await reopened(s, 'a', 'restart');
  await write(s, c, 'a', CEM, 'sonra');
  assert.equal((await history(s, 'a')).map((m) => m.body), ['önce', 'sonra']);
  // It was there to be fetched: the phone holds it.
  const held = await s.hatline.registry.engine('a').history!.messagesSince(jid(CEM), 0, 10);
  assert.equal(held.map((m) => m.body), ['önce', 'kayıp', 'sonra']);
});

backfill("the sandbox phone holds every message of the instance, both ways, whatever Hatline was told", async () => {
  const c = clock();
  const s = await testServer({ now: c.now, env: QUIET });
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  const start = Math.floor(c.now() / 1000);
  await write(s, c, 'a', CEM, 'selam');
  c.advance(1000);
  const out = (await s.json('POST', '/api/instance/a/messages/chat', { to: CEM, body: 'merhaba' })).body.id;
  c.advance(1000);
  await s.json('POST', '/api/sandbox/a/deaf', { deaf: true });
  const fromB = (await s.json('POST', '/api/instance/b/messages/chat', { to: A, body: 'naber' })).body.id;
  const history = s.hatline.registry.engine('a').history!;
  await eventually('b delivered', async () => (await history.probe()).newestAt === start + 3);
  assert.equal(await history.probe(), { bridge: true, newestAt: start + 3 });
  assert.equal(await history.recentChats(start, 10), [jid(B), jid(CEM)]);
  assert.equal(await history.recentChats(start + 3, 10), [jid(B)]);
  assert.equal(await history.recentChats(start, 1), [jid(B)]);
  const cem = await history.messagesSince(jid(CEM), start, 10);
  assert.equal(cem.map((m) => [m.body, m.fromMe]), [['selam', false], ['merhaba', true]]);
  assert.is(cem[1]!.id, out);
  assert.equal((await history.messagesSince(jid(CEM), start, 1)).map((m) => m.body), ['merhaba'], 'the newest when there are more');
  assert.equal((await history.messagesSince(jid(B), start, 10)).map((m) => m.id), [fromB]);
  await s.json('POST', '/api/sandbox/a/deaf', { deaf: true, mode: 'bridge_down' });
  assert.is((await history.probe()).bridge, false);
  await s.json('POST', '/api/instance/a/logout');
  assert.is((await s.json('GET', '/api/instance/a/status')).body.accountStatus.status, 'disconnected');
});

backfill('the sandbox phone is bounded: 500 messages a chat, 10,000 in all (the least recently active chats lose theirs first), media kept for the newest 100', () => {
  const phone = new SandboxPhone();
  let n = 0;
  const hold = (chatId: string, media = false) => {
    n += 1;
    phone.hold({ id: `M${n}`, chatId, from: chatId, to: jid(A), fromMe: false, kind: media ? 'image' : 'chat', body: `${n}`, timestamp: n, ...(media ? { media: { mimetype: 'image/png', data: Buffer.alloc(4) } } : {}) });
  };
  for (let i = 0; i < 600; i++) hold(jid(CEM));
  assert.is(phone.messagesSince(jid(CEM), 0, 10_000).length, 500);
  assert.is(phone.messagesSince(jid(CEM), 0, 10_000)[0]!.body, '101', 'the oldest went');
  for (let c = 0; c < 25; c++) for (let i = 0; i < 400; i++) hold(`9055500${String(c).padStart(5, '0')}@s.whatsapp.net`);
  assert.equal(phone.messagesSince(jid(CEM), 0, 10_000), [], 'the least recently active chat went first');
  const kept = phone.recentChats(0, 1000).reduce((sum, chat) => sum + phone.messagesSince(chat, 0, 10_000).length, 0);
  assert.is(kept, 10_000);
  assert.is(phone.newestAt(), n);
  for (let i = 0; i < 101; i++) hold(jid(DENIZ), true);
  const deniz = phone.messagesSince(jid(DENIZ), 0, 1000);
  assert.is(deniz[0]!.media, undefined, 'the oldest lost its media');
  assert.ok(deniz[1]!.media && deniz[100]!.media);
});

backfill.run();
