/**
 * Incoming to webhook: messages injected through the sandbox (POST /api/sandbox/:id/incoming),
 * stored, and delivered as message_received webhooks to a receiver in this process. Counts every
 * message at the receiver (none may be lost); the end-to-end rate is messages / (last delivery -
 * first injection). Order: a sender's messages are injected one after another (100 senders, 20
 * connections: a sender's next message is sent after its previous one was answered), so each sender's
 * numbers must arrive increasing; any that does not is counted out of order.
 * Run alone: npx tsx bench/incoming.ts   (INCOMING_MESSAGES=... to change N)
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { load } from './support/load.js';
import { log, medianOf, RUNS, verdict, writeResult } from './support/report.js';
import { cpuMsOf, openSandboxInstances, removeDir, startServer } from './support/server.js';

const N = Number(process.env.INCOMING_MESSAGES ?? 10_000);
const CONNECTIONS = 20;
const TARGET = 2000;

async function receiver() {
  const ids = new Set<string>();
  let requests = 0;
  let last = 0;
  let outOfOrder = 0;
  const lastOf = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      try {
        const e = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { event: string; data: { id: string; from: string; body: string } };
        if (e.event === 'message_received') {
          ids.add(e.data.id);
          const n = Number(/(\d+)$/.exec(e.data.body)?.[1] ?? NaN);
          if (!(n > (lastOf.get(e.data.from) ?? -1))) outOfOrder++;
          lastOf.set(e.data.from, n);
        }
      } catch {
        // counted as a request, not as a message
      }
      last = performance.now();
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    ids,
    requests: () => requests,
    last: () => last,
    outOfOrder: () => outOfOrder,
    reset: () => {
      ids.clear();
      requests = 0;
      outOfOrder = 0;
      lastOf.clear();
    },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

export async function runIncoming() {
  const hook = await receiver();
  const server = await startServer();
  try {
    const [id] = await openSandboxInstances(server, 'in', 1);
    const set = await server.call('POST', `/api/instance/${id}/settings`, { webhookUrl: hook.url, webhookEnabled: true, webhookEvents: ['message_received'] });
    if (set.status !== 200) throw new Error(`settings: ${JSON.stringify(set.body)}`);
    let k = 0;
    const inject = (amount: number) =>
      load({
        url: server.url,
        connections: CONNECTIONS,
        amount,
        method: 'POST',
        path: `/api/sandbox/${id}/incoming`,
        next: () => ({ path: `/api/sandbox/${id}/incoming`, body: { from: `90532${String(1_000_000 + (k++ % 100))}`, body: `incoming benchmark message ${k}`, name: 'Bench contact' } }),
      });
    const waitFor = async (count: number, ms: number) => {
      const deadline = Date.now() + ms;
      while (hook.ids.size < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    };

    await inject(1000); // warm-up
    await waitFor(1000, 30_000);

    const runs: { endToEnd: number; injected: number; p99Inject: number; delivered: number; lost: number; duplicates: number; outOfOrder: number; cpuUs: number; drainMs: number; load1: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      hook.reset();
      const load1 = loadavg()[0]!;
      const cpu0 = cpuMsOf(server.pid);
      const started = performance.now();
      const r = await inject(N);
      const injectedAt = performance.now();
      await waitFor(N, 120_000);
      const delivered = hook.ids.size;
      // The server's CPU (all threads) per message, stored and delivered: steadier than the rate on a busy machine.
      const cpuUs = Math.round(((cpuMsOf(server.pid) - cpu0) * 1000) / N);
      const lost = N - delivered;
      const seconds = (hook.last() - started) / 1000;
      const run = {
        endToEnd: Math.round(delivered / seconds),
        injected: Math.round(N / ((injectedAt - started) / 1000)),
        p99Inject: r.p99,
        delivered,
        lost,
        duplicates: hook.requests() - delivered,
        outOfOrder: hook.outOfOrder(),
        cpuUs,
        drainMs: Math.round(Math.max(0, hook.last() - injectedAt)),
        load1,
      };
      if (r.non2xx || r.errors) throw new Error(`injection: ${r.non2xx} non-2xx, ${r.errors} errors`);
      runs.push(run);
      log(`  run ${i + 1} (load ${load1.toFixed(2)}): ${N} injected at ${run.injected}/s, delivered ${delivered} (lost ${lost}, duplicates ${run.duplicates}, out of order ${run.outOfOrder}), end to end ${run.endToEnd} msg/s, ${cpuUs} µs server CPU a message, last delivery ${run.drainMs} ms after the last injection`);
    }
    const med = medianOf(runs);
    const totalLost = runs.reduce((a, r) => a + r.lost, 0);
    const totalOutOfOrder = runs.reduce((a, r) => a + r.outOfOrder, 0);
    const meets = { rate: med.endToEnd >= TARGET, noneLost: totalLost === 0, orderKept: totalOutOfOrder === 0 };
    log(`incoming to webhook (1 instance, ${N} messages per run, ${CONNECTIONS} injecting connections, median of ${RUNS} runs):`);
    log(`  injection (POST .../incoming, answers once stored)  ${med.injected} msg/s   p99 ${med.p99Inject} ms   (baseline: what comes in)`);
    log(`  server CPU a message (injected, stored, delivered)  ${med.cpuUs} µs = ${Math.round(1e6 / med.cpuUs)} msg/s for one busy core`);
    log(`  end to end, counted at the receiver                ${med.endToEnd} msg/s   lost ${totalLost}, out of order ${totalOutOfOrder}  [>= ${TARGET} msg/s: ${verdict(meets.rate)}; none lost: ${verdict(meets.noneLost)}; order kept: ${verdict(meets.orderKept)}]`);
    const file = writeResult('incoming', { command: 'npx tsx bench/incoming.ts', messages: N, connections: CONNECTIONS, runs, median: med, targets: { atLeastPerSecond: TARGET, meets } });
    log(`  -> ${file}`);
    return { med, meets };
  } finally {
    await server.stop();
    removeDir(server.dir);
    await hook.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runIncoming();
