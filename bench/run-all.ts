/**
 * Every benchmark, one after another (about 8 minutes on 2 cores): npm run bench
 * Each also runs alone (npx tsx bench/send.ts, incoming.ts, history.ts, jobs.ts, memory.ts).
 * BENCH_RUNS (default 3) runs per figure, medians reported; BENCH_SECONDS (default 10) per load figure.
 * Results: bench/results/*.json, and summary.json with the figures and their targets.
 */
import { runHistory } from './history.js';
import { runIncoming } from './incoming.js';
import { runJobs } from './jobs.js';
import { runMemory } from './memory.js';
import { runSend } from './send.js';
import { log, machine, verdict, writeResult } from './support/report.js';
import { ensureBuilt } from './support/server.js';

const started = performance.now();
log(`Hatline benchmarks on ${JSON.stringify(machine())}`);
ensureBuilt();
log('\n== send path ==');
const send = await runSend();
log('\n== incoming to webhook ==');
const incoming = await runIncoming();
log('\n== history at scale ==');
const history = await runHistory();
log('\n== jobs ==');
const jobs = await runJobs();
log('\n== memory and start-up ==');
const memory = await runMemory();

const rows: [string, string, string, boolean | null][] = [
  ['send, 1 instance', `${send.send.rps} msg/s = ${(send.ofFloor * 100).toFixed(0)} % of the floor (${send.floor.rps}/s)`, '>= 60 % of the floor', send.ofFloor >= 0.6],
  ['send, 1 instance, p99', `${send.send.p99} ms (p50 ${send.send.p50} ms)`, '< 20 ms', send.send.p99 < 20],
  ['send, 10 instances', `${send.send10.rps} msg/s, p99 ${send.send10.p99} ms`, '-', null],
  ['incoming to webhook', `${incoming.med.endToEnd} msg/s end to end, lost ${incoming.meets.noneLost ? 0 : 'some'}, order ${incoming.meets.orderKept ? 'kept' : 'NOT kept'}`, '>= 2,000 msg/s, none lost, order kept', incoming.meets.rate && incoming.meets.noneLost && incoming.meets.orderKept],
  ['history ?chatId= p99', `${history.med.chat1!.p99} ms`, '< 10 ms', history.meets.chat1],
  ['history ?status=failed p99', `${history.med.failed1!.p99} ms`, '< 10 ms', history.meets.failed1],
  ['messages/statistics p99', `${history.med.statistics!.p99} ms`, '< 20 ms', history.meets.statistics],
  ['history, last of 10,000 pages p99', `${history.med.allLast!.p99} ms`, '-', null],
  ['bulk 10,000, delay 0', `${jobs.bulk.bulkPerSecond} msg/s`, '-', null],
  ['scheduler tick, 1,000 due of 100,000', `${jobs.scheduler.tickMs} ms`, '< 200 ms', jobs.meets.tick],
  ['RSS idle / 100 instances / 12 s after send', `${memory.sandbox.rssIdle.toFixed(0)} / ${memory.sandbox.rss100.toFixed(0)} / ${send.rssSettled.toFixed(0)} MB (after send: x ${(send.rssSettled / send.rssIdle).toFixed(2)} of its idle)`, '<= 2 x idle', send.rssSettled <= 2 * send.rssIdle],
  ['start-up with 100 to restore', `${memory.sandbox.median.restoreStartMs} ms`, '< 2 s', memory.meets.startup],
  [
    'wwebjs Chromium tree (lower bound)',
    'skipped' in memory.wwebjs ? `skipped: ${memory.wwebjs.skipped}` : `>= ${memory.wwebjs.chromiumRssMb} MB RSS sum, ${memory.wwebjs.chromiumPssMb} MB PSS`,
    'WAHA: ~400 MB',
    null,
  ],
];
log(`\n== summary (${((performance.now() - started) / 1000).toFixed(0)} s) ==`);
for (const [what, value, target, ok] of rows) log(`  ${what.padEnd(38)} ${value.padEnd(52)} ${target.padEnd(26)} ${ok === null ? '' : verdict(ok)}`);
writeResult('summary', { command: 'npm run bench', seconds: (performance.now() - started) / 1000, rows: rows.map(([what, value, target, ok]) => ({ what, value, target, met: ok })) });
