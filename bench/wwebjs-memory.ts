/**
 * The memory of one wwebjs session's Chromium: the real whatsapp-web.js Client, built by the server's
 * own factory (src/engines/wwebjs/client-factory.ts) in /usr/bin/chromium, against the imitation of
 * WhatsApp Web (test/support/wa-imitation: a page much smaller than the real app, served locally, so
 * this is NOT the cost of a real WhatsApp Web session). Linked by QR, then 200 incoming messages;
 * every 500 ms for 15 s the PSS (and RSS) of every process on the session's profile is summed; the
 * last sample is reported. PSS splits a shared page between its users, so the Chromium binary's pages
 * (file-backed) count in full for one session alone and are shared by a second; the anonymous part
 * is what each session holds for itself.
 * Each run measures the flags the server ships (CHROMIUM_ARGS + CHROMIUM_LEAN_ARGS) beside the same
 * without CHROMIUM_LEAN_ARGS, one after the other. Run alone: npx tsx bench/wwebjs-memory.ts
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type WAWebJS from 'whatsapp-web.js';
import { processesUsingProfile, profileDirOf } from '../src/engines/wwebjs/chromium.js';
import { destroyClient, imitationClientFactory, phone } from '../test/support/wa-imitation/harness.js';
import { log, median, RUNS, writeResult } from './support/report.js';
import { pssMbOf, rssMbOf } from './support/server.js';

const WAHA_MB = 400;
const MESSAGES = 200;
const SAMPLE_SECONDS = 15;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function within<T>(what: string, ms: number, p: Promise<T>): Promise<T> {
  return Promise.race([p, sleep(ms).then(() => Promise.reject(new Error(`${what}: not within ${ms} ms`)))]);
}

interface Sample { pssMb: number; anonMb: number; rssMb: number; processes: number }

/** Anonymous memory's share of PSS (Pss_Anon, MB): what a second session would not share with the first. */
function anonPssMbOf(pid: number): number {
  try {
    const m = /^Pss_Anon:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function measure(lean: boolean, extraArgs: readonly string[]): Promise<{ peak: Sample; last: Sample }> {
  const sessionDir = mkdtempSync(path.join(tmpdir(), 'hatline-bench-wwebjs-'));
  const params = { instanceId: 'bench', sessionDir, pairingPhone: null };
  const factory = imitationClientFactory({ shape: '2026-07', library: 'patched', lean, extraArgs });
  const client = factory(params) as unknown as WAWebJS.Client;
  const profile = profileDirOf(sessionDir, params.instanceId);
  try {
    const qr = new Promise((r) => client.once('qr', r));
    const ready = new Promise((r) => client.once('ready', r));
    let received = 0;
    client.on('message', () => void received++);
    await within('initialize', 60_000, client.initialize());
    await within('QR', 30_000, qr);
    const ph = phone(client, 30_000);
    await ph.scan('905550000001', 'Bench Phone');
    await within('ready', 30_000, ready);
    for (let i = 0; i < MESSAGES; i++) await ph.receive({ from: 'alice', body: `incoming ${i}` });
    const deadline = Date.now() + 30_000;
    while (received < MESSAGES && Date.now() < deadline) await sleep(50);
    if (received < MESSAGES) throw new Error(`only ${received} of ${MESSAGES} messages reached the library`);
    let peak: Sample = { pssMb: 0, anonMb: 0, rssMb: 0, processes: 0 };
    let last = peak;
    for (const end = Date.now() + SAMPLE_SECONDS * 1000; Date.now() < end; await sleep(500)) {
      const pids = processesUsingProfile(profile);
      last = { pssMb: pids.reduce((a, p) => a + pssMbOf(p), 0), anonMb: pids.reduce((a, p) => a + anonPssMbOf(p), 0), rssMb: pids.reduce((a, p) => a + rssMbOf(p), 0), processes: pids.length };
      if (last.pssMb > peak.pssMb) peak = last;
    }
    return { peak, last };
  } finally {
    await destroyClient(client, params);
    rmSync(sessionDir, { recursive: true, force: true });
  }
}

export async function runWwebjsMemory() {
  const extra = (process.env.BENCH_CHROMIUM_ARGS ?? '').split(' ').filter(Boolean);
  const runs: { load1: number; before: Sample; after: Sample }[] = [];
  for (let i = 0; i < RUNS; i++) {
    const load1 = loadavg()[0]!;
    const before = (await measure(false, [])).last;
    const after = (await measure(true, extra)).last;
    runs.push({ load1, before, after });
    const f = (s: Sample) => `PSS ${s.pssMb.toFixed(0)} MB (anonymous ${s.anonMb.toFixed(0)} MB; RSS sum ${s.rssMb.toFixed(0)} MB, ${s.processes} processes)`;
    log(`  run ${i + 1} (load ${load1.toFixed(2)}): without the lean flags ${f(before)} | as shipped${extra.length ? ` + ${extra.join(' ')}` : ''} ${f(after)}`);
  }
  const m = (pick: (r: (typeof runs)[number]) => number) => Math.round(median(runs.map(pick)));
  const result = {
    before: { pssMb: m((r) => r.before.pssMb), anonMb: m((r) => r.before.anonMb), rssMb: m((r) => r.before.rssMb), processes: m((r) => r.before.processes) },
    after: { pssMb: m((r) => r.after.pssMb), anonMb: m((r) => r.after.anonMb), rssMb: m((r) => r.after.rssMb), processes: m((r) => r.after.processes) },
  };
  log(`one wwebjs session's Chromium against the imitation of WhatsApp Web (linked, ${MESSAGES} messages in; median of ${RUNS}; NOT a real WhatsApp Web session):`);
  log(`  without CHROMIUM_LEAN_ARGS (baseline)  PSS ${result.before.pssMb} MB (anonymous ${result.before.anonMb} MB), RSS summed ${result.before.rssMb} MB over ${result.before.processes} processes`);
  log(`  as shipped                             PSS ${result.after.pssMb} MB (anonymous ${result.after.anonMb} MB), RSS summed ${result.after.rssMb} MB over ${result.after.processes} processes   (WAHA publishes ~${WAHA_MB} MB per session, real WhatsApp Web)`);
  const file = writeResult('wwebjs-memory', { command: 'npx tsx bench/wwebjs-memory.ts', extraArgs: extra, messages: MESSAGES, runs, median: result, wahaPublishedMb: WAHA_MB });
  log(`  -> ${file}`);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) await runWwebjsMemory();
