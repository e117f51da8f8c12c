/**
 * Nothing stalls the server at 1,000,000 messages: the chats and contacts lists (served from the
 * chats/contacts tables), and clearing or deleting a whole history (batched deletes that yield).
 * The stall is what a client sees: GET /health asked back to back while the clear or delete runs;
 * its longest answer time is the longest the event loop was held. Baselines from the same run:
 * the list query the server ran before the chats table (a GROUP BY over the history), and the
 * single DELETE statement a clear used to be, both timed on the same seeded database.
 * Run alone: npx tsx bench/stall.ts   (STALL_MESSAGES=... to change the size)
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { load } from './support/load.js';
import { log, median, medianOf, RUNS, verdict, writeResult } from './support/report.js';
import { seedMessages } from './support/seed.js';
import { removeDir, startServer, tempDir, type BenchServer } from './support/server.js';

const MESSAGES = Number(process.env.STALL_MESSAGES ?? 1_000_000);
const CHATS = 1000;
const SECONDS = Number(process.env.STALL_SECONDS ?? 3);
const ID = 'big';

/** Runs `work` while asking GET /health back to back; answers the longest /health answer time. */
async function longestWait(server: BenchServer, work: () => Promise<unknown>): Promise<{ workMs: number; longestMs: number; probes: number }> {
  let done = false;
  let longest = 0;
  let probes = 0;
  const probe = (async () => {
    while (!done) {
      const t0 = performance.now();
      await fetch(`${server.url}/health`).then((r) => r.arrayBuffer());
      longest = Math.max(longest, performance.now() - t0);
      probes++;
    }
  })();
  await new Promise((r) => setTimeout(r, 50));
  const t0 = performance.now();
  await work();
  const workMs = performance.now() - t0;
  done = true;
  await probe;
  return { workMs: Math.round(workMs), longestMs: Math.round(longest * 10) / 10, probes };
}

/** A server with ID linked (sandbox) and MESSAGES seeded into its history. */
async function seededServer(dir: string): Promise<BenchServer> {
  const first = await startServer({ dir });
  for (const [method, url, body] of [
    ['POST', '/api/instance', { id: ID, engine: 'sandbox' }],
    ['POST', `/api/instance/${ID}/connect`, {}],
    ['POST', `/api/sandbox/${ID}/scan`, { phone: '905550000001' }],
  ] as const) {
    const r = await first.call(method, url, body);
    if (r.status !== 200) throw new Error(`${url}: ${JSON.stringify(r.body)}`);
  }
  await first.stop();
  const seeded = seedMessages(path.join(dir, 'data'), { instanceId: ID, messages: MESSAGES, chats: CHATS, failedShare: 0.02 });
  log(`  seeded ${MESSAGES} messages over ${CHATS} chats in ${seeded.seconds.toFixed(1)} s`);
  const server = await startServer({ dir });
  for (let i = 0; i < 100; i++) {
    if ((await server.call('GET', `/api/instance/${ID}/status`)).body.accountStatus?.status === 'open') return server;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the seeded instance did not come back open');
}

/** The query the chat list ran before the chats table: the newest message and unread count per chat, over the whole history. */
function oldChatListMs(dbFile: string): number {
  const db = new SQLite(dbFile, { readonly: true });
  const latest = db.prepare(`select chat_id, max(timestamp), max(seq) from messages where instance_id = ? and status != 'failed' group by chat_id`);
  const unread = db.prepare(`select chat_id, count(*) from messages where instance_id = ? and from_me = 0 and seen = 0 group by chat_id`);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    latest.all(ID);
    unread.all(ID);
    times.push(performance.now() - t0);
  }
  db.close();
  return Math.round(median(times));
}

