import { Migrator, type Kysely } from 'kysely';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { migrations } from '../migrations/index.js';
import { migrate } from '../src/storage/db.js';
import { openTestDatabase } from './support/database.js';
import { as, createEmbedToken, createKey } from './support/access.js';
import { closesServers, eventually, linkedSandbox, testServer, type TestServer } from './support/app.js';

closesServers(test);

const A = '905321000201';
const B = '905321000202';
const C = '905321000203';

const analytics = async (s: TestServer, query = '') => {
  const res = await s.json('GET', `/api/analytics${query}`);
  assert.is(res.status, 200, JSON.stringify(res.body));
  return res.body;
};

async function send(s: TestServer, from: string, to: string, body: string) {
  const res = await s.json('POST', `/api/instance/${from}/messages/chat`, { to, body });
  assert.is(res.status, 200, JSON.stringify(res.body));
  return res.body.id as string;
}

test('analytics count what was sent, received, failed, delivered and read, per hour and per day, with the busiest instances', async () => {
  // 2026-03-10 12:30 UTC; the clock moves by hand.
  let clock = Date.parse('2026-03-10T12:30:00Z');
  const s = await testServer({ now: () => clock });
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  await linkedSandbox(s, 'c', C);

  const ids = [await send(s, 'a', B, 'one'), await send(s, 'a', B, 'two'), await send(s, 'a', C, 'three')];
  await send(s, 'b', A, 'back');
  // WhatsApp refuses this one: a failed row.
  assert.is((await s.json('POST', '/api/instance/a/messages/chat', { to: '120363999999999999@g.us', body: 'x' })).status, 404);
  const received = async (id: string) => (await s.json('GET', `/api/instance/${id}/messages?status=received`)).body.total;
  await eventually('A, B and C received theirs', async () => (await received('a')) === 1 && (await received('b')) === 2 && (await received('c')) === 1);
  // B reads A's messages.
  await s.json('POST', '/api/instance/b/chats/read', { chatId: A });
  await eventually('read receipts', async () => {
    const items = (await s.json('GET', '/api/instance/a/messages?limit=10')).body.items;
    return ids.slice(0, 2).every((id) => items.find((m: any) => m.id === id)?.status === 'read') && items.find((m: any) => m.id === ids[2])?.status === 'delivered';
  });
  await eventually("A's receipt of B's reply", async () => (await s.json('GET', '/api/instance/b/messages?status=delivered')).body.total === 1);

  const day = await analytics(s, '?range=24h');
  assert.equal([day.range, day.granularity, day.instanceId, day.series.length], ['24h', 'hour', null, 24]);
  assert.equal(day.totals, { sent: 4, received: 4, failed: 1, delivered: 4, read: 2, total: 8 });
  const last = day.series[23];
  assert.equal([last.at, last.t], ['2026-03-10T12:00:00.000Z', Date.parse('2026-03-10T12:00:00Z') / 1000]);
  assert.equal([last.sent, last.received, last.failed], [4, 4, 1]);
  assert.is(day.series[0].at, '2026-03-09T13:00:00.000Z');
  assert.ok(day.series.slice(0, 23).every((p: any) => p.sent + p.received + p.failed === 0));
  assert.equal(
    day.topInstances.map((t: any) => [t.instanceId, t.sent, t.received, t.failed, t.total]),
    [
      ['a', 3, 1, 1, 4],
      ['b', 1, 2, 0, 3],
      ['c', 0, 1, 0, 1],
    ],
  );

  const onlyA = await analytics(s, '?range=24h&instanceId=a');
  assert.equal(onlyA.totals, { sent: 3, received: 1, failed: 1, delivered: 3, read: 2, total: 4 });
  assert.equal(onlyA.topInstances.map((t: any) => t.instanceId), ['a']);

  // Two days later: the 24 hours are empty; the 7 days hold them on March 10 (UTC days).
  clock = Date.parse('2026-03-12T08:00:00Z');
  assert.is((await analytics(s, '?range=24h')).totals.total, 0);
  const week = await analytics(s);
  assert.equal([week.range, week.granularity, week.series.length], ['7d', 'day', 7]);
  assert.equal(week.series.map((p: any) => p.at.slice(0, 10)), ['2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12']);
  assert.equal(week.series.map((p: any) => p.sent), [0, 0, 0, 0, 4, 0, 0]);
  assert.is((await analytics(s, '?range=30d')).series.length, 30);
  assert.is((await analytics(s, '?range=90d')).totals.received, 4);
});

test('the counts are kept as messages are written, not read from the history: clearing the history keeps them, a new message adds to them', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  await send(s, 'a', B, 'one');
  await eventually('received', async () => (await analytics(s, '?range=24h')).totals.received === 1);
  const rows = await s.hatline.database.db.selectFrom('message_stats').selectAll().where('instance_id', '=', 'a').execute();
  assert.is(rows.length, 1);
  assert.is(Number(rows[0]!.sent), 1);

  assert.is((await s.json('POST', '/api/instance/a/clear')).status, 200);
  assert.is((await s.json('POST', '/api/instance/b/clear')).status, 200);
  assert.is((await s.json('GET', '/api/instance/a/messages')).body.total, 0);
  assert.equal((await analytics(s, '?range=24h')).totals.sent, 1, 'what was sent stays counted');
  await send(s, 'a', B, 'two');
  await eventually('counted', async () => {
    const { totals } = await analytics(s, '?range=24h');
    return totals.sent === 2 && totals.received === 2;
  });

  // A deleted instance takes its counters with it.
  assert.is((await s.json('DELETE', '/api/instance/a')).status, 200);
  const after = await analytics(s, '?range=24h');
  assert.equal([after.totals.sent, after.totals.received], [0, 2]);
  assert.equal(await s.hatline.database.db.selectFrom('message_stats').selectAll().where('instance_id', '=', 'a').execute(), []);
});

