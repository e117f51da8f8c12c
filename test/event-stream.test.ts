import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { createEmbedToken, createKey } from './support/access.js';
import { closesServers, linkedSandbox, testServer, TOKEN, type TestServer } from './support/app.js';

// The event stream (issue 18): GET /api/events (SSE) and /api/events/ws, resumable by id.

interface Frame {
  id?: string;
  event?: string;
  data?: any;
}

/** An open SSE stream: frames as they come, with a deadline on every wait. */
async function sse(s: TestServer, query = '', headers: Record<string, string> = {}) {
  const res = await s.call('GET', `/api/events${query}`, undefined, headers);
  if (res.status !== 200) return { status: res.status, body: await res.json(), frames: [] as Frame[], next: async () => ({}) as Frame, close: async () => undefined };
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const frames: Frame[] = [];
  const parse = () => {
    let at: number;
    while ((at = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      const frame: Frame = {};
      for (const line of block.split('\n')) {
        if (line.startsWith('id: ')) frame.id = line.slice(4);
        else if (line.startsWith('event: ')) frame.event = line.slice(7);
        else if (line.startsWith('data: ')) frame.data = JSON.parse(line.slice(6));
      }
      if (frame.event) frames.push(frame);
    }
  };
  let done = false;
  const next = async (ms = 3000): Promise<Frame> => {
    const deadline = Date.now() + ms;
    while (frames.length === 0) {
      if (done) throw new Error('the stream ended');
      const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), Math.max(1, deadline - Date.now())))]);
      if (chunk === null) throw new Error(`no event within ${ms} ms`);
      if (chunk.done) done = true;
      else buffer += decoder.decode(chunk.value, { stream: true });
      parse();
    }
    return frames.shift()!;
  };
  return { status: 200, body: null, frames, next, ended: () => done, reader, close: () => reader.cancel() };
}

/** Asserts that `promise` rejects with a message matching `re`. */
async function rejects(promise: Promise<unknown>, re: RegExp): Promise<void> {
  const outcome = await promise.then(
    () => null,
    (err: Error) => err,
  );
  assert.ok(outcome, `expected a rejection matching ${re}`);
  assert.match(outcome.message, re);
}

const incoming = async (s: TestServer, id: string, body: string) => (await s.json('POST', `/api/sandbox/${id}/incoming`, { from: '905559990001', body })).body.id as string;

const t = suite('event stream');
closesServers(t);

t('SSE carries the webhook events live, and Last-Event-ID resumes with exactly what was missed, in order', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a');
  const first = await sse(s);
  assert.is(first.status, 200);
  assert.is((await first.next()).event, 'ready');
  const m1 = await incoming(s, 'a', 'one');
  const got = await first.next();
  assert.is(got.event, 'message_received');
  assert.is(got.data.instance_id, 'a');
  assert.is(got.data.data.id, m1);
  assert.is(got.data.data.body, 'one');
  assert.is(got.id, String(got.data.id));
  await first.close();
  // While nobody listens: two messages and an ack.
  const m2 = await incoming(s, 'a', 'two');
  const m3 = await incoming(s, 'a', 'three');
  const resumed = await sse(s, '', { 'last-event-id': got.id! });
  assert.is((await resumed.next()).event, 'ready');
  const a = await resumed.next();
  const b = await resumed.next();
  assert.equal([a.data.data.id, b.data.data.id], [m2, m3]);
  assert.ok(Number(a.id) > Number(got.id) && Number(b.id) > Number(a.id));
  // ...and then live again, with nothing repeated.
  const m4 = await incoming(s, 'a', 'four');
  assert.is((await resumed.next()).data.data.id, m4);
  await resumed.close();
  // ?since= does the same as the header.
  const since = await sse(s, `?since=${got.id}`);
  await since.next();
  assert.is((await since.next()).data.data.id, m2);
  await since.close();
});

