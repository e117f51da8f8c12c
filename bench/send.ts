/**
 * Send path: POST /api/instance/:id/messages/chat on one open sandbox instance (sendDelay 0),
 * 50 connections, beside GET /health of the same server in the same run; then the same spread
 * over 10 instances. Run alone: npx tsx bench/send.ts
 */
import { load, type LoadResult } from './support/load.js';
import { log, median, medianOf, RUNS, SECONDS, verdict, writeResult } from './support/report.js';
import { openSandboxInstances, removeDir, startServer } from './support/server.js';

const CONNECTIONS = 50;
const TO = '905321234567';

type Row = Pick<LoadResult, 'rps' | 'p50' | 'p99'>;
const pick = (r: LoadResult): Row => ({ rps: r.rps, p50: r.p50, p99: r.p99 });

export async function runSend() {
  const profile = process.env.BENCH_PROFILE_DIR;
  const server = await startServer(profile ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profile}`] } : {});
  try {
    const rssIdle = server.rssMb();
    const [one] = await openSandboxInstances(server, 'send', 1, 905_550_000_001);
    await server.call('POST', `/api/instance/${one}/settings`, { sendDelay: 0 });
    const many = await openSandboxInstances(server, 'par', 10, 905_550_000_101);
    for (const id of many) await server.call('POST', `/api/instance/${id}/settings`, { sendDelay: 0 });
    const chat = (id: string) => ({ path: `/api/instance/${id}/messages/chat`, body: { to: TO, body: 'Hatline benchmark message' } });

    // Warm-up (JIT, SQLite page cache): a few seconds of each, not counted.
    await load({ url: server.url, connections: CONNECTIONS, duration: 2, path: '/health', auth: false });
    await load({ url: server.url, connections: CONNECTIONS, duration: 2, method: 'POST', ...chat(one!) });

    const runs: { health: Row; send: Row; send10: Row; errors: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const health = await load({ url: server.url, connections: CONNECTIONS, duration: SECONDS, path: '/health', auth: false });
      const send = await load({ url: server.url, connections: CONNECTIONS, duration: SECONDS, method: 'POST', ...chat(one!) });
      let k = 0;
      const send10 = await load({
        url: server.url,
        connections: CONNECTIONS,
        duration: SECONDS,
        method: 'POST',
        path: chat(many[0]!).path,
        next: () => chat(many[k++ % many.length]!),
      });
      const errors = health.errors + health.non2xx + send.errors + send.non2xx + send10.errors + send10.non2xx;
      runs.push({ health: pick(health), send: pick(send), send10: pick(send10), errors });
      log(
        `  run ${i + 1}: /health ${health.rps}/s p99 ${health.p99} ms | send x1 ${send.rps}/s p50 ${send.p50} p99 ${send.p99} ms | send x10 ${send10.rps}/s p50 ${send10.p50} p99 ${send10.p99} ms | errors ${errors}`,
      );
    }
    await new Promise((r) => setTimeout(r, 500)); // the last receipts (100 ms) land
    const rssAfter = server.rssMb();
    const stats = await server.call<{ total: number; failed: number; pending: number }>('GET', `/api/instance/${one}/messages/statistics`);

    const health = medianOf(runs.map((r) => r.health));
    const send = medianOf(runs.map((r) => r.send));
    const send10 = medianOf(runs.map((r) => r.send10));
    const ratio = median(runs.map((r) => r.send.rps / r.health.rps));
    const ratio10 = median(runs.map((r) => r.send10.rps / r.health.rps));
    const meets = { throughput: ratio >= 0.3, p99: send.p99 < 20 };
    log(`send path (median of ${RUNS} runs, ${CONNECTIONS} connections, ${SECONDS} s each):`);
    log(`  GET /health           ${health.rps} req/s   p50 ${health.p50} ms  p99 ${health.p99} ms   (baseline)`);
    log(`  send, 1 instance      ${send.rps} msg/s   p50 ${send.p50} ms  p99 ${send.p99} ms   = ${(ratio * 100).toFixed(0)} % of /health  [>= 30 %: ${verdict(meets.throughput)}; p99 < 20 ms: ${verdict(meets.p99)}]`);
    log(`  send, 10 instances    ${send10.rps} msg/s   p50 ${send10.p50} ms  p99 ${send10.p99} ms   = ${(ratio10 * 100).toFixed(0)} % of /health`);
    log(`  server RSS: idle ${rssIdle.toFixed(0)} MB, after the send benchmark ${rssAfter.toFixed(0)} MB; stored on instance 1: ${stats.body.total} (failed ${stats.body.failed}, pending ${stats.body.pending})`);
    const file = writeResult('send', {
      command: 'npx tsx bench/send.ts',
      connections: CONNECTIONS,
      seconds: SECONDS,
      runs,
      median: { health, send, send10, sendToHealth: ratio, send10ToHealth: ratio10 },
      targets: { sendToHealthAtLeast: 0.3, p99BelowMs: 20, meets },
      rssMb: { idle: rssIdle, afterSend: rssAfter },
      storedOnInstance1: stats.body,
    });
    log(`  -> ${file}`);
    return { health, send, send10, ratio, ratio10, rssIdle, rssAfter };
  } finally {
    await server.stop();
    removeDir(server.dir);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runSend();
