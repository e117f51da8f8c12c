/**
 * Jobs: a 10,000-recipient bulk job with delay 0 (messages/s, beside the one-instance send rate of
 * the same server, measured just before it), and one scheduler tick with 100,000 pending scheduled messages of which 1,000
 * are due (tick time, beside a tick with none due). The tick is timed in-process (buildHatline on
 * an on-disk database): it is not observable from outside the server.
 * Run alone: npx tsx bench/jobs.ts
 */
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { buildHatline } from '../src/server.js';
import { load } from './support/load.js';
import { log, medianOf, RUNS, verdict, writeResult } from './support/report.js';
import { openSandboxInstances, removeDir, startServer, tempDir, TOKEN } from './support/server.js';

const RECIPIENTS = 10_000;
const SCHEDULED = 100_000;
const DUE = 1000;

async function bulk() {
  const server = await startServer();
  try {
    const [id] = await openSandboxInstances(server, 'bulk', 1);
    const recipients = Array.from({ length: RECIPIENTS }, (_, i) => ({ id: `90533${String(1_000_001 + i)}`, name: `R${i}` }));
    // Warm-up and the baseline: the API send rate of one instance, same server, same run.
    await load({ url: server.url, connections: 50, duration: 2, method: 'POST', path: `/api/instance/${id}/messages/chat`, body: { to: '905321234567', body: 'warm-up' } });
    const runs: { bulkPerSecond: number; seconds: number; sendBaseline: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const baseline = await load({ url: server.url, connections: 50, duration: 5, method: 'POST', path: `/api/instance/${id}/messages/chat`, body: { to: '905321234567', body: 'baseline' } });
      const started = performance.now();
      const created = await server.call<{ jobId: number }>('POST', `/api/instance/${id}/bulk`, { recipients, body: 'Merhaba {name}, benchmark', delay: 0 });
      if (created.status !== 200) throw new Error(`bulk: ${JSON.stringify(created.body)}`);
      const deadline = Date.now() + 120_000;
      let job: { status: string; sent: number; failed: number } = { status: 'queued', sent: 0, failed: 0 };
      // Polled through the job list (status and counts), not GET .../bulk/{jobId}, which answers all
      // 10,000 recipients each time (about 1 MB of JSON, 20 times a second: the polling would cost
      // the server more than a tenth of the job).
      while (Date.now() < deadline) {
        const newest = (await server.call<{ items: (typeof job & { id: number })[] }>('GET', `/api/instance/${id}/bulk?limit=1`)).body.items[0];
        if (newest?.id === created.body.jobId) job = newest;
        if (job.status === 'completed') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const seconds = (performance.now() - started) / 1000;
      if (job.status !== 'completed' || job.sent !== RECIPIENTS) throw new Error(`bulk job ended ${JSON.stringify(job)}`);
      const run = { bulkPerSecond: Math.round(RECIPIENTS / seconds), seconds: Math.round(seconds * 100) / 100, sendBaseline: baseline.rps };
      runs.push(run);
      log(`  bulk run ${i + 1}: ${RECIPIENTS} recipients in ${run.seconds} s = ${run.bulkPerSecond} msg/s (API sends on the same instance: ${baseline.rps} msg/s)`);
    }
    return { runs, median: medianOf(runs), rssMb: server.rssMb() };
  } finally {
    await server.stop();
    removeDir(server.dir);
  }
}

async function schedulerTick() {
  const dir = tempDir('scheduler');
  const config = loadConfig({
    DATA_DIR: path.join(dir, 'data'),
    MEDIA_DIR: path.join(dir, 'media'),
    API_TOKEN: TOKEN,
    HOST: '127.0.0.1',
    ALLOW_PRIVATE_URLS: 'webhook,media',
    DEFAULT_ENGINE: 'sandbox',
    RATE_LIMIT_PER_MINUTE: '0',
  });
  // A cron that does not fire during the benchmark: the ticks below are the only ones.
  const hatline = await buildHatline({ config, logger: silentLogger, schedulerCron: '59 59 23 31 12 *' });
  try {
    const call = async (method: string, url: string, body?: unknown) => {
      const res = await hatline.app.request(url, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
      if (res.status !== 200) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    };
    await call('POST', '/api/instance', { id: 'sched', engine: 'sandbox' });
    await call('POST', '/api/instance/sched/connect', {});
    await call('POST', '/api/sandbox/sched/scan', { phone: '905550000901' });
    const sqlite = hatline.database.sqlite!;
    const insert = sqlite.prepare(
      `insert into scheduled_messages (instance_id, recipient, chat_id, recipient_name, message_type, body, media_url, filename, scheduled_at, status, message_id, error, created_at, sent_at)
       values ('sched', ?, ?, null, 'text', 'scheduled benchmark message', null, null, ?, 'pending', null, null, ?, null)`,
    );
    const now = Date.now();
    const seed = sqlite.transaction((from: number, count: number, at: (i: number) => number) => {
      for (let i = from; i < from + count; i++) {
        const phone = `90534${String(1_000_001 + i)}`;
        insert.run(phone, `${phone}@s.whatsapp.net`, at(i), now);
      }
    });
    seed(0, SCHEDULED - DUE, (i) => now + 86_400_000 + i * 1000); // pending, not due
    const runs: { tickMs: number; handedOn: number; allSentMs: number; emptyTickMs: number }[] = [];
    for (let r = 0; r < RUNS + 1; r++) {
      seed(SCHEDULED + r * DUE, DUE, (i) => Date.now() - 60_000 + (i % DUE)); // due now
      const t0 = performance.now();
      const tick = await hatline.scheduler.tick();
      const tickMs = performance.now() - t0;
      await hatline.scheduler.settled();
      const allSentMs = performance.now() - t0;
      const e0 = performance.now();
      const empty = await hatline.scheduler.tick();
      const emptyTickMs = performance.now() - e0;
      if (tick.handedOn !== DUE || empty.handedOn !== 0) throw new Error(`tick handed on ${tick.handedOn}, then ${empty.handedOn}`);
      const pending = sqlite.prepare(`select count(*) as n from scheduled_messages where status = 'pending'`).get() as { n: number };
      if (r === 0) continue; // warm-up
      const run = { tickMs: Math.round(tickMs * 10) / 10, handedOn: tick.handedOn, allSentMs: Math.round(allSentMs), emptyTickMs: Math.round(emptyTickMs * 10) / 10 };
      runs.push(run);
      log(`  tick run ${r}: ${pending.n} pending left, tick handed on ${DUE} in ${run.tickMs} ms (a tick with none due: ${run.emptyTickMs} ms); all ${DUE} sent ${run.allSentMs} ms after the tick began`);
    }
    return { runs, median: medianOf(runs) };
  } finally {
    await hatline.close();
    removeDir(dir);
  }
}

export async function runJobs() {
  const b = await bulk();
  const s = await schedulerTick();
  const meets = { tick: s.median.tickMs < 200 };
  log(`jobs (median of ${RUNS} runs):`);
  log(`  bulk job, ${RECIPIENTS} recipients, delay 0     ${b.median.bulkPerSecond} msg/s (${b.median.seconds} s)   beside API sends on one instance: ${b.median.sendBaseline} msg/s`);
  log(`  scheduler tick, ${SCHEDULED} pending, ${DUE} due   ${s.median.tickMs} ms   beside an empty tick: ${s.median.emptyTickMs} ms  [< 200 ms: ${verdict(meets.tick)}]; all sent after ${s.median.allSentMs} ms`);
  const file = writeResult('jobs', {
    command: 'npx tsx bench/jobs.ts',
    bulk: { recipients: RECIPIENTS, delay: 0, ...b },
    scheduler: { pending: SCHEDULED, due: DUE, inProcess: true, ...s },
    targets: { tickBelowMs: 200, meets },
  });
  log(`  -> ${file}`);
  return { bulk: b.median, scheduler: s.median, meets };
}

if (import.meta.url === `file://${process.argv[1]}`) await runJobs();
