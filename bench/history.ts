/**
 * History at scale: 1,000,000 stored messages over 1,000 chats on one instance; latency of
 * GET .../messages?chatId=, ?status=failed (page 1), .../messages/statistics, and what deep
 * pages cost, beside GET /health of the same server. One connection (the latency of one request).
 * Run alone: npx tsx bench/history.ts   (HISTORY_MESSAGES=... to change the size)
 */
import path from 'node:path';
import { load } from './support/load.js';
import { log, medianOf, RUNS, verdict, writeResult } from './support/report.js';
import { chatJid, seededMessageId, seedMessages } from './support/seed.js';
import { removeDir, startServer, tempDir } from './support/server.js';

const MESSAGES = Number(process.env.HISTORY_MESSAGES ?? 1_000_000);
const CHATS = 1000;
const SECONDS = Number(process.env.HISTORY_SECONDS ?? 3);
const ID = 'hist';

export async function runHistory() {
  const dir = tempDir('history');
  try {
    // The server creates the schema and the instance; the messages go in directly.
    const first = await startServer({ dir });
    const created = await first.call('POST', '/api/instance', { id: ID, engine: 'sandbox' });
    if (created.status !== 200) throw new Error(`create: ${JSON.stringify(created.body)}`);
    await first.stop();
    const seeded = seedMessages(path.join(dir, 'data'), { instanceId: ID, messages: MESSAGES, chats: CHATS, failedShare: 0.02 });
    log(`  seeded ${MESSAGES} messages over ${CHATS} chats in ${seeded.seconds.toFixed(1)} s`);

    const server = await startServer({ dir });
    try {
      const base = `/api/instance/${ID}/messages`;
      const chat = encodeURIComponent(chatJid(500));
      const stats = await server.call<{ total: number; failed: number }>('GET', `${base}/statistics`);
      if (stats.body.total !== MESSAGES) throw new Error(`expected ${MESSAGES} messages, statistics say ${JSON.stringify(stats.body)}`);
      const failedPages = Math.ceil(stats.body.failed / 100);
      const allPages = Math.ceil(MESSAGES / 100);
      const cases: { key: string; label: string; path: string; auth?: boolean }[] = [
        { key: 'health', label: 'GET /health (baseline)', path: '/health', auth: false },
        { key: 'chat1', label: '?chatId= page 1', path: `${base}?chatId=${chat}` },
        { key: 'failed1', label: '?status=failed page 1', path: `${base}?status=failed` },
        { key: 'statistics', label: 'messages/statistics', path: `${base}/statistics` },
        { key: 'all1', label: 'no filter, page 1', path: base },
        { key: 'chatLast', label: '?chatId= last page (10)', path: `${base}?chatId=${chat}&page=10` },
        { key: 'failedLast', label: `?status=failed last page (${failedPages})`, path: `${base}?status=failed&page=${failedPages}` },
        { key: 'all100', label: 'no filter, page 100', path: `${base}?page=100` },
        { key: 'allMid', label: `no filter, page ${allPages / 2}`, path: `${base}?page=${allPages / 2}` },
        { key: 'allLast', label: `no filter, last page (${allPages})`, path: `${base}?page=${allPages}` },
        // Keyset paging: the page older than a message, at the same depths (the 100 oldest come before message 100).
        { key: 'cursorMid', label: 'before=<id>, the middle page', path: `${base}?before=${seededMessageId(MESSAGES / 2)}` },
        { key: 'cursorLast', label: 'before=<id>, the last page', path: `${base}?before=${seededMessageId(100)}` },
        { key: 'chatCursorLast', label: '?chatId= before=<id>, its last page', path: `${base}?chatId=${chat}&before=${seededMessageId(500 + 100 * CHATS)}` },
      ];
      for (const c of cases) await load({ url: server.url, connections: 1, duration: 0.5, path: c.path, ...(c.auth === false ? { auth: false } : {}) }); // warm-up
      const runs: Record<string, { rps: number; p50: number; p99: number }>[] = [];
      for (let i = 0; i < RUNS; i++) {
        const run: Record<string, { rps: number; p50: number; p99: number }> = {};
        for (const c of cases) {
          const r = await load({ url: server.url, connections: 1, duration: SECONDS, path: c.path, ...(c.auth === false ? { auth: false } : {}) });
          if (r.non2xx || r.errors) throw new Error(`${c.path}: ${r.non2xx} non-2xx, ${r.errors} errors`);
          run[c.key] = { rps: r.rps, p50: r.p50, p99: r.p99 };
        }
        runs.push(run);
        log(`  run ${i + 1}: ` + cases.map((c) => `${c.key} p99 ${run[c.key]!.p99} ms`).join(', '));
      }
      const med = Object.fromEntries(cases.map((c) => [c.key, medianOf(runs.map((r) => r[c.key]!))]));
      const meets = { chat1: med.chat1!.p99 < 10, failed1: med.failed1!.p99 < 10, statistics: med.statistics!.p99 < 20, cursorLast: med.cursorLast!.p99 < 10 };
      log(`history at scale (${MESSAGES} messages, ${CHATS} chats, 1 connection, ${SECONDS} s per figure, median of ${RUNS} runs):`);
      for (const c of cases) {
        const m = med[c.key]!;
        const target =
          c.key === 'chat1' || c.key === 'failed1' || c.key === 'cursorLast' ? `  [p99 < 10 ms: ${verdict(m.p99 < 10)}]` : c.key === 'statistics' ? `  [p99 < 20 ms: ${verdict(m.p99 < 20)}]` : '';
        log(`  ${c.label.padEnd(36)} p50 ${String(m.p50).padStart(7)} ms  p99 ${String(m.p99).padStart(7)} ms  ${String(m.rps).padStart(6)} req/s${target}`);
      }
      const rss = server.rssMb();
      log(`  server RSS with the 1M-message database open, after the queries: ${rss.toFixed(0)} MB`);
      const file = writeResult('history', {
        command: 'npx tsx bench/history.ts',
        messages: MESSAGES,
        chats: CHATS,
        seedSeconds: seeded.seconds,
        seconds: SECONDS,
        cases: cases.map((c) => ({ key: c.key, label: c.label, path: c.path })),
        runs,
        median: med,
        targets: { chat1P99BelowMs: 10, failed1P99BelowMs: 10, statisticsP99BelowMs: 20, cursorLastP99BelowMs: 10, meets },
        rssMb: rss,
      });
      log(`  -> ${file}`);
      return { med, meets };
    } finally {
      await server.stop();
    }
  } finally {
    removeDir(dir);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runHistory();
