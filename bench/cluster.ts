/**
 * Scale-out (issue 20): send throughput of 3 nodes against 1 node, both on PostgreSQL, and the
 * failover time of the 3 nodes. Sandbox instances (sendDelay 0) spread over the nodes by their
 * leases; POST /api/instance/:id/messages/chat spread over the instances and over the nodes (each
 * node gets its share of the connections, so 2 requests in 3 are forwarded to the owner). The
 * 1-node figures of the same run are the baseline. Failover: `kill -9` of the node serving the most
 * instances, and the time until every one of them answers `open` through a surviving node (lease
 * expiry with the default timings, claim, engine start from the shared DATA_DIR).
 *
 * Needs PostgreSQL: scripts/test-postgres.sh run -- npx tsx bench/cluster.ts
 * (or BENCH_DATABASE_URL=postgres://... npx tsx bench/cluster.ts; a database per part is created
 * on that server and dropped afterwards).
 */
import { loadavg } from 'node:os';
import pg from 'pg';
import { load, type LoadResult } from './support/load.js';
import { log, median, RUNS, SECONDS, writeResult } from './support/report.js';
import { removeDir, startServer, tempDir, type BenchServer } from './support/server.js';

const CONNECTIONS = 48;
const INSTANCES = 6;
const TO = '905321234567';

const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;

function databaseUrl(name: string): string {
  const u = new URL(adminUrl!);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const pool = new pg.Pool({ connectionString: adminUrl, max: 1 });
  try {
    return await fn(pool);
  } finally {
    await pool.end();
  }
}

/** Polls every 100 ms; fails after `ms`. */
async function until<T>(what: string, check: () => Promise<T | null | false | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Cluster {
  nodes: BenchServer[];
  ids: string[];
  db: pg.Pool;
  ownerOf(id: string): Promise<string | null>;
  close(): Promise<void>;
}

/** `n` nodes on a new database and one shared DATA_DIR, with INSTANCES linked sandbox instances. */
async function cluster(n: number, name: string): Promise<Cluster> {
  await admin((p) => p.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => p.query(`CREATE DATABASE ${name}`)));
  const dir = tempDir(name);
  const url = databaseUrl(name);
  const nodes: BenchServer[] = [];
  const db = new pg.Pool({ connectionString: url, max: 2 });
  const close = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await db.end();
    await admin((p) => p.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    removeDir(dir);
  };
  try {
    // One at a time: the first migrates the database.
    for (let i = 0; i < n; i++) nodes.push(await startServer({ dir, env: { DATABASE_URL: url, NODE_ID: `n${i}`, NODE_SECRET: 'bench-node-secret-0123456789' } }));
    const ownerOf = async (id: string) => {
      const r = await db.query('select node_id from instance_leases where instance_id = $1 and expires_at > $2', [id, Date.now()]);
      return (r.rows[0]?.node_id as string | undefined) ?? null;
    };
    const ids = Array.from({ length: INSTANCES }, (_, i) => `b${i}`);
    for (const [i, id] of ids.entries()) {
      const r = await nodes[i % n]!.call('POST', '/api/instance', { id, engine: 'sandbox' });
      if (r.status !== 200) throw new Error(`create ${id}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    await until('every instance owned', async () => (await Promise.all(ids.map(ownerOf))).every(Boolean), 30_000);
    for (const [i, id] of ids.entries()) {
      const via = nodes[(i + 1) % n]!;
      for (const [method, p, body] of [
        ['POST', `/api/instance/${id}/settings`, { sendDelay: 0 }],
        ['POST', `/api/instance/${id}/connect`, {}],
        ['POST', `/api/sandbox/${id}/scan`, { phone: String(905_550_000_001 + i) }],
      ] as const) {
        const r = await via.call(method, p, body);
        if (r.status !== 200) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
      }
    }
    return { nodes, ids, db, ownerOf, close };
  } catch (err) {
    await close();
    throw err;
  }
}

interface Row {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/**
 * CONNECTIONS spread over the nodes; the nodes' figures added up. `spread`: each node is sent every
 * instance's messages in turn (most are forwarded); `direct`: each node only its own instances'.
 */
async function sendLoad(c: Cluster, seconds: number, mode: 'spread' | 'direct'): Promise<Row> {
  const per = Math.floor(CONNECTIONS / c.nodes.length);
  const owners = await Promise.all(c.ids.map((id) => c.ownerOf(id)));
  const results: LoadResult[] = await Promise.all(
    c.nodes.map((node, i) => {
      const ids = mode === 'spread' ? c.ids : c.ids.filter((_, k) => owners[k] === `n${i}`);
      let k = 0;
      const chat = () => ({ path: `/api/instance/${ids[k++ % ids.length]}/messages/chat`, body: { to: TO, body: 'Hatline cluster benchmark' } });
      return load({ url: node.url, connections: per, duration: seconds, method: 'POST', path: chat().path, next: chat });
    }),
  );
  return {
    rps: Math.round(results.reduce((sum, r) => sum + r.rps, 0)),
    p50: median(results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    errors: results.reduce((sum, r) => sum + r.errors + r.non2xx, 0),
  };
}

const medianRow = (runs: Row[]): Row => ({
  rps: median(runs.map((r) => r.rps)),
  p50: median(runs.map((r) => r.p50)),
  p99: median(runs.map((r) => r.p99)),
  errors: median(runs.map((r) => r.errors)),
});

async function throughput(n: number): Promise<{ runs: Row[]; median: Row; direct: { runs: Row[]; median: Row } | null; cluster: Cluster }> {
  const c = await cluster(n, `hatline_bench_cluster_${n}`);
  try {
    await sendLoad(c, 2, 'spread'); // warm-up: JIT, connections, the forwarding paths
    const runs: Row[] = [];
    const direct: Row[] = [];
    for (let i = 0; i < RUNS; i++) {
      const row = await sendLoad(c, SECONDS, 'spread');
      runs.push(row);
      log(`  ${n} node${n > 1 ? 's' : ''}, run ${i + 1}: ${row.rps} msg/s  p50 ${row.p50} ms  p99 ${row.p99} ms  errors ${row.errors}`);
      if (n > 1) {
        const own = await sendLoad(c, SECONDS, 'direct');
        direct.push(own);
        log(`  ${n} nodes, each sent only its own instances' messages, run ${i + 1}: ${own.rps} msg/s  p50 ${own.p50} ms  p99 ${own.p99} ms  errors ${own.errors}`);
      }
    }
    return { runs, median: medianRow(runs), direct: n > 1 ? { runs: direct, median: medianRow(direct) } : null, cluster: c };
  } catch (err) {
    await c.close();
    throw err;
  }
}