test('the hourly counters are kept 91 days (the longest range and a day more), then pruned', async () => {
  const clock = Date.parse('2026-06-10T12:30:00Z');
  const s = await testServer({ now: () => clock });
  await linkedSandbox(s, 'a', A);
  const hour = Math.floor(clock / 3_600_000) * 3600;
  const day = 86_400;
  const db = s.hatline.database.db;
  await db
    .insertInto('message_stats')
    .values([hour - 92 * day, hour - 89 * day, hour].map((h, i) => ({ instance_id: 'a', hour: h, sent: i + 1, received: 0, failed: 0, delivered: 0, read: 0 })))
    .execute();
  const hours = async () => (await db.selectFrom('message_stats').select('hour').where('instance_id', '=', 'a').orderBy('hour').execute()).map((r) => Number(r.hour));
  assert.equal(await hours(), [hour - 92 * day, hour - 89 * day, hour]);
  assert.is(await s.hatline.services.analytics.prune(), 1);
  assert.equal(await hours(), [hour - 89 * day, hour], 'only the hour older than 91 days went');
  assert.is((await analytics(s, '?range=90d')).totals.sent, 5, 'the 90 days are whole');
  assert.is(await s.hatline.services.analytics.prune(), 0);
});

test('a key sees the analytics of its instances only; bad ranges are 400; embed tokens are refused', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  await send(s, 'a', B, 'x');
  await send(s, 'b', A, 'y');
  await eventually('both received', async () => (await analytics(s, '?range=24h')).totals.received === 2);
  const key = as(s, (await createKey(s, { name: 'b', scope: 'instance', instanceIds: ['b'], permissions: ['read'] })).plain);
  const seen = (await key('GET', '/api/analytics?range=24h')).body;
  assert.equal([seen.totals.sent, seen.totals.received], [1, 1]);
  assert.equal(seen.topInstances.map((t: any) => t.instanceId), ['b']);
  assert.is((await key('GET', '/api/analytics?instanceId=a')).status, 404);
  assert.is((await s.json('GET', '/api/analytics?instanceId=nope')).status, 404);
  const bad = await s.json('GET', '/api/analytics?range=1y');
  assert.is(bad.status, 400);
  assert.match(bad.body.error, /range/);
  const embed = await createEmbedToken(s, { customerLabel: 'Acme', instanceIds: ['a'], permissions: 'read' });
  assert.is((await s.json('GET', '/api/analytics', undefined, { authorization: '', 'x-embed-token': embed.token })).status, 403);
});

test('migration 014 counts the history that was there before it, and the triggers go on from there', async () => {
  const opened = await openTestDatabase();
  const db = opened.db as unknown as Kysely<any>;
  const { '014_analytics': _later, ...before } = migrations;
  assert.not.ok((await new Migrator({ db, provider: { getMigrations: async () => before } }).migrateToLatest()).error);
  await db.insertInto('instances').values({ id: 'a', description: '', engine: 'sandbox', should_run: 0, created_at: 1, updated_at: 1 }).execute();
  const hour = Date.parse('2026-03-10T12:00:00Z') / 1000;
  const row = (id: string, fromMe: number, status: string, timestamp: number, media: string | null = null, mimetype: string | null = null) => ({
    instance_id: 'a', id, chat_id: 'x@s.whatsapp.net', from_jid: 'x', to_jid: 'y', from_me: fromMe, type: media ? 'image' : 'chat', body: id, status, timestamp, media_file: media, media_mimetype: mimetype,
  });
  await db
    .insertInto('messages')
    .values([row('M1', 1, 'read', hour + 10), row('M2', 1, 'failed', hour + 20), row('M3', 0, 'received', hour + 30, 'p.jpg', 'image/jpeg'), row('M4', 1, 'pending', hour + 40), row('M5', 0, 'received', hour + 3600, 'd.pdf', 'application/pdf')])
    .execute();
  await migrate(opened.db);
  const stats = await opened.db.selectFrom('message_stats').selectAll().orderBy('hour').execute();
  assert.equal(
    stats.map((r) => [r.hour, r.sent, r.received, r.failed, r.delivered, r.read].map(Number)),
    [
      [hour, 1, 1, 1, 1, 1],
      [hour + 3600, 0, 1, 0, 0, 0],
    ],
  );
  const files = await opened.db.selectFrom('message_file_counts').select(['kind', 'n']).orderBy('kind').execute();
  assert.equal(files.map((f) => [f.kind, Number(f.n)]), [['document', 1], ['image', 1]]);
  // The pending one is accepted now: counted once, in its hour.
  await opened.db.updateTable('messages').set({ status: 'sent' }).where('id', '=', 'M4').execute();
  await opened.db.updateTable('messages').set({ status: 'delivered' }).where('id', '=', 'M4').execute();
  const first = await opened.db.selectFrom('message_stats').selectAll().where('hour', '=', hour).executeTakeFirstOrThrow();
  assert.equal([first.sent, first.delivered, first.read].map(Number), [2, 2, 1]);
  await opened.close();
});

test.run();
