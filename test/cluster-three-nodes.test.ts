/**
 * Three real server processes on one PostgreSQL database and one shared DATA_DIR (issue 20):
 * requests to any node work (the owner answers them), `kill -9` of the node serving an instance
 * in the middle of a bulk job moves its instances to the others within 30 s, no recipient gets
 * the message twice, the session comes back without a new scan, every webhook event arrives in
 * order, and the killed node, started again, takes nothing the others hold.
 *
 * Needs PostgreSQL: `scripts/test-postgres.sh run -- npx tsx test/cluster-three-nodes.test.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startChildServer, type ChildServer } from './support/child-server.js';
import { TOKEN } from './support/app.js';
import { closesServers } from './support/cleanup.js';
import { dropTestDatabase, testDatabaseFor, testDatabaseUrl } from './support/database.js';
import { webhookReceiver } from './support/webhook-receiver.js';

const Cluster = suite('three nodes on one PostgreSQL');
closesServers(Cluster);

/** Polls `check` every 200 ms until it answers something truthy; fails after `ms`. */
async function until<T>(what: string, check: () => Promise<T | undefined | null | false>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** An SSE stream of GET /api/events on a node, read frame by frame. */
async function eventStream(base: string) {
  const res = await fetch(`${base}/api/events`, { headers: { authorization: `Bearer ${TOKEN}`, accept: 'text/event-stream' } });
  assert.is(res.status, 200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async until(match: (f: { event?: string; data?: any }) => boolean, ms: number) {
      const deadline = Date.now() + ms;
      for (;;) {
        let at: number;
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          const frame: { event?: string; data?: any } = {};
          for (const line of buffer.slice(0, at).split('\n')) {
            if (line.startsWith('event: ')) frame.event = line.slice(7);
            else if (line.startsWith('data: ')) frame.data = JSON.parse(line.slice(6));
          }
          buffer = buffer.slice(at + 2);
          if (match(frame)) return frame;
        }
        const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), Math.max(1, deadline - Date.now())))]);
        if (chunk === null) throw new Error(`no matching event within ${ms} ms`);
        if (chunk.done) throw new Error('the stream ended');
        buffer += decoder.decode(chunk.value, { stream: true });
      }
    },
    close: () => reader.cancel(),
  };
}

const INSTANCES = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5'];
const RECIPIENTS = Array.from({ length: 30 }, (_, i) => `90533${String(4000001 + i)}`);

