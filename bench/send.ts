/**
 * Send path: POST /api/instance/:id/messages/chat on one open sandbox instance (sendDelay 0),
 * 50 connections, beside GET /health of the same server and the same request on the stack's floor
 * (bench/floor.ts: Hono + zod + one group-committed SQLite insert) in the same run; then the same
 * spread over 10 instances. Run alone: npx tsx bench/send.ts
 */
import { loadavg } from 'node:os';
import { startFloor } from './floor.js';
import { load, type LoadResult } from './support/load.js';
import { log, median, medianOf, RUNS, SECONDS, verdict, writeResult } from './support/report.js';
import { cpuMsOf, openSandboxInstances, removeDir, startServer, type BenchServer } from './support/server.js';

const CONNECTIONS = 50;
const TO = '905321234567';

/** A load's figures, and the CPU the server under it used per answered request (µs; all threads, and the event loop's alone). */
type Row = Pick<LoadResult, 'rps' | 'p50' | 'p99'> & { cpuUs: number; loopUs: number };

/** Runs a load and reads the CPU time its server (pid) used meanwhile. */
async function measured(pid: number, run: () => Promise<LoadResult>): Promise<Row & { failed: number }> {
  const cpu0 = cpuMsOf(pid);
  const loop0 = cpuMsOf(pid, true);
  const r = await run();
  const per = (ms: number) => Math.round((ms * 1000) / Math.max(1, r.requests));
  return { rps: r.rps, p50: r.p50, p99: r.p99, cpuUs: per(cpuMsOf(pid) - cpu0), loopUs: per(cpuMsOf(pid, true) - loop0), failed: r.errors + r.non2xx };
}
/** The V8 heap the server keeps and uses, MB (its /metrics). */
async function heapMbOf(server: BenchServer): Promise<{ total: number; used: number }> {
  const text = String((await server.call('GET', '/metrics')).body);
  const mb = (name: string) => Math.round(Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(text)?.[1] ?? NaN) / 1048576);
  return { total: mb('nodejs_heap_size_total_bytes'), used: mb('nodejs_heap_size_used_bytes') };
}
const row = ({ failed: _, ...r }: Row & { failed: number }): Row => r;

