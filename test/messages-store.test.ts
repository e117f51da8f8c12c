import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { canAdvance } from '../src/services/messages/ack-state.js';
import type { HatlineEvent } from '../src/services/events.js';
import { eventually, linkedSandbox, testServer, type TestServer, closesServers } from './support/app.js';

const A = '905321000011';
const B = '905321000012';

async function pair(): Promise<TestServer> {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  return s;
}
const history = async (s: TestServer, id: string, query = '') => (await s.json('GET', `/api/instance/${id}/messages${query}`));

const history_ = suite('history');
closesServers(history_);

history_('filters, pagination and totals return the right rows, newest first', async () => {
  const s = await pair();
  const contacts = ['905550000001', '905550000002', '905550000003'];
  const ids: string[] = [];
  for (let i = 0; i < 9; i++) {
    const r = await s.json('POST', '/api/sandbox/a/incoming', { from: contacts[i % 3], body: `in ${i}` });
    ids.push(r.body.id);
  }
  for (let i = 0; i < 4; i++) await s.json('POST', '/api/instance/a/messages/chat', { to: contacts[0], body: `out ${i}` });
  await s.hatline.services.messages.settled('a');

  const all = (await history(s, 'a')).body;
  assert.is(all.total, 13);
  assert.is(all.page, 1);
  assert.is(all.limit, 100);
  assert.is(all.items.length, 13);
  assert.is(all.items[0].body, 'out 3', 'newest first');
  assert.is(all.items[12].body, 'in 0');

  const chat = (await history(s, 'a', `?chatId=${contacts[0]}`)).body;
  assert.is(chat.total, 7, '3 incoming + 4 outgoing with the first contact');
  assert.ok(chat.items.every((m: any) => m.chatId === `${contacts[0]}@s.whatsapp.net`));
  const byJid = (await history(s, 'a', `?chatId=${contacts[0]}@s.whatsapp.net`)).body;
  assert.is(byJid.total, 7, 'a full id filters the same');

  const received = (await history(s, 'a', '?status=received')).body;
  assert.is(received.total, 9);
  assert.ok(received.items.every((m: any) => !m.fromMe));

  const p1 = (await history(s, 'a', '?limit=5&page=1')).body;
  const p3 = (await history(s, 'a', '?limit=5&page=3')).body;
  assert.is(p1.items.length, 5);
  assert.is(p3.items.length, 3);
  assert.is(p3.total, 13);
  assert.is(p3.items[2].body, 'in 0');
  const p4 = (await history(s, 'a', '?limit=5&page=4')).body;
  assert.equal(p4.items, []);
  const both = (await history(s, 'a', `?status=received&chatId=${contacts[1]}&limit=2`)).body;
  assert.is(both.total, 3);
  assert.is(both.items.length, 2);
  await s.close();
});

history_('a page and its total agree while messages keep arriving', async () => {
  const s = await pair();
  const arriving = 300;
  let written = 0;
  const writer = (async () => {
    const inFlight = new Set<Promise<unknown>>();
    for (let i = 0; i < arriving; i++) {
      const p = s.json('POST', '/api/sandbox/a/incoming', { from: '905550000001', body: `m${i}` }).then(() => void written++);
      inFlight.add(p);
      p.finally(() => inFlight.delete(p)).catch(() => undefined); // a failure is seen through the race below
      if (inFlight.size >= 8) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  })();
  const disagreements: string[] = [];
  let reads = 0;
  let sawMessages = false;
  const deadline = Date.now() + 20_000;
  let failed: unknown = null;
  writer.catch((err) => void (failed = err));
  while (written < arriving && !failed && Date.now() < deadline) {
    const [all, received] = await Promise.all([history(s, 'a', '?limit=1000'), history(s, 'a', '?status=received&limit=1000')]);
    for (const page of [all.body, received.body]) {
      if (page.items.length !== page.total) disagreements.push(`${page.items.length} items, total ${page.total}`);
      if (page.total > 0) sawMessages = true;
    }
    reads++;
    await new Promise((resolve) => setImmediate(resolve)); // requests here run in-process: let the writes' turn come
  }
  await writer;
  const last = (await history(s, 'a', '?limit=1000')).body;
  assert.is(last.total, arriving);
  assert.is(last.items.length, arriving, 'the check can see every message');
  assert.ok(sawMessages && reads > 5, `${reads} reads made while messages arrived`);
  assert.equal(disagreements, [], 'every page answered as many items as its total');
  await s.close();
});

history_('bad history parameters answer 400 naming them', async () => {
  const s = await pair();
  for (const [q, field] of [
    ['?limit=0', 'limit'],
    ['?limit=abc', 'limit'],
    ['?limit=5000', 'limit'],
    ['?page=0', 'page'],
    ['?status=lost', 'status'],
    ['?chatId=nobody', 'chatId'],
  ]) {
    const r = await history(s, 'a', q);
    assert.is(r.status, 400, q);
    assert.match(r.body.error, new RegExp(`^${field}:`), q);
  }
  assert.is((await history(s, 'ghost')).status, 404);
  await s.close();
});

history_('statistics add up: total = received + sent + pending + failed', async () => {
  const s = await pair();
  await s.json('POST', '/api/sandbox/a/incoming', { from: '905550000001', body: 'x' });
  await s.json('POST', '/api/sandbox/a/incoming', { from: '905550000001', body: 'y' });
  const m1 = await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: '1' });
  const m2 = await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: '2' });
  await s.json('POST', '/api/instance/a/messages/chat', { to: '905550000000', body: 'to a number that does not exist: stays sent' });
  await s.json('POST', '/api/instance/a/messages/chat', { to: '120363000000000001@g.us', body: 'fails' });
  await eventually('delivered', async () => (await history(s, 'a', '?status=delivered')).body.total === 2);
  await s.json('POST', '/api/sandbox/a/ack', { msgId: m1.body.id, status: 'read' });
  await s.json('POST', '/api/sandbox/a/ack', { msgId: m2.body.id, status: 'played' });
  await s.hatline.services.messages.settled('a');
  const stats = (await s.json('GET', '/api/instance/a/messages/statistics')).body;
  assert.equal(stats, { total: 6, sent: 3, received: 2, pending: 0, delivered: 2, failed: 1, read: 2 });
  assert.is(stats.total, stats.received + stats.sent + stats.pending + stats.failed);
  await s.close();
});

