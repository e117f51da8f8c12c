/**
 * Many numbers on one server: 1,000 open sandbox instances (sendDelay 0). Measures the server's RSS
 * idle and with all of them open (per instance), sends spread round-robin over all of them beside
 * sends to one instance of the same server in the same run (50 connections), the RSS per stored
 * message after it, and the start of a server with the 1,000 to restore (to listening, and until all
 * are open) beside an empty server's start. Run alone: npx tsx bench/instances.ts   (INSTANCES=...)
 */
import { loadavg } from 'node:os';
import { load } from './support/load.js';
import { log, writeResult } from './support/report.js';
import { openSandboxInstances, removeDir, startServer, tempDir, type BenchServer } from './support/server.js';

const N = Number(process.env.INSTANCES ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const chat = (id: string) => ({ path: `/api/instance/${id}/messages/chat`, body: { to: '905321234567', body: 'Hatline benchmark message' } });

async function openCount(server: BenchServer): Promise<number> {
  const list = await server.call<{ statuses: Record<string, { accountStatus: { status: string } }> }>('GET', '/api/instance');
  return Object.values(list.body.statuses).filter((s) => s.accountStatus.status === 'open').length;
}

export async function runInstances() {
  const dir = tempDir('instances');
  try {
    let server = await startServer({ dir });
    await sleep(2000);
    const rssIdle = server.rssMb();
    const t0 = performance.now();
    const ids = await openSandboxInstances(server, 'n', N, 905_560_000_001);
    for (const id of ids) await server.call('POST', `/api/instance/${id}/settings`, { sendDelay: 0 });
    const createSeconds = (performance.now() - t0) / 1000;
    await sleep(7000); // past a heap trim (5 s of quiet), so that the figure is what the instances hold
    const rssOpen = server.rssMb();
    log(`  ${N} instances created, connected, scanned and set in ${createSeconds.toFixed(1)} s; RSS idle ${rssIdle.toFixed(0)} MB, with ${N} open ${rssOpen.toFixed(0)} MB`);

    let k = 0;
    await load({ url: server.url, connections: CONNECTIONS, duration: 2, method: 'POST', ...chat(ids[0]!) }); // warm-up
    const load1 = loadavg()[0]!;
    const one = await load({ url: server.url, connections: CONNECTIONS, duration: SECONDS, method: 'POST', ...chat(ids[0]!) });
    const spread = await load({ url: server.url, connections: CONNECTIONS, duration: SECONDS, method: 'POST', path: chat(ids[0]!).path, next: () => chat(ids[k++ % N]!) });
    const failed = one.errors + one.non2xx + spread.errors + spread.non2xx;
    log(`  (load ${load1.toFixed(2)}) sends to 1 instance ${one.rps}/s p99 ${one.p99} ms | spread over ${N} ${spread.rps}/s p50 ${spread.p50} p99 ${spread.p99} ms | failed ${failed}`);
    await sleep(12_000); // the last receipts land, the heap is trimmed
    const rssAfterSends = server.rssMb();
    const stored = one.requests + spread.requests + 2 * CONNECTIONS; // the warm-up's are counted too, roughly
    await server.stop();

    const emptyDir = tempDir('empty');
    const empty = await startServer({ dir: emptyDir });
    const emptyStartMs = Math.round(empty.startMs);
    await empty.stop();
    removeDir(emptyDir);

    const t1 = performance.now();
    server = await startServer({ dir });
    const restoreStartMs = Math.round(server.startMs);
    let open = 0;
    while (performance.now() - t1 < 60_000) {
      open = await openCount(server);
      if (open === N) break;
      await sleep(20);
    }
    const allOpenMs = Math.round(performance.now() - t1);
    await sleep(2000);
    const rssRestored = server.rssMb();
    await server.stop();

    const perInstanceMb = (rssOpen - rssIdle) / N;
    const per100kMb = ((rssAfterSends - rssOpen) / stored) * 100_000;
    log(`${N} open sandbox instances on one server (load ${load1.toFixed(2)}):`);
    log(`  RSS idle ${rssIdle.toFixed(0)} MB (baseline), with ${N} open ${rssOpen.toFixed(0)} MB = +${(perInstanceMb * 1024).toFixed(0)} KB per instance; restarted with them ${rssRestored.toFixed(0)} MB`);
    log(`  sends spread over all ${N}: ${spread.rps} msg/s p50 ${spread.p50} p99 ${spread.p99} ms   beside 1 instance of the same server: ${one.rps} msg/s p99 ${one.p99} ms (${((spread.rps / one.rps) * 100).toFixed(0)} %)`);
    log(`  after ${stored} sends (and their receipts): RSS ${rssAfterSends.toFixed(0)} MB = +${per100kMb.toFixed(0)} MB per 100,000 stored messages (after the heap trim)`);
    log(`  start to listening with ${N} to restore ${restoreStartMs} ms, all open after ${allOpenMs} ms   beside an empty server: ${emptyStartMs} ms  [< 2 s: ${restoreStartMs < 2000 ? 'MET' : 'MISSED'}]`);
    const file = writeResult('instances', {
      command: 'npx tsx bench/instances.ts',
      instances: N,
      load1,
      createSeconds,
      rssMb: { idle: rssIdle, open: rssOpen, afterSends: rssAfterSends, restored: rssRestored, perInstanceKb: perInstanceMb * 1024, per100kStored: per100kMb },
      sends: { one: { rps: one.rps, p50: one.p50, p99: one.p99 }, spread: { rps: spread.rps, p50: spread.p50, p99: spread.p99 }, stored, failed },
      start: { emptyStartMs, restoreStartMs, allOpenMs },
    });
    log(`  -> ${file}`);
    return { rssIdle, rssOpen, perInstanceMb, per100kMb, one, spread, emptyStartMs, restoreStartMs, allOpenMs };
  } finally {
    removeDir(dir);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runInstances();
