/**
 * Ownership by lease (issue 20): several LeaseKeepers on one database, with a clock the test moves.
 * They run on the run's database (SQLite in memory, or PostgreSQL with TEST_DATABASE_URL); the test
 * of nodes claiming at the same moment through their own connections needs PostgreSQL.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../src/logger.js';
import { LeaseKeeper } from '../src/services/cluster/lease-keeper.js';
import type { OwnershipListener } from '../src/services/cluster/ownership.js';
import { migrate, openDatabase, type OpenedDb } from '../src/storage/db.js';
import * as instancesRepo from '../src/storage/instances-repo.js';
import * as leasesRepo from '../src/storage/leases-repo.js';
import { openTestDatabase, onPostgres } from './support/database.js';

const RENEW = 5000;
const TTL = 15_000;

interface Node {
  keeper: LeaseKeeper;
  gained: string[];
  lost: string[];
}

function rig() {
  let t = 1_000_000_000;
  let opened: OpenedDb | null = null;
  const extra: OpenedDb[] = [];
  return {
    now: () => t,
    advance: (ms: number) => (t += ms),
    async open(instances: number): Promise<OpenedDb> {
      opened = await openTestDatabase();
      await migrate(opened.db);
      for (let i = 0; i < instances; i++) await this.create(`i${String(i).padStart(2, '0')}`);
      return opened;
    },
    async create(id: string) {
      await instancesRepo.insertInstance(opened!.db, { id, description: '', engine: 'sandbox', should_run: 0, account_id: null, account_name: null, account_phone: null, created_at: t, updated_at: t });
    },
    /** A node; `pool` gives it connections of its own (PostgreSQL), as separate processes have. */
    async node(id: string, opts: { joinMs?: number; pool?: string } = {}): Promise<Node> {
      let db = opened!;
      if (opts.pool) {
        db = openDatabase({ url: opts.pool, file: ':memory:' });
        extra.push(db);
      }
      const n: Node = { keeper: null as unknown as LeaseKeeper, gained: [], lost: [] };
      const listener: OwnershipListener = {
        gained: async (ids) => void n.gained.push(...(ids ?? [])),
        lost: async (ids) => void n.lost.push(...ids),
      };
      n.keeper = new LeaseKeeper({
        db: db.db,
        dialect: db.dialect,
        node: { id, url: `http://${id}.test`, secret: `secret-of-${id}-0123456789` },
        renewMs: RENEW,
        ttlMs: TTL,
        joinMs: opts.joinMs ?? RENEW,
        now: () => t,
        logger: silentLogger,
      });
      await n.keeper.start(listener);
      return n;
    },
    async leases() {
      return leasesRepo.allLeases(opened!.db);
    },
    async close() {
      for (const d of extra) await d.close();
      await opened?.close();
    },
  };
}

type Rig = ReturnType<typeof rig>;

/** Every instance is held by at most one node, and the database agrees with what each node believes. */
async function assertNoDoubleOwnership(r: Rig, nodes: Node[]) {
  const seen = new Map<string, string>();
  for (const n of nodes) {
    for (const id of n.keeper.holding()) {
      assert.not.ok(seen.has(id), `${id} is held by ${seen.get(id)} and ${n.keeper.nodeId}`);
      seen.set(id, n.keeper.nodeId);
    }
  }
  for (const lease of await r.leases()) {
    if (seen.has(lease.instance_id)) assert.is(lease.node_id, seen.get(lease.instance_id), `the lease row of ${lease.instance_id} names its holder`);
  }
  return seen;
}

const Leases = suite('leases');
let r: Rig;
Leases.before.each(() => {
  r = rig();
});
Leases.after.each(async () => {
  await r.close();
});

