/**
 * Memory and start-up: server RSS idle and with 100 open sandbox instances; time from start to
 * listening with 100 instances to restore (beside an empty server's start in the same run); and for
 * wwebjs, the RSS of one instance's Chromium process tree as far as it gets here (launched,
 * WhatsApp Web unreachable): a LOWER BOUND, beside WAHA's published ~400 MB per session.
 * Run alone: npx tsx bench/memory.ts
 */
import path from 'node:path';
import { findChromium } from '../src/engines/wwebjs/index.js';
import { processesUsingProfile, profileDirOf } from '../src/engines/wwebjs/chromium.js';
import { log, medianOf, RUNS, verdict, writeResult } from './support/report.js';
import { openSandboxInstances, pssMbOf, removeDir, rssMbOf, startServer, tempDir } from './support/server.js';

const INSTANCES = 100;
const WAHA_MB = 400;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sandboxMemoryAndStartup() {
  const dir = tempDir('memory');
  try {
    let server = await startServer({ dir });
    await sleep(2000);
    const rssIdle = server.rssMb();
    await openSandboxInstances(server, 'm', INSTANCES);
    await sleep(2000);
    const rss100 = server.rssMb();
    await server.stop();

    const runs: { emptyStartMs: number; restoreStartMs: number; allOpenMs: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const emptyDir = tempDir('empty');
      const empty = await startServer({ dir: emptyDir });
      const emptyStartMs = empty.startMs;
      await empty.stop();
      removeDir(emptyDir);

      const t0 = performance.now();
      server = await startServer({ dir });
      const restoreStartMs = server.startMs;
      let open = 0;
      while (performance.now() - t0 < 20_000) {
        const list = await server.call<{ statuses: Record<string, { accountStatus: { status: string } }> }>('GET', '/api/instance');
        open = Object.values(list.body.statuses).filter((s) => s.accountStatus.status === 'open').length;
        if (open === INSTANCES) break;
        await sleep(5);
      }
      const allOpenMs = performance.now() - t0;
      if (open !== INSTANCES) throw new Error(`only ${open} of ${INSTANCES} instances open after the restart`);
      await server.stop();
      runs.push({ emptyStartMs: Math.round(emptyStartMs), restoreStartMs: Math.round(restoreStartMs), allOpenMs: Math.round(allOpenMs) });
      log(`  start run ${i + 1}: empty server listening after ${Math.round(emptyStartMs)} ms; with ${INSTANCES} instances to restore ${Math.round(restoreStartMs)} ms, all open after ${Math.round(allOpenMs)} ms`);
    }
    return { rssIdle, rss100, runs, median: medianOf(runs) };
  } finally {
    removeDir(dir);
  }
}

/** Samples one wwebjs instance's Chromium tree for `seconds`; deletes it; checks none is left. */
async function wwebjsMemory(seconds = 20) {
  let chromium: string;
  try {
    chromium = findChromium(process.env.CHROMIUM_PATH ?? null);
  } catch (err) {
    return { skipped: `no Chromium: ${(err as Error).message}` };
  }
  const dir = tempDir('wwebjs');
  const server = await startServer({ dir, env: { CHROMIUM_PATH: chromium } });
  const profile = profileDirOf(path.join(dir, 'data', 'sessions', 'ww'), 'ww');
  let peak = { rss: 0, pss: 0, processes: 0 };
  let status = '';
  try {
    const rssBefore = server.rssMb();
    const created = await server.call('POST', '/api/instance', { id: 'ww', engine: 'wwebjs' });
    if (created.status !== 200) throw new Error(`create: ${JSON.stringify(created.body)}`);
    await server.call('POST', '/api/instance/ww/connect', {});
    const end = Date.now() + seconds * 1000;
    let serverPeak = 0;
    while (Date.now() < end) {
      const pids = processesUsingProfile(profile);
      const rss = pids.reduce((a, p) => a + rssMbOf(p), 0);
      if (rss > peak.rss) peak = { rss, pss: pids.reduce((a, p) => a + pssMbOf(p), 0), processes: pids.length };
      serverPeak = Math.max(serverPeak, server.rssMb());
      await sleep(250);
    }
    const st = await server.call<{ accountStatus: { status: string; error?: string } }>('GET', '/api/instance/ww/status');
    status = `${st.body.accountStatus.status}${st.body.accountStatus.error ? `: ${st.body.accountStatus.error}` : ''}`;
    await server.call('DELETE', '/api/instance/ww');
    const left = processesUsingProfile(profile);
    return {
      chromiumRssMb: Math.round(peak.rss),
      chromiumPssMb: Math.round(peak.pss),
      processes: peak.processes,
      serverRssBeforeMb: Math.round(rssBefore),
      serverRssPeakMb: Math.round(serverPeak),
      status,
      leftAfterDelete: left.length,
    };
  } finally {
    await server.stop();
    for (const pid of processesUsingProfile(profile)) {
      try {
        process.kill(pid, 'SIGKILL'); // only if deleting the instance left one (reported above)
      } catch {
        // gone
      }
    }
    removeDir(dir);
  }
}

export async function runMemory() {
  const s = await sandboxMemoryAndStartup();
  const w = await wwebjsMemory();
  const meets = { startup: s.median.restoreStartMs < 2000 };
  log(`memory and start-up (median of ${RUNS} runs):`);
  log(`  server RSS idle (no instance)             ${s.rssIdle.toFixed(0)} MB   (baseline)`);
  log(`  server RSS with ${INSTANCES} open sandbox instances ${s.rss100.toFixed(0)} MB   (+${((s.rss100 - s.rssIdle) / INSTANCES).toFixed(2)} MB per instance)`);
  log(`  start to listening, ${INSTANCES} to restore       ${s.median.restoreStartMs} ms   beside an empty server: ${s.median.emptyStartMs} ms  [< 2 s: ${verdict(meets.startup)}]; all ${INSTANCES} open after ${s.median.allOpenMs} ms`);
  if ('skipped' in w) log(`  wwebjs: skipped (${w.skipped})`);
  else
    log(
      `  wwebjs, one instance's Chromium tree      >= ${w.chromiumRssMb} MB RSS (sum over ${w.processes} processes; PSS ${w.chromiumPssMb} MB) LOWER BOUND: WhatsApp Web unreachable here (${w.status}); WAHA publishes ~${WAHA_MB} MB; left after delete: ${w.leftAfterDelete}`,
    );
  const file = writeResult('memory', { command: 'npx tsx bench/memory.ts', instances: INSTANCES, sandbox: s, wwebjs: w, wahaPublishedMb: WAHA_MB, targets: { restoreStartBelowMs: 2000, meets } });
  log(`  -> ${file}`);
  return { sandbox: s, wwebjs: w, meets };
}

if (import.meta.url === `file://${process.argv[1]}`) await runMemory();