t('scope: an instance key and an embed token see their instances only; another instance is 404; bad ids are 400', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a');
  await linkedSandbox(s, 'b');
  const key = await createKey(s, { name: 'a only', scope: 'instance', instanceIds: ['a'], permissions: ['read'] });
  const embed = await createEmbedToken(s, { customerLabel: 'B', instanceIds: ['b'], permissions: 'read' });
  const byKey = await sse(s, '', { authorization: `Bearer ${key.plain}` });
  const byEmbed = await sse(s, `?token=${embed.token}`, { authorization: '' });
  const admin = await sse(s, '?instanceId=b');
  for (const st of [byKey, byEmbed, admin]) assert.is((await st.next()).event, 'ready');
  const inA = await incoming(s, 'a', 'for a');
  const inB = await incoming(s, 'b', 'for b');
  assert.is((await byKey.next()).data.data.id, inA);
  assert.is((await byEmbed.next()).data.data.id, inB);
  assert.is((await admin.next()).data.data.id, inB);
  // Nothing of the other instance reached them (a later event of their own comes next).
  const inA2 = await incoming(s, 'a', 'a again');
  const inB2 = await incoming(s, 'b', 'b again');
  assert.is((await byKey.next()).data.data.id, inA2);
  assert.is((await byEmbed.next()).data.data.id, inB2);
  for (const st of [byKey, byEmbed, admin]) await st.close();
  const outside = await sse(s, '?instanceId=b', { authorization: `Bearer ${key.plain}` });
  assert.is(outside.status, 404);
  const badSince = await sse(s, '?since=abc');
  assert.is(badSince.status, 400);
  assert.match(badSince.body.error, /since/);
  assert.is((await sse(s, '', { 'last-event-id': 'x' })).status, 400);
  assert.is((await sse(s, '', { authorization: '' })).status, 401);
});

t('a resume from before what the log still keeps says so with a gap event', async () => {
  let clock = Date.parse('2026-12-01T10:00:00Z');
  const s = await testServer({ now: () => clock, env: { EVENT_RETENTION_HOURS: '1' } });
  await linkedSandbox(s, 'a');
  const live = await sse(s);
  await live.next();
  await incoming(s, 'a', 'old');
  const old = await live.next();
  await live.close();
  clock += 2 * 3_600_000;
  await incoming(s, 'a', 'new');
  await incoming(s, 'a', 'newer');
  assert.ok((await s.hatline.services.events.prune()) >= 1);
  const resumed = await sse(s, `?since=${Number(old.id) - 1}`);
  await resumed.next();
  const gap = await resumed.next();
  assert.is(gap.event, 'gap');
  // What is kept still comes; what was pruned (the 'old' event itself, the connection events) does not.
  const kept = await resumed.next();
  assert.is(kept.data.data.body, 'new');
  await resumed.close();
  // Resuming after the last event seen has no gap.
  const fine = await sse(s, `?since=${kept.id}`);
  await fine.next();
  assert.is((await fine.next()).data.data.body, 'newer');
  await fine.close();
});

t('the WebSocket endpoint carries the same events and resumes with ?since=; stopping the server ends every stream', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a');
  const server = serve({ fetch: s.hatline.app.fetch, port: 0, hostname: '127.0.0.1' });
  s.hatline.app.injectWebSocket(server as never);
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;
  // Ended in `finally`, so that a failed assertion does not leave server.close() waiting for them.
  const sockets: WebSocket[] = [];
  try {
    const open = (query: string) =>
      new Promise<{ ws: WebSocket; next: (ms?: number) => Promise<any> }>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events/ws?token=${TOKEN}${query}`);
        sockets.push(ws);
        const queue: any[] = [];
        const waiting: ((v: any) => void)[] = [];
        ws.on('message', (raw) => {
          const msg = JSON.parse(String(raw));
          const w = waiting.shift();
          if (w) w(msg);
          else queue.push(msg);
        });
        ws.once('open', () =>
          resolve({
            ws,
            next: (ms = 3000) =>
              queue.length
                ? Promise.resolve(queue.shift())
                : new Promise((res, rej) => {
                    const timer = setTimeout(() => rej(new Error(`no message within ${ms} ms`)), ms);
                    waiting.push((v) => (clearTimeout(timer), res(v)));
                  }),
          }),
        );
        ws.once('error', reject);
        ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      });
    const a = await open('');
    assert.is((await a.next()).event, 'ready');
    const m1 = await incoming(s, 'a', 'over ws');
    const e1 = await a.next();
    assert.is(e1.event, 'message_received');
    assert.is(e1.data.id, m1);
    a.ws.close();
    const m2 = await incoming(s, 'a', 'while away');
    const b = await open(`&since=${e1.id}`);
    await b.next();
    assert.is((await b.next()).data.id, m2);
    // Without a token the upgrade is refused.
    await rejects(
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events/ws`);
        ws.once('open', resolve);
        ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
        ws.once('error', reject);
      }),
      /401/,
    );
    // Stopping the server closes the stream (1001) instead of holding shutdown open.
    const closed = new Promise<number>((resolve) => b.ws.once('close', (code) => resolve(code)));
    const stream = await sse(s);
    await stream.next();
    await s.hatline.stop();
    assert.is(await closed, 1001);
    await rejects(stream.next(2000), /ended/);
  } finally {
    for (const ws of sockets) ws.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
});

t.run();