Leases('nodes started together wait for each other, then each claims its fair share and nothing is held twice', async () => {
  await r.open(7);
  const a = await r.node('a');
  const b = await r.node('b');
  const c = await r.node('c');
  assert.equal([a, b, c].map((n) => n.keeper.holding().length), [0, 0, 0], 'nobody claims before the join time');
  r.advance(RENEW);
  for (const n of [a, b, c]) await n.keeper.tick();
  const counts = [a, b, c].map((n) => n.keeper.holding().length);
  assert.equal(counts, [3, 3, 1], 'ceil(7 / 3) = 3 each, the last takes what is left');
  const held = await assertNoDoubleOwnership(r, [a, b, c]);
  assert.is(held.size, 7, 'every instance is served');
  assert.equal(a.gained.sort(), a.keeper.holding(), 'the node was told of each instance it gained');
  // Renewals keep them where they are.
  r.advance(RENEW);
  for (const n of [a, b, c]) await n.keeper.tick();
  assert.equal([a, b, c].map((n) => n.keeper.holding().length), [3, 3, 1]);
  assert.equal([...a.lost, ...b.lost, ...c.lost], [], 'nothing was lost while renewing');
});

Leases('a node that stops renewing loses its instances to the others within the lease time; it stops counting them as its own first', async () => {
  await r.open(6);
  const a = await r.node('a');
  const b = await r.node('b');
  const c = await r.node('c');
  r.advance(RENEW);
  for (const n of [a, b, c]) await n.keeper.tick();
  const ofA = a.keeper.holding();
  assert.is(ofA.length, 2);
  // a stops (a kill -9: no release). b and c renew every RENEW.
  const diedAt = r.now();
  let movedAfter = -1;
  for (let step = 1; step <= 8; step++) {
    r.advance(RENEW);
    for (const n of [b, c]) await n.keeper.tick();
    const taken = ofA.every((id) => b.keeper.holding().includes(id) || c.keeper.holding().includes(id));
    if (taken && movedAfter < 0) movedAfter = r.now() - diedAt;
  }
  assert.ok(movedAfter > 0 && movedAfter <= TTL + RENEW, `a's instances moved ${movedAfter} ms after its last renewal`);
  assert.ok(movedAfter >= TTL, 'not before its leases ran out');
  assert.equal(a.keeper.holding(), [], 'a, had it survived, counts none of them as its own any more (without any renewal)');
  const held = await assertNoDoubleOwnership(r, [b, c]);
  assert.is(held.size, 6);
  assert.equal([b, c].map((n) => n.keeper.holding().length), [3, 3], 'the two survivors share: ceil(6 / 2)');
});

Leases('a node that was paused past its leases finds them taken: it is told it lost them and claims none back', async () => {
  await r.open(4);
  const a = await r.node('a', { joinMs: 0 });
  assert.is(a.keeper.holding().length, 4, 'alone, a takes everything');
  const b = await r.node('b', { joinMs: 0 });
  assert.is(b.keeper.holding().length, 0, 'b takes nothing a holds');
  r.advance(TTL + 1);
  await b.keeper.tick();
  assert.is(b.keeper.holding().length, 4, "a's leases ran out: b took them (a counts as dead: ceil(4 / 1))");
  await a.keeper.tick(); // a wakes up
  assert.equal(a.lost.sort(), ['i00', 'i01', 'i02', 'i03'], 'a is told it lost them');
  assert.equal(a.keeper.holding(), [], 'a takes none back: b holds them');
  await assertNoDoubleOwnership(r, [a, b]);
});

Leases('a node that rejoins takes only free instances, never held ones; one that stops cleanly hands its instances over at once', async () => {
  await r.open(6);
  const a = await r.node('a');
  const b = await r.node('b');
  r.advance(RENEW);
  for (const n of [a, b]) await n.keeper.tick();
  assert.equal([a.keeper.holding().length, b.keeper.holding().length], [3, 3]);
  // A third node joins: fair share is now 2, but it takes nothing that a or b hold.
  const c = await r.node('c');
  r.advance(RENEW);
  for (const n of [a, b, c]) await n.keeper.tick();
  assert.equal([a.keeper.holding().length, b.keeper.holding().length, c.keeper.holding().length], [3, 3, 0]);
  assert.equal([...a.lost, ...b.lost], [], 'nobody lost anything to the newcomer');
  // It can claim: a new instance is free, and c is under its share.
  await r.create('i99');
  await c.keeper.created('i99');
  assert.equal(c.keeper.holding(), ['i99'], 'c claimed the new instance');
  // b stops cleanly: its leases are released and taken at the next renewal, not after the lease time.
  const ofB = b.keeper.holding();
  await b.keeper.stop();
  r.advance(RENEW);
  for (const n of [a, c]) await n.keeper.tick();
  const now = [...a.keeper.holding(), ...c.keeper.holding()];
  for (const id of ofB) assert.ok(now.includes(id), `${id} was taken over at the next renewal`);
  await assertNoDoubleOwnership(r, [a, c]);
});