Cluster('requests to any node are answered by the owner; a killed owner hands its instances over within 30 s, mid bulk job, sending nobody twice and keeping webhook order', async () => {
  if (!testDatabaseUrl) {
    process.stdout.write('\n  skipped: three nodes share one PostgreSQL database (set TEST_DATABASE_URL: scripts/test-postgres.sh run -- ...)\n');
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-cluster-'));
  const dataDir = path.join(dir, 'data');
  const databaseUrl = (await testDatabaseFor(dataDir))!;
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const receiver = await webhookReceiver();
  const started: ChildServer[] = [];
  try {
    const env = (id: string) => ({ DATA_DIR: dataDir, MEDIA_DIR: path.join(dir, 'media'), DATABASE_URL: databaseUrl, NODE_ID: id, LOG_LEVEL: 'error' });
    const nodes: ChildServer[] = await Promise.all(['n0', 'n1', 'n2'].map((id) => startChildServer(env(id))));
    started.push(...nodes);
    const ownerOf = async (instanceId: string) => {
      const r = await db.query('select node_id from instance_leases where instance_id = $1 and expires_at > $2', [instanceId, Date.now()]);
      return (r.rows[0]?.node_id as string | undefined) ?? null;
    };
    await until('every node registered', async () => (await db.query('select count(*)::int as n from nodes')).rows[0].n === 3, 15_000);

    // Instances created through each node in turn: each node takes those within its fair share.
    for (const [i, id] of INSTANCES.entries()) {
      const created = await nodes[i % 3]!.call('POST', '/api/instance', { id, engine: 'sandbox' });
      assert.is(created.status, 200, `create ${id}: ${JSON.stringify(created.body)}`);
    }
    const owners = new Map<string, string>();
    await until('every instance has an owner', async () => {
      for (const id of INSTANCES) owners.set(id, (await ownerOf(id)) ?? '');
      return [...owners.values()].every(Boolean);
    }, 15_000);
    const perNode = ['n0', 'n1', 'n2'].map((n) => [...owners.values()].filter((o) => o === n).length);
    assert.ok(perNode.every((n) => n >= 1 && n <= 2), `instances spread over the nodes (${perNode})`);

    // Set up and link each instance through a node that does not serve it: forwarded to its owner.
    const notOwner = (id: string) => nodes.find((_, k) => `n${k}` !== owners.get(id))!;
    for (const id of INSTANCES) {
      const via = notOwner(id);
      assert.is((await via.call('POST', `/api/instance/${id}/settings`, { webhookUrl: receiver.url, webhookEnabled: 'true', sendDelay: 0 })).status, 200);
      assert.is((await via.call('POST', `/api/instance/${id}/connect`)).status, 200);
      const scan = await via.call('POST', `/api/sandbox/${id}/scan`, { phone: `9055500000${INSTANCES.indexOf(id) + 1}` });
      assert.is(scan.status, 200, `scan ${id} through a node that does not serve it: ${JSON.stringify(scan.body)}`);
    }
    // Every node answers for every instance, and a send through any of them goes out.
    for (const id of INSTANCES) {
      for (const [k, node] of nodes.entries()) {
        const status = await node.call('GET', `/api/instance/${id}/status`);
        assert.equal(status.body, { accountStatus: { status: 'open' } }, `${id} through n${k}`);
        const sent = await node.call('POST', `/api/instance/${id}/messages/chat`, { to: '905559990001', body: `hello from n${k}` });
        assert.is(sent.status, 200, `send on ${id} through n${k}: ${JSON.stringify(sent.body)}`);
      }
    }
    // The dialects too: a request naming an instance another node serves (in a header, the path or the body) is answered by its owner.
    const dialect = async (node: ChildServer, path: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${node.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as any };
    };
    const bearer = { authorization: `Bearer ${TOKEN}` };
    const gowa = await dialect(notOwner('c1'), '/gowa/send/message', { phone: '905559990003', message: 'gowa by device id' }, { ...bearer, 'x-device-id': 'c1' });
    assert.is(gowa.status, 200, `GoWA send on c1 through a node that does not serve it: ${JSON.stringify(gowa.body)}`);
    const byJid = await dialect(notOwner('c1'), '/gowa/send/message', { phone: '905559990003', message: 'gowa by jid' }, { ...bearer, 'x-device-id': '90555000002@s.whatsapp.net' });
    assert.is(byJid.status, 200, `GoWA send naming c1 by its account's JID: ${JSON.stringify(byJid.body)}`);
    const evolution = await dialect(notOwner('c2'), '/evolution/message/sendText/c2', { number: '905559990003', text: 'evolution in the path' }, { apikey: TOKEN });
    assert.is(evolution.status, 201, `Evolution send on c2 through a node that does not serve it: ${JSON.stringify(evolution.body)}`);
    const conwp = await dialect(notOwner('c3'), '/yonetim/api/index.php?endpoint=send-message', { receiver: '905559990003', data: { message: 'conwp in the body' }, device: 'c3' }, bearer);
    assert.is(conwp.status, 200, `conwp send on c3 (named in the body the node read) through a node that does not serve it: ${JSON.stringify(conwp.body)}`);
    const wonotify = await dialect(notOwner('c4'), '/whatsapp_api/send', { number: '905559990003', type: 'text', message: 'wonotify in the body', instance_id: 'c4', access_token: TOKEN });
    assert.is(wonotify.status, 200, `wonotify send on c4 (token and instance in the body) through a node that does not serve it: ${JSON.stringify(wonotify.body)}`);
    const dialectSends = await db.query(`select instance_id, body from messages where from_me = 1 and chat_id like '905559990003@%' order by instance_id, body`);
    assert.equal(
      dialectSends.rows.map((r) => `${r.instance_id}: ${r.body}`),
      ['c1: gowa by device id', 'c1: gowa by jid', 'c2: evolution in the path', 'c3: conwp in the body', 'c4: wonotify in the body'],
      'each sent once, by the instance it named',
    );
    // The instance list of any node shows what the owners say.
    await until('every node lists every instance open', async () => {
      for (const node of nodes) {
        const list = (await node.call('GET', '/api/instance')).body as { statuses: Record<string, { accountStatus: { status: string } }> };
        if (INSTANCES.some((id) => list.statuses[id]?.accountStatus.status !== 'open')) return false;
      }
      return true;
    }, 15_000);

    // The event stream of any node carries every instance's events, live.
    const c1Owner = owners.get('c1')!;
    const watcher = nodes.find((_, k) => `n${k}` !== c1Owner)!;
    const stream = await eventStream(watcher.url);
    await notOwner('c1').call('POST', '/api/sandbox/c1/incoming', { from: '905559990002', body: 'across nodes' });
    const frame = await stream.until((f) => f.event === 'message_received' && f.data?.data?.body === 'across nodes', 5000);
    assert.is(frame.data.instance_id, 'c1');
    await stream.close();

    // A key created through one node opens the others at once; a forwarded request needs the node secret.
    const key = await nodes[1]!.call('POST', '/api/keys', { name: 'cluster', scope: 'global', permissions: ['read'] });
    assert.is(key.status, 200);
    const withKey = (node: ChildServer, p: string) => fetch(`${node.url}${p}`, { headers: { 'x-api-key': key.body.plain } });
    assert.is((await until('the key is known on n2', async () => ((await withKey(nodes[2]!, '/api/instance')).status === 200 ? true : null), 3000)), true);
    assert.is((await withKey(nodes[0]!, '/api/instance/c2/status')).status, 200, 'a key reaches any instance through any node');
    const spoofed = await fetch(`${nodes[0]!.url}/api/instance/c1/status`, { headers: { authorization: 'Bearer nope', 'x-hatline-forwarded-by': 'n9', 'x-hatline-node-secret': 'guessed' } });
    assert.is(spoofed.status, 403, 'a request that says a node forwarded it without the secret is refused');

    // A GoWA request naming no device is for the key's only instance: answered by that instance's owner.
    const scoped = await nodes[0]!.call('POST', '/api/keys', { name: 'c5 only', scope: 'instance', instanceIds: ['c5'], permissions: ['read', 'send'] });
    assert.is(scoped.status, 200, JSON.stringify(scoped.body));
    const viaOther = notOwner('c5');
    await until('the scoped key is known where it is used', async () => ((await fetch(`${viaOther.url}/api/instance/c5/status`, { headers: { 'x-api-key': scoped.body.plain } })).status === 200 ? true : null), 3000);
    const unnamed = await dialect(viaOther, '/gowa/send/message', { phone: '905559990004', message: 'gowa, the key\'s only device' }, { 'x-api-key': scoped.body.plain });
    assert.is(unnamed.status, 200, `GoWA send with no X-Device-Id through a node that does not serve the key's instance: ${JSON.stringify(unnamed.body)}`);
    const onlyDevice = await db.query(`select instance_id, body from messages where from_me = 1 and chat_id like '905559990004@%'`);
    assert.equal(onlyDevice.rows.map((r) => `${r.instance_id}: ${r.body}`), ["c5: gowa, the key's only device"], 'sent once, by the key\'s instance');

    // A bulk job on c0, started through another node; its owner is killed in the middle of it.
    const victim = owners.get('c0')!;
    const victimIndex = Number(victim.slice(1));
    const survivors = nodes.filter((_, k) => k !== victimIndex);
    const job = await survivors[0]!.call('POST', '/api/instance/c0/bulk', { recipients: RECIPIENTS.map((id) => ({ id })), body: 'Merhaba {phone}', delay: 0.3 });
    assert.is(job.status, 200, JSON.stringify(job.body));
    const jobId = job.body.jobId as number;
    await until('a few recipients sent', async () => (await db.query(`select count(*)::int as n from bulk_recipients where job_id = $1 and status = 'sent'`, [jobId])).rows[0].n >= 5, 20_000);
    const moved = INSTANCES.filter((id) => owners.get(id) === victim);
    await nodes[victimIndex]!.kill('SIGKILL');
    const killedAt = Date.now();

    // Its instances move to the survivors, within 30 s.
    await until('the killed node\'s instances served by the others', async () => {
      for (const id of moved) {
        const owner = await ownerOf(id);
        if (!owner || owner === victim) return false;
      }
      return true;
    }, 30_000);
    const tookMs = Date.now() - killedAt;
    assert.ok(tookMs < 30_000, `moved in ${tookMs} ms`);
    process.stdout.write(`\n  ${moved.join(', ')} moved from ${victim} ${tookMs} ms after its kill\n`);

    // The session came back on its new node without a new scan, and the job finishes there.
    for (const id of moved) {
      await until(`${id} open again`, async () => (await survivors[1]!.call('GET', `/api/instance/${id}/status`)).body?.accountStatus?.status === 'open', 20_000);
      // The account it was linked to, read by its new owner from the shared DATA_DIR; no QR to scan.
      assert.is((await survivors[1]!.call('GET', `/api/instance/${id}/me`)).body.phone, `9055500000${INSTANCES.indexOf(id) + 1}`, `${id} is linked to the same phone`);
      assert.is((await survivors[0]!.call('GET', `/api/instance/${id}/qr`)).body.qrCode, null, `${id} shows no QR`);
    }
    const finished = await until('the bulk job finished', async () => {
      const j = await survivors[1]!.call('GET', `/api/instance/c0/bulk/${jobId}`);
      return j.body.status === 'completed' ? j.body : null;
    }, 40_000);
    const recipients = finished.recipients as { id: string; status: string; error: string | null }[];
    assert.is(recipients.length, RECIPIENTS.length);
    const failed = recipients.filter((r) => r.status === 'failed');
    assert.ok(failed.length <= 1, `at most the send cut off by the kill failed: ${JSON.stringify(failed)}`);
    for (const r of failed) assert.match(r.error ?? '', /server stopped/);
    assert.is(recipients.filter((r) => r.status === 'sent').length + failed.length, RECIPIENTS.length, 'every recipient settled');
    // Nobody got it twice: one message per recipient in the history (a second send would be a second row).
    const perChat = await db.query(
      `select chat_id, count(*)::int as n from messages where instance_id = 'c0' and from_me = 1 and body like 'Merhaba %' group by chat_id`,
    );
    assert.is(perChat.rows.length, RECIPIENTS.length, 'every recipient has its message');
    for (const row of perChat.rows) assert.is(row.n, 1, `${row.chat_id} got the message ${row.n} times`);

    // Every webhook event arrived, in the order of each instance's outbox (retries repeat an id; its first arrival counts).
    await until('every webhook event delivered', async () => (await db.query(`select count(*)::int as n from webhook_events where status <> 'delivered'`)).rows[0].n === 0, 30_000);
    // An event recorded after that wait (a late receipt) may still be on its way: the delivered ones are compared.
    for (const id of INSTANCES) {
      const stored = (await db.query(`select webhook_id from webhook_events where instance_id = $1 and status = 'delivered' order by seq`, [id])).rows.map((r) => r.webhook_id as string);
      const delivered = new Set(stored);
      const arrived: string[] = [];
      for (const r of receiver.accepted) {
        const wid = r.headers['webhook-id'] as string;
        if (r.json?.instance_id === id && delivered.has(wid) && !arrived.includes(wid)) arrived.push(wid);
      }
      assert.ok(stored.length > 0, `${id} has events`);
      assert.equal(arrived, stored, `${id}: webhook events arrived in order, each of them`);
    }

    // The killed node starts again under its NODE_ID: it takes nothing the others hold now...
    const before = new Map(await Promise.all(INSTANCES.map(async (id) => [id, await ownerOf(id)] as const)));
    const back = await startChildServer(env(victim));
    started.push(back);
    await new Promise((r) => setTimeout(r, 6_000)); // past its join time and a renewal
    for (const id of INSTANCES) assert.is(await ownerOf(id), before.get(id), `${id} stays where it is`);
    // ...but it can take what is free: an instance created through it is its own, and nothing else.
    assert.is((await back.call('POST', '/api/instance', { id: 'c9', engine: 'sandbox' })).status, 200);
    assert.is(await until('c9 owned', () => ownerOf('c9'), 10_000), victim);
    assert.is((await survivors[0]!.call('GET', '/api/instance/c9/status')).status, 200, 'and the others forward to it');
    const held = await db.query('select instance_id from instance_leases where node_id = $1 and expires_at > $2', [victim, Date.now()]);
    assert.equal(held.rows.map((r) => r.instance_id), ['c9'], 'the node back holds only what was free');

    // Nothing runs twice: a send through the node back, on an instance it served before its kill,
    // is sent once, by the node serving it now; one on its own instance is sent by it.
    const sentBy = async (node: ChildServer, id: string) => {
      const text = await (await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
      const line = text.split('\n').find((l) => l.startsWith(`hatline_messages_sent_total{instance_id="${id}"}`));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const movedOne = moved[0]!;
    const nowServing = nodes.find((_, k) => `n${k}` === before.get(movedOne))!;
    const servingBefore = await sentBy(nowServing, movedOne);
    const again = await back.call('POST', `/api/instance/${movedOne}/messages/chat`, { to: '905559990004', body: 'after the rejoin' });
    assert.is(again.status, 200, JSON.stringify(again.body));
    assert.is((await db.query(`select count(*)::int as n from messages where instance_id = $1 and body = 'after the rejoin'`, [movedOne])).rows[0].n, 1);
    assert.is(await until(`the send counted by ${before.get(movedOne)}`, async () => ((await sentBy(nowServing, movedOne)) > servingBefore ? true : null), 10_000), true);
    assert.is(await sentBy(back, movedOne), 0, `the node back sent nothing for ${movedOne}`);
    await until('c9 open', async () => (await back.call('POST', '/api/instance/c9/connect')).status === 200 && (await back.call('POST', '/api/sandbox/c9/scan', { phone: '905550000099' })).status === 200, 10_000);
    assert.is((await survivors[0]!.call('POST', '/api/instance/c9/messages/chat', { to: '905559990004', body: 'on its own' })).status, 200);
    assert.is(await until('the node back counts its own send', async () => ((await sentBy(back, 'c9')) === 1 ? true : null), 10_000), true);
  } finally {
    await Promise.all(started.map((n) => n.kill()));
    await receiver.close();
    await db.end();
    await dropTestDatabase(dataDir).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
});

Cluster.run();
