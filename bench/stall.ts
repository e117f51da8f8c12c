/**
 * Nothing stalls the server at 1,000,000 messages: the chats and contacts lists (served from the
 * chats/contacts tables, over HTTP from the compiled server), and clearing or deleting a whole
 * history (batched deletes that yield). The stall of a clear or delete is the longest event-loop
 * delay of the server process while it runs (perf_hooks.monitorEventLoopDelay, 1 ms resolution),
 * measured with the server built in this process so that no client competes for the 2 cores.
 * Baselines from the same run: the list query the server ran before the chats table (a GROUP BY
 * over the history), and the single DELETE statement a clear used to be, both timed on a copy of
 * the same seeded database.
 * Run alone: npx tsx bench/stall.ts   (STALL_MESSAGES=... to change the size)
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { buildHatline } from '../src/server.js';
import { startListFloor } from './list-floor.js';
import { load } from './support/load.js';
import { log, median, medianOf, RUNS, verdict, writeResult } from './support/report.js';
import { seedMessages } from './support/seed.js';
import { removeDir, startServer, tempDir, TOKEN, type BenchServer } from './support/server.js';

const MESSAGES = Number(process.env.STALL_MESSAGES ?? 1_000_000);
const CHATS = 1000;
const SECONDS = Number(process.env.STALL_SECONDS ?? 3);
const ID = 'big';

/** Runs `work` in a server built in this process on `dir`; answers the longest event-loop delay meanwhile. */
type Call = (method: string, url: string) => Promise<{ status: number; body: any }>;

async function longestStall(dir: string, work: (call: Call) => Promise<void>) {
  const config = loadConfig({ DATA_DIR: path.join(dir, 'data'), MEDIA_DIR: path.join(dir, 'media'), API_TOKEN: TOKEN, HOST: '127.0.0.1', ALLOW_PRIVATE_URLS: 'webhook,media', DEFAULT_ENGINE: 'sandbox', RATE_LIMIT_PER_MINUTE: '0' });
  const hatline = await buildHatline({ config, logger: silentLogger, schedulerCron: null });
  const call: Call = async (method, url) => {
    const res = await hatline.app.request(url, { method, headers: { authorization: `Bearer ${TOKEN}` } });
    return { status: res.status, body: await res.json() };
  };
  try {
    await new Promise((r) => setTimeout(r, 500)); // the instance reconnects; start-up work settles
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const t0 = performance.now();
    await work(call);
    const workMs = Math.round(performance.now() - t0);
    delay.disable();
    return { workMs, longestMs: Math.round(delay.max / 1e5) / 10, p99Ms: Math.round(delay.percentile(99) / 1e5) / 10 };
  } finally {
    await hatline.close();
  }
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

    // The list's floor (bench/list-floor.ts) on the baseline copy, measured in the same runs.
    const floor = await startListFloor(path.join(copy, 'baseline.db'));
    type Figure = { p50: number; p99: number; rps: number };
    const paths: Record<string, { url: string; path: string }> = {
      chats: { url: server.url, path: `/api/instance/${ID}/chats` },
      contacts: { url: server.url, path: `/api/instance/${ID}/contacts` },
      chatsPage: { url: server.url, path: `/api/instance/${ID}/chats?limit=100` },
      floorChats: { url: floor.url, path: `/api/instance/${ID}/chats` },
      floorBuilt: { url: floor.url, path: `/api/instance/${ID}/chats-built` },
    };
    const lists: Record<string, Figure>[] = [];
    try {
      for (const p of Object.values(paths)) await load({ url: p.url, connections: 1, duration: 0.5, path: p.path });
      for (let i = 0; i < RUNS; i++) {
        const run: Record<string, Figure> = {};
        for (const [name, p] of Object.entries(paths)) {
          const r = await load({ url: p.url, connections: 1, duration: SECONDS, path: p.path });
          if (r.non2xx || r.errors) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
          run[name] = { p50: r.p50, p99: r.p99, rps: r.rps };
        }
        lists.push(run);
      }
    } finally {
      await floor.stop();
    }
    const figure = (name: keyof typeof paths) => medianOf(lists.map((r) => r[name]!));
    const [chats, contacts, chatsPage, floorChats, floorBuilt] = [figure('chats'), figure('contacts'), figure('chatsPage'), figure('floorChats'), figure('floorBuilt')];
    const oldList = oldChatListMs(path.join(copy, 'baseline.db'));

    await server.stop();
    const clear = await longestStall(dir, async (call) => {
      const r = await call('POST', `/api/instance/${ID}/clear`);
      if (r.status !== 200) throw new Error(`clear answered ${r.status}`);
      const stats = await call('GET', `/api/instance/${ID}/messages/statistics`);
      if (stats.body.total !== 0) throw new Error(`the clear left ${stats.body.total} messages`);
    });
    removeDir(dir);

    server = await seededServer(dir);
    await server.stop();
    const remove = await longestStall(dir, async (call) => {
      const r = await call('DELETE', `/api/instance/${ID}`);
      if (r.status !== 200) throw new Error(`delete answered ${r.status}`);
      if ((await call('GET', `/api/instance/${ID}/status`)).status !== 404) throw new Error('the instance is still there');
    });
    const oldClear = oldClearMs(path.join(copy, 'baseline.db'));

    const meets = { lists: chats.p99 < 10 && contacts.p99 < 10, clear: clear.longestMs < 50, delete: remove.longestMs < 50 };
    log(`nothing stalls (${MESSAGES} messages, ${CHATS} chats; lists: 1 connection, ${SECONDS} s, median of ${RUNS} runs):`);
    log(`  GET .../chats      p50 ${chats.p50} ms  p99 ${chats.p99} ms  [p99 < 10 ms: ${verdict(chats.p99 < 10)}]   before (GROUP BY over the history): ${oldList} ms a call`);
    log(`  GET .../chats?limit=100  p50 ${chatsPage.p50} ms  p99 ${chatsPage.p99} ms (a page of the same list)`);
    log(`  floor (bench/list-floor.ts, the same list from one prepared statement): p50 ${floorChats.p50} ms  p99 ${floorChats.p99} ms; the same answer built once, only served: p50 ${floorBuilt.p50} ms  p99 ${floorBuilt.p99} ms`);
    log(`  GET .../contacts   p50 ${contacts.p50} ms  p99 ${contacts.p99} ms  [p99 < 10 ms: ${verdict(contacts.p99 < 10)}]`);
    log(`  POST .../clear     ${clear.workMs} ms in all, event loop delay: longest ${clear.longestMs} ms, p99 ${clear.p99Ms} ms  [longest < 50 ms: ${verdict(meets.clear)}]`);
    log(`  DELETE instance    ${remove.workMs} ms in all, event loop delay: longest ${remove.longestMs} ms, p99 ${remove.p99Ms} ms  [longest < 50 ms: ${verdict(meets.delete)}]`);
    log(`  before: one DELETE of the history held the main thread ${oldClear} ms`);
    const file = writeResult('stall', {
      command: 'npx tsx bench/stall.ts',
      messages: MESSAGES,
      chats: CHATS,
      lists: { runs: lists, chats, contacts, chatsPage, floorChats, floorBuilt, oldChatListMs: oldList },
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