/** kill -9 of the node serving the most instances; ms until each of them is open through a survivor. */
async function failover(c: Cluster): Promise<{ victim: string; moved: string[]; leasesMovedMs: number; openMs: number }> {
  const owners = new Map(await Promise.all(c.ids.map(async (id) => [id, (await c.ownerOf(id))!] as const)));
  const count = (node: string) => [...owners.values()].filter((o) => o === node).length;
  const victimIndex = c.nodes.map((_, i) => i).sort((a, b) => count(`n${b}`) - count(`n${a}`))[0]!;
  const victim = `n${victimIndex}`;
  const moved = c.ids.filter((id) => owners.get(id) === victim);
  const survivor = c.nodes[(victimIndex + 1) % c.nodes.length]!;
  const killed = performance.now();
  process.kill(c.nodes[victimIndex]!.pid, 'SIGKILL');
  let leasesMovedMs = 0;
  await until('the instances open on the survivors', async () => {
    // Until its leases run out, the others still see the state the dead node last reported.
    if (!leasesMovedMs) {
      const now = await Promise.all(moved.map((id) => c.ownerOf(id)));
      if (!now.every((o) => o && o !== victim)) return false;
      leasesMovedMs = performance.now() - killed;
    }
    for (const id of moved) {
      const r = await survivor.call('GET', `/api/instance/${id}/status`);
      if (r.body?.accountStatus?.status !== 'open') return false;
    }
    return true;
  }, 60_000);
  return { victim, moved, leasesMovedMs: Math.round(leasesMovedMs), openMs: Math.round(performance.now() - killed) };
}

export async function runCluster() {
  if (!adminUrl) {
    log('bench/cluster.ts needs PostgreSQL: scripts/test-postgres.sh run -- npx tsx bench/cluster.ts (or set BENCH_DATABASE_URL)');
    process.exitCode = 1;
    return;
  }
  log(`load average before: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (2 cores)`);
  log(`cluster send path (${CONNECTIONS} connections spread over the nodes, ${INSTANCES} sandbox instances, ${RUNS} runs of ${SECONDS} s):`);
  const one = await throughput(1);
  await one.cluster.close();
  const three = await throughput(3);
  let down;
  try {
    down = await failover(three.cluster);
  } finally {
    await three.cluster.close();
  }
  const ratio = three.median.rps / one.median.rps;
  log(`  1 node  (baseline)   ${one.median.rps} msg/s   p50 ${one.median.p50} ms  p99 ${one.median.p99} ms`);
  log(`  3 nodes              ${three.median.rps} msg/s   p50 ${three.median.p50} ms  p99 ${three.median.p99} ms   = ${ratio.toFixed(2)} x the 1 node`);
  log(`  3 nodes, no forward  ${three.direct!.median.rps} msg/s   p50 ${three.direct!.median.p50} ms  p99 ${three.direct!.median.p99} ms   (each node sent only its own instances' messages)`);
  log(`  failover: kill -9 of ${down.victim} (serving ${down.moved.join(', ')}): leases moved after ${down.leasesMovedMs} ms, all open on the survivors after ${down.openMs} ms (LEASE_TTL_MS 15000, LEASE_RENEW_MS 5000)`);
  const file = writeResult('cluster', {
    command: 'scripts/test-postgres.sh run -- npx tsx bench/cluster.ts',
    connections: CONNECTIONS,
    instances: INSTANCES,
    seconds: SECONDS,
    oneNode: { runs: one.runs, median: one.median },
    threeNodes: { runs: three.runs, median: three.median, toOneNode: ratio, direct: three.direct },
    loadAverageAtEnd: loadavg(),
    failover: down,
  });
  log(`  -> ${file}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await runCluster();