Leases('a node started again under the same NODE_ID renews the leases it held at once', async () => {
  await r.open(3);
  const a = await r.node('a', { joinMs: 0 });
  assert.is(a.keeper.holding().length, 3);
  r.advance(1000);
  const again = await r.node('a', { joinMs: 60_000 });
  assert.equal(again.keeper.holding(), ['i00', 'i01', 'i02'], 'its own leases, without waiting to join');
  assert.equal(again.gained.sort(), ['i00', 'i01', 'i02']);
});

Leases('a node stopped cleanly and started again under the same NODE_ID takes back what nobody took meanwhile, and nothing that was taken', async () => {
  await r.open(4);
  const a = await r.node('a', { joinMs: 0 });
  const b = await r.node('b', { joinMs: 0 });
  assert.equal([a.keeper.holding().length, b.keeper.holding().length], [4, 0]);
  await a.keeper.stop();
  // Meanwhile requests reach b for two of them: free, b takes them.
  assert.equal(await b.keeper.locate('i00'), { at: 'here' });
  assert.equal(await b.keeper.locate('i01'), { at: 'here' });
  const again = await r.node('a', { joinMs: 60_000 });
  assert.equal(again.keeper.holding(), ['i02', 'i03'], 'its own, at once; not those b took');
  await assertNoDoubleOwnership(r, [again, b]);
});

Leases('locate: here for an instance this node holds, the holder for one another node holds, and a free one is taken by the node asked', async () => {
  await r.open(2);
  const a = await r.node('a', { joinMs: 0 });
  const b = await r.node('b', { joinMs: 0 });
  assert.equal(await a.keeper.locate('i00'), { at: 'here' });
  assert.equal(await b.keeper.locate('i00'), { at: 'node', nodeId: 'a', url: 'http://a.test', secret: 'secret-of-a-0123456789' });
  await r.create('i50');
  assert.equal(await b.keeper.locate('i50'), { at: 'here' }, 'nobody held it: b took it');
  assert.equal(b.gained, ['i50']);
  assert.equal(await a.keeper.locate('i50'), { at: 'node', nodeId: 'b', url: 'http://b.test', secret: 'secret-of-b-0123456789' });
  await assertNoDoubleOwnership(r, [a, b]);
});

Leases('nodes claiming at the same moment through their own connections never take the same instance (PostgreSQL)', async () => {
  if (!onPostgres) {
    process.stdout.write('\n  skipped: concurrent claims need PostgreSQL (set TEST_DATABASE_URL, e.g. scripts/test-postgres.sh run -- ...)\n');
    return;
  }
  const db = await r.open(30);
  const url = await currentUrl(db);
  for (let round = 0; round < 3; round++) {
    const nodes = await Promise.all(['p', 'q', 's'].map((id) => r.node(`${id}${round}`, { pool: url })));
    r.advance(RENEW);
    await Promise.all(nodes.map((n) => n.keeper.tick()));
    const held = await assertNoDoubleOwnership(r, nodes);
    assert.is(held.size, 30, 'every instance is held');
    for (const n of nodes) assert.ok(n.keeper.holding().length <= 10, `${n.keeper.nodeId} stays within its share`);
    for (const n of nodes) await n.keeper.stop();
  }
});

/** The URL of the database a test database was opened on (PostgreSQL). */
async function currentUrl(db: OpenedDb): Promise<string> {
  const { sql } = await import('kysely');
  const name = (await sql<{ name: string }>`select current_database() as name`.execute(db.db)).rows[0]!.name;
  const u = new URL(process.env.TEST_DATABASE_URL!);
  u.pathname = `/${name}`;
  return u.toString();
}

Leases.run();
