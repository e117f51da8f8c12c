/**
 * Large JSON bodies are admitted a few at a time (issue 19, a hole an outside test found: a few
 * parallel 85 MB JSON bodies took the process past 1 GB). A body over LARGE_BODY_THRESHOLD_MB
 * needs one of LARGE_BODY_CONCURRENCY slots while it is read and handled; the next one answers 503
 * with Retry-After in the API's error shape; a body without a Content-Length counts as it streams.
 * Memory itself is measured by bench/large-bodies.ts, not here.
 */
import http, { type Server } from 'node:http';
import { serve } from '@hono/node-server';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closesServers, eventually, linkedSandbox, testServer, TOKEN, type TestServer } from './support/app.js';

const A = '905321000401';
const B = '905321000402';
const MB = 1024 * 1024;

/** The app on a real port: bodies stream through Node's HTTP server as in production. */
function listen(s: TestServer): Promise<{ port: number; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: s.hatline.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      resolve({
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            (server as Server).closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** A document send whose JSON body is about `mb` MB (base64 of zeros). */
function documentBody(mb: number, name: string): Buffer {
  const head = `{"to":"${B}","filename":"${name}.bin","document":"data:application/octet-stream;base64,`;
  const tail = '"}';
  const b64 = 'A'.repeat(Math.floor((mb * MB - head.length - tail.length) / 4) * 4);
  return Buffer.from(head + b64 + tail);
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/**
 * A POST whose body is written in two steps: `first` bytes at once, the rest on `finish()`.
 * `chunked` leaves out the Content-Length (Transfer-Encoding: chunked).
 */
function slowPost(port: number, path: string, body: Buffer, opts: { first: number; chunked?: boolean }) {
  let finish = () => undefined as void;
  let abort = () => undefined as void;
  const answer = new Promise<Answer>((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        agent: false, // a connection of its own: a refused request's connection is not reused
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
          ...(opts.chunked ? {} : { 'content-length': String(body.length) }),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // keep the text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
          // Answered before the whole body was sent (a refusal): stop sending.
          if (!req.writableEnded) req.destroy();
        });
      },
    );
    req.on('error', (err) => resolve({ status: 0, headers: {}, body: String(err) }));
    req.write(body.subarray(0, opts.first));
    finish = () => {
      if (!req.writableEnded) req.end(body.subarray(opts.first));
    };
    abort = () => req.destroy();
  });
  return { answer, finish: () => finish(), abort: () => abort() };
}

const gate = suite('large JSON bodies, a few at a time');
closesServers(gate);

gate('with 2 large bodies being read, a third answers 503 with Retry-After; small ones pass; once one is done a new one is admitted', async () => {
  const s = await testServer({ env: { LARGE_BODY_THRESHOLD_MB: '8', LARGE_BODY_CONCURRENCY: '2' } });
  const server = await listen(s);
  const held: ReturnType<typeof slowPost>[] = [];
  try {
    await linkedSandbox(s, 'a', A);
    await linkedSandbox(s, 'b', B);
    const path = '/api/instance/a/messages/document';
    // Two 9 MB bodies announced by their Content-Length, of which only 1 MB arrives for now.
    for (const name of ['one', 'two']) held.push(slowPost(server.port, path, documentBody(9, name), { first: MB }));

    // A third (with a Content-Length) is refused without being kept: its body is read and
    // dropped, so that the client, having sent it, reads the answer.
    let probes = 0;
    const third = await eventually('a third large body refused', async () => {
      const probe = slowPost(server.port, path, documentBody(9, `probe${++probes}`), { first: 9 * MB });
      probe.finish();
      const a = await probe.answer;
      // 200: admitted, the two held ones had not both been seen yet; try again.
      return a.status === 503 ? a : false;
    });
    assert.is(third.headers['retry-after'], '10');
    assert.equal(Object.keys(third.body).sort(), ['code', 'error', 'requestId']);
    assert.is(third.body.code, 'unavailable');
    assert.match(third.body.error, /busy with other large requests .*retry in 10 seconds/);

    // One without a Content-Length is refused once it streamed past the threshold.
    const chunked = slowPost(server.port, path, documentBody(9, 'chunked'), { first: 9 * MB, chunked: true });
    chunked.finish();
    const refusedChunked = await chunked.answer;
    assert.is(refusedChunked.status, 503, JSON.stringify(refusedChunked.body));
    assert.is(refusedChunked.headers['retry-after'], '10');

    // Small bodies are never held back.
    const small = await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'small' });
    assert.is(small.status, 200, JSON.stringify(small.body));
    const smallChunked = slowPost(server.port, '/api/instance/a/messages/chat', Buffer.from(JSON.stringify({ to: B, body: 'small chunked' })), { first: 5, chunked: true });
    smallChunked.finish();
    const sc = await smallChunked.answer;
    assert.is(sc.status, 200, JSON.stringify(sc.body));

    // The first finishes: it is sent, and its slot admits a new large body (the second still holds the other).
    held[0]!.finish();
    const first = await held[0]!.answer;
    assert.is(first.status, 200, JSON.stringify(first.body));
    assert.is(first.body.sent, true);
    const next = slowPost(server.port, path, documentBody(9, 'four'), { first: 9 * MB, chunked: true });
    next.finish();
    const admitted = await next.answer;
    assert.is(admitted.status, 200, JSON.stringify(admitted.body));
    held[1]!.finish();
    assert.is((await held[1]!.answer).status, 200);

    const sent = (await s.json('GET', '/api/instance/a/messages?limit=100')).body.items
      .filter((m: any) => m.type === 'document')
      .map((m: any) => m.media.filename)
      .filter((name: string) => !name.startsWith('probe') || name === `probe${probes}.bin`);
    assert.equal(sent.sort(), ['four.bin', 'one.bin', 'two.bin'], 'the refused ones were not sent');
  } finally {
    for (const h of held) h.abort();
    await server.close();
  }
});

gate('LARGE_BODY_CONCURRENCY=0 turns the gate off: three large bodies at once are all read', async () => {
  const s = await testServer({ env: { LARGE_BODY_CONCURRENCY: '0' } });
  const server = await listen(s);
  try {
    await linkedSandbox(s, 'a', A);
    await linkedSandbox(s, 'b', B);
    const posts = ['x', 'y', 'z'].map((name) => slowPost(server.port, '/api/instance/a/messages/document', documentBody(9, name), { first: MB }));
    await new Promise((r) => setTimeout(r, 200));
    for (const p of posts) p.finish();
    const answers = await Promise.all(posts.map((p) => p.answer));
    assert.equal(answers.map((a) => a.status), [200, 200, 200]);
  } finally {
    await server.close();
  }
});

gate('LARGE_BODY_THRESHOLD_MB and LARGE_BODY_CONCURRENCY default to 8 MB and 2, and a bad value stops start-up naming it', async () => {
  const { loadConfig, ConfigError } = await import('../src/config.js');
  const c = loadConfig({});
  assert.equal([c.largeBodyBytes, c.largeBodyConcurrency], [8 * MB, 2]);
  for (const [name, value] of [['LARGE_BODY_THRESHOLD_MB', '0'], ['LARGE_BODY_CONCURRENCY', 'two']] as const) {
    assert.throws(() => loadConfig({ [name]: value }), (err: unknown) => err instanceof ConfigError && err.variable === name);
  }
});

gate.run();
