/**
 * Large JSON bodies cannot take the server's memory past a bound (issue 19): the peak RSS of the
 * server while 6 clients send an 85 MB JSON body each at once (a 63 MB document as base64, the
 * largest a send takes), with the large-body gate at its default (LARGE_BODY_CONCURRENCY=2: two are
 * read at a time, the others answer 503 with Retry-After and the clients send again after it)
 * and, as the baseline in the same run, with the gate off (LARGE_BODY_CONCURRENCY=0: what the
 * server did before, every body read at once). Both do the same work: all 6 documents sent.
 * Peak RSS is the kernel's high-water mark of the server process (VmHWM), which covers every
 * instant, not only those a sampler would catch.
 * Run alone: npx tsx bench/large-bodies.ts
 */
import { readFileSync } from 'node:fs';
import { log, medianOf, RUNS, writeResult } from './support/report.js';
import { openSandboxInstances, removeDir, startServer, TOKEN, type BenchServer } from './support/server.js';

const CLIENTS = 6;
const BODY_MB = 85;
const TO = '905559990001'; // a simulated contact: nothing is received by another instance

/** An 85 MB JSON document send (base64 of zeros). */
function body(): Uint8Array<ArrayBuffer> {
  const head = Buffer.from(`{"to":"${TO}","filename":"big.bin","document":"data:application/octet-stream;base64,`);
  const tail = Buffer.from('"}');
  const n = Math.floor((BODY_MB * 1024 * 1024 - head.length - tail.length) / 4) * 4;
  const out = new Uint8Array(head.length + n + tail.length);
  out.set(head, 0);
  out.fill('A'.charCodeAt(0), head.length, head.length + n);
  out.set(tail, head.length + n);
  return out;
}

/** The kernel's peak resident set size of a process (VmHWM), MB. */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

/**
 * One client: sends until it is answered 200, waiting Retry-After after each 503 (and 1 s after a
 * connection error, which it counts: there should be none).
 */
async function client(server: BenchServer, payload: Uint8Array<ArrayBuffer>): Promise<{ attempts: number; refused: number; connectionErrors: number; status: number }> {
  let refused = 0;
  let connectionErrors = 0;
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(`${server.url}/api/instance/big0/messages/document`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: payload,
      });
      await res.arrayBuffer();
    } catch (err) {
      connectionErrors++;
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      log(`    connection error on attempt ${attempt}: ${cause?.code ?? cause?.message ?? String(err)}`);
      if (attempt >= 20) return { attempts: attempt, refused, connectionErrors, status: 0 };
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    if (res.status !== 503 || attempt >= 20) return { attempts: attempt, refused, connectionErrors, status: res.status };
    refused++;
    await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? '10') * 1000));
  }
}

async function once(concurrency: number, payload: Uint8Array<ArrayBuffer>) {
  const server = await startServer({ env: { LARGE_BODY_CONCURRENCY: String(concurrency) } });
  try {
    await openSandboxInstances(server, 'big', 1);
    const before = peakRssMb(server.pid);
    const t0 = performance.now();
    const results = await Promise.all(Array.from({ length: CLIENTS }, () => client(server, payload)));
    const seconds = (performance.now() - t0) / 1000;
    const failed = results.filter((r) => r.status !== 200);
    if (failed.length) throw new Error(`${failed.length} sends did not end 200: ${JSON.stringify(failed)}`);
    return {
      peakBeforeMb: Math.round(before),
      peakMb: Math.round(peakRssMb(server.pid)),
      refused: results.reduce((a, r) => a + r.refused, 0),
      connectionErrors: results.reduce((a, r) => a + r.connectionErrors, 0),
      seconds: Math.round(seconds * 10) / 10,
    };
  } finally {
    await server.stop();
    removeDir(server.dir);
  }
}

export async function runLargeBodies() {
  const payload = body();
  const gated: Awaited<ReturnType<typeof once>>[] = [];
  const ungated: Awaited<ReturnType<typeof once>>[] = [];
  for (let i = 0; i < RUNS; i++) {
    ungated.push(await once(0, payload));
    gated.push(await once(2, payload));
    log(`  run ${i + 1}: gate off peak ${ungated[i]!.peakMb} MB in ${ungated[i]!.seconds} s; gate 2 at a time peak ${gated[i]!.peakMb} MB in ${gated[i]!.seconds} s (${gated[i]!.refused} refusals retried; connection errors: off ${ungated[i]!.connectionErrors}, on ${gated[i]!.connectionErrors})`);
  }
  const med = { gated: medianOf(gated), ungated: medianOf(ungated) };
  log(`${CLIENTS} parallel ${BODY_MB} MB JSON bodies (median of ${RUNS} runs):`);
  log(`  gate off (baseline, LARGE_BODY_CONCURRENCY=0)  peak RSS ${med.ungated.peakMb} MB (${med.ungated.peakBeforeMb} MB before), all sent in ${med.ungated.seconds} s`);
  log(`  gate on (default, 2 at a time)                 peak RSS ${med.gated.peakMb} MB (${med.gated.peakBeforeMb} MB before), all sent in ${med.gated.seconds} s, ${med.gated.refused} 503s retried`);
  const file = writeResult('large-bodies', { command: 'npx tsx bench/large-bodies.ts', clients: CLIENTS, bodyMb: BODY_MB, runs: { gated, ungated }, median: med });
  log(`  -> ${file}`);
  return med;
}

if (import.meta.url === `file://${process.argv[1]}`) await runLargeBodies();