history_('messages/clear (POST or DELETE) empties the history', async () => {
  const s = await pair();
  for (const method of ['POST', 'DELETE']) {
    await s.json('POST', '/api/sandbox/a/incoming', { from: '905550000001', body: 'x' });
    await s.hatline.services.messages.settled('a');
    assert.is((await history(s, 'a')).body.total, 1);
    assert.equal((await s.json(method, '/api/instance/a/messages/clear')).body, { success: true });
    assert.is((await history(s, 'a')).body.total, 0, method);
  }
  await s.close();
});

history_.run();

const acks = suite('ack state machine');
closesServers(acks);

acks('status only moves forward, or to failed before delivery', () => {
  assert.ok(canAdvance('pending', 'sent'));
  assert.ok(canAdvance('sent', 'read'), 'a step may be skipped');
  assert.ok(canAdvance('read', 'played'));
  assert.not.ok(canAdvance('read', 'delivered'), 'never backwards');
  assert.not.ok(canAdvance('delivered', 'delivered'), 'no repeats');
  assert.ok(canAdvance('pending', 'failed'));
  assert.ok(canAdvance('sent', 'failed'));
  assert.not.ok(canAdvance('delivered', 'failed'));
  assert.not.ok(canAdvance('failed', 'sent'), 'failed is final');
});

acks('out-of-order receipts never move a stored message backwards, each change is one event', async () => {
  const recorded: HatlineEvent[] = [];
  const s = await testServer({ events: { record: async (_trx, _id, e) => void recorded.push(e) } });
  await linkedSandbox(s, 'a', A);
  const sent = await s.json('POST', '/api/instance/a/messages/chat', { to: '905550000001', body: 'x' });
  const id = sent.body.id;
  await eventually('delivered', async () => (await history(s, 'a')).body.items[0].status === 'delivered');
  await s.json('POST', '/api/sandbox/a/ack', { msgId: id, status: 'read' });
  await s.json('POST', '/api/sandbox/a/ack', { msgId: id, status: 'delivered' });
  await s.hatline.services.messages.settled('a');
  assert.is((await history(s, 'a')).body.items[0].status, 'read');
  await s.json('POST', '/api/sandbox/a/ack', { msgId: id, status: 'played' });
  await s.hatline.services.messages.settled('a');
  assert.is((await history(s, 'a')).body.items[0].status, 'played');
  await s.json('POST', '/api/sandbox/a/ack', { msgId: id, status: 'read' });
  await s.hatline.services.messages.settled('a');
  assert.is((await history(s, 'a')).body.items[0].status, 'played');
  const statuses = recorded.filter((e) => e.event === 'message_ack' && e.data.id === id).map((e) => (e.data as { status: string }).status);
  assert.equal(statuses, ['sent', 'delivered', 'read', 'played'], 'one event per change, none for refused receipts');
  const unknown = await s.json('POST', '/api/sandbox/a/ack', { msgId: 'NOPE', status: 'read' });
  assert.is(unknown.status, 404);
  await s.close();
});

acks.run();