/** The clear as it used to be: one DELETE of the whole history, on the main thread. */
function oldClearMs(dbFile: string): number {
  const db = new SQLite(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const t0 = performance.now();
  db.prepare('delete from messages where instance_id = ?').run(ID);
  const ms = performance.now() - t0;
  db.close();
  return Math.round(ms);
}

export async function runStall() {
  const dir = tempDir('stall');
  const copy = tempDir('stall-baseline');
  try {
    let server = await seededServer(dir);
    const dbFile = path.join(dir, 'data', 'hatline.db');
    // The baselines run on a copy of the same seeded database, taken while the server is idle.
    mkdirSync(copy, { recursive: true });
    await server.stop();
    copyFileSync(dbFile, path.join(copy, 'baseline.db'));
    server = await startServer({ dir });
    await new Promise((r) => setTimeout(r, 300));

    const lists: Record<string, { p50: number; p99: number; rps: number }>[] = [];
    for (const p of ['chats', 'contacts']) await load({ url: server.url, connections: 1, duration: 0.5, path: `/api/instance/${ID}/${p}` });
    for (let i = 0; i < RUNS; i++) {
      const run: Record<string, { p50: number; p99: number; rps: number }> = {};
      for (const p of ['chats', 'contacts']) {
        const r = await load({ url: server.url, connections: 1, duration: SECONDS, path: `/api/instance/${ID}/${p}` });
        if (r.non2xx || r.errors) throw new Error(`${p}: ${r.non2xx} non-2xx, ${r.errors} errors`);
        run[p] = { p50: r.p50, p99: r.p99, rps: r.rps };
      }
      lists.push(run);
    }
    const chats = medianOf(lists.map((r) => r.chats!));
    const contacts = medianOf(lists.map((r) => r.contacts!));
    const oldList = oldChatListMs(path.join(copy, 'baseline.db'));

    const clear = await longestWait(server, async () => {
      const r = await server.call('POST', `/api/instance/${ID}/clear`);
      if (r.status !== 200) throw new Error(`clear: ${JSON.stringify(r.body)}`);
    });
    const after = await server.call('GET', `/api/instance/${ID}/messages/statistics`);
    if (after.body.total !== 0) throw new Error(`the clear left ${after.body.total} messages`);
    await server.stop();
    removeDir(dir);

    server = await seededServer(dir);
    const remove = await longestWait(server, async () => {
      const r = await server.call('DELETE', `/api/instance/${ID}`);
      if (r.status !== 200) throw new Error(`delete: ${JSON.stringify(r.body)}`);
    });
    await server.stop();
    const oldClear = oldClearMs(path.join(copy, 'baseline.db'));

    const meets = { lists: chats.p99 < 10 && contacts.p99 < 10, clear: clear.longestMs < 50, delete: remove.longestMs < 50 };
    log(`nothing stalls (${MESSAGES} messages, ${CHATS} chats; lists: 1 connection, ${SECONDS} s, median of ${RUNS} runs):`);
    log(`  GET .../chats      p50 ${chats.p50} ms  p99 ${chats.p99} ms  [p99 < 10 ms: ${verdict(chats.p99 < 10)}]   before (GROUP BY over the history): ${oldList} ms a call`);
    log(`  GET .../contacts   p50 ${contacts.p50} ms  p99 ${contacts.p99} ms  [p99 < 10 ms: ${verdict(contacts.p99 < 10)}]`);
    log(`  POST .../clear     ${clear.workMs} ms in all, longest /health wait ${clear.longestMs} ms over ${clear.probes} probes  [< 50 ms: ${verdict(meets.clear)}]`);
    log(`  DELETE instance    ${remove.workMs} ms in all, longest /health wait ${remove.longestMs} ms over ${remove.probes} probes  [< 50 ms: ${verdict(meets.delete)}]`);
    log(`  before: one DELETE of the history held the main thread ${oldClear} ms`);
    const file = writeResult('stall', {
      command: 'npx tsx bench/stall.ts',
      messages: MESSAGES,
      chats: CHATS,
      lists: { runs: lists, chats, contacts, oldChatListMs: oldList },
      clear,
      delete: remove,
      oldClearMs: oldClear,
      targets: { listP99BelowMs: 10, stallBelowMs: 50, meets },
    });
    log(`  -> ${file}`);
    return { chats, contacts, clear, remove, oldList, oldClear, meets };
  } finally {
    removeDir(dir);
    removeDir(copy);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runStall();