export async function runSend() {
  const profile = process.env.BENCH_PROFILE_DIR;
  const server = await startServer(profile ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profile}`] } : {});
  const floor = await startFloor();
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
    await load({ url: floor.url, connections: CONNECTIONS, duration: 2, method: 'POST', ...chat('floor') });

    const runs: { health: Row; floor: Row; send: Row; send10: Row; errors: number; load1: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const load1 = loadavg()[0]!;
      const health = await measured(server.pid, () => load({ url: server.url, connections: CONNECTIONS, duration: SECONDS, path: '/health', auth: false }));
      const floorRun = await measured(floor.pid, () => load({ url: floor.url, connections: CONNECTIONS, duration: SECONDS, method: 'POST', ...chat('floor') }));
      const send = await measured(server.pid, () => load({ url: server.url, connections: CONNECTIONS, duration: SECONDS, method: 'POST', ...chat(one!) }));
      let k = 0;
      const send10 = await measured(server.pid, () =>
        load({
          url: server.url,
          connections: CONNECTIONS,
          duration: SECONDS,
          method: 'POST',
          path: chat(many[0]!).path,
          next: () => chat(many[k++ % many.length]!),
        }),
      );
      const errors = [health, floorRun, send, send10].reduce((n, r) => n + r.failed, 0);
      runs.push({ health: row(health), floor: row(floorRun), send: row(send), send10: row(send10), errors, load1 });
      log(
        `  run ${i + 1} (load ${load1.toFixed(2)}): /health ${health.rps}/s p99 ${health.p99} ms | floor ${floorRun.rps}/s p50 ${floorRun.p50} p99 ${floorRun.p99} ms, ${floorRun.cpuUs} µs CPU | send x1 ${send.rps}/s p50 ${send.p50} p99 ${send.p99} ms, ${send.cpuUs} µs CPU (loop ${send.loopUs}) | send x10 ${send10.rps}/s p50 ${send10.p50} p99 ${send10.p99} ms | errors ${errors}`,
      );
    }
    await new Promise((r) => setTimeout(r, 500)); // the last receipts (100 ms) land
    const rssAfter = server.rssMb();
    const heapAfter = await heapMbOf(server);
    // The server gives back what the burst left once it is quiet (src/server/heap-trim.ts looks every 5 s).
    await new Promise((r) => setTimeout(r, 12_000));
    const rssSettled = server.rssMb();
    const heapSettled = await heapMbOf(server);
    const stats = await server.call<{ total: number; failed: number; pending: number }>('GET', `/api/instance/${one}/messages/statistics`);

    const health = medianOf(runs.map((r) => r.health));
    const floorRow = medianOf(runs.map((r) => r.floor));
    const send = medianOf(runs.map((r) => r.send));
    const send10 = medianOf(runs.map((r) => r.send10));
    const ratio = median(runs.map((r) => r.send.rps / r.health.rps));
    const ratio10 = median(runs.map((r) => r.send10.rps / r.health.rps));
    const ofFloor = median(runs.map((r) => r.send.rps / r.floor.rps));
    const ofFloor10 = median(runs.map((r) => r.send10.rps / r.floor.rps));
    // The CPU the server spends per request, against the floor's: steady when the machine is busy.
    const cpuOfFloor = median(runs.map((r) => r.floor.cpuUs / r.send.cpuUs));
    const cpuOfFloor10 = median(runs.map((r) => r.floor.cpuUs / r.send10.cpuUs));
    const meets = { ofFloor: ofFloor >= 0.6, p99: send.p99 < 20 };
    const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
    log(`send path (median of ${RUNS} runs, ${CONNECTIONS} connections, ${SECONDS} s each; load average ${runs.map((r) => r.load1.toFixed(2)).join(' / ')}):`);
    log(`  GET /health           ${health.rps} req/s   p50 ${health.p50} ms  p99 ${health.p99} ms   (baseline)`);
    log(`  floor (bench/floor.ts) ${floorRow.rps} msg/s   p50 ${floorRow.p50} ms  p99 ${floorRow.p99} ms   ${floorRow.cpuUs} µs CPU a request (baseline: the stack's floor)`);
    log(`  send, 1 instance      ${send.rps} msg/s   p50 ${send.p50} ms  p99 ${send.p99} ms   ${send.cpuUs} µs CPU a send (event loop ${send.loopUs})`);
    log(`                        = ${pct(ofFloor)} of the floor's rate, ${pct(cpuOfFloor)} by CPU a request, ${pct(ratio)} of /health  [>= 60 % of the floor: ${verdict(meets.ofFloor)}; p99 < 20 ms: ${verdict(meets.p99)}]`);
    log(`  send, 10 instances    ${send10.rps} msg/s   p50 ${send10.p50} ms  p99 ${send10.p99} ms   ${send10.cpuUs} µs CPU a send = ${pct(ofFloor10)} of the floor's rate, ${pct(cpuOfFloor10)} by CPU`);
    log(`  server RSS: idle ${rssIdle.toFixed(0)} MB, right after the send benchmark ${rssAfter.toFixed(0)} MB (V8 heap ${heapAfter.total} MB for ${heapAfter.used} MB used), 12 s later ${rssSettled.toFixed(0)} MB (heap ${heapSettled.total} / ${heapSettled.used} MB) = ${(rssSettled / rssIdle).toFixed(2)}x idle [<= 2x: ${verdict(rssSettled <= 2 * rssIdle)}]; stored on instance 1: ${stats.body.total} (failed ${stats.body.failed}, pending ${stats.body.pending})`);
    const file = writeResult('send', {
      command: 'npx tsx bench/send.ts',
      connections: CONNECTIONS,
      seconds: SECONDS,
      runs,
      median: { health, floor: floorRow, send, send10, sendToHealth: ratio, send10ToHealth: ratio10, sendToFloor: ofFloor, send10ToFloor: ofFloor10, floorCpuToSendCpu: cpuOfFloor, floorCpuToSend10Cpu: cpuOfFloor10 },
      targets: { sendToFloorAtLeast: 0.6, p99BelowMs: 20, meets },
      rssMb: { idle: rssIdle, afterSend: rssAfter, settled: rssSettled, heapAfter, heapSettled },
      storedOnInstance1: stats.body,
    });
    log(`  -> ${file}`);
    return { health, floor: floorRow, send, send10, ratio, ratio10, ofFloor, ofFloor10, cpuOfFloor, rssIdle, rssAfter, rssSettled };
  } finally {
    await floor.stop();
    await server.stop();
    removeDir(server.dir);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runSend();
