import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closesServers, linkedSandbox, testServer } from './support/app.js';

// Keyset paging of the history (issue 18): ?cursor= / ?before= beside ?page=, answering nextCursor.

const t = suite('history cursor');
closesServers(t);

t('following nextCursor walks the whole history once, newest first, with the same pages as page=', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a');
  const ids: string[] = [];
  for (let i = 0; i < 23; i++) ids.push((await s.json('POST', '/api/sandbox/a/incoming', { from: `90555000${String(i % 3).padStart(4, '0')}`, body: `m${i}` })).body.id);
  await s.hatline.services.messages.settled('a');
  const seen: string[] = [];
  const first = await s.json('GET', '/api/instance/a/messages?limit=10');
  assert.is(first.body.total, 23);
  assert.type(first.body.nextCursor, 'string');
  seen.push(...first.body.items.map((m: any) => m.id));
  let cursor: string | null = first.body.nextCursor;
  const byPage = (await s.json('GET', '/api/instance/a/messages?limit=10&page=2')).body.items.map((m: any) => m.id);
  let n = 0;
  while (cursor) {
    const next = await s.json('GET', `/api/instance/a/messages?limit=10&cursor=${cursor}`);
    assert.is(next.status, 200);
    assert.not.ok('total' in next.body);
    assert.not.ok('page' in next.body);
    if (n++ === 0) assert.equal(next.body.items.map((m: any) => m.id), byPage, 'the page after page 1 is page 2');
    seen.push(...next.body.items.map((m: any) => m.id));
    cursor = next.body.nextCursor;
  }
  assert.equal(seen, [...ids].reverse(), 'every message once, newest first');
  // The last page of the offset paging says there is nothing after it.
  assert.is((await s.json('GET', '/api/instance/a/messages?limit=10&page=3')).body.nextCursor, null);
});

t('before=<message id> answers the older messages of a chat; bad cursors and unknown ids are refused', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a');
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await s.json('POST', '/api/sandbox/a/incoming', { from: '905550001111', body: `c${i}` })).body.id);
  await s.json('POST', '/api/sandbox/a/incoming', { from: '905550002222', body: 'other chat' });
  const older = await s.json('GET', `/api/instance/a/chats/messages?chatId=905550001111&before=${ids[3]}&limit=2`);
  assert.is(older.status, 200, JSON.stringify(older.body));
  assert.equal(older.body.items.map((m: any) => m.id), [ids[2], ids[1]]);
  const rest = await s.json('GET', `/api/instance/a/chats/messages?chatId=905550001111&cursor=${older.body.nextCursor}&limit=2`);
  assert.equal(rest.body.items.map((m: any) => m.id), [ids[0]]);
  assert.is(rest.body.nextCursor, null);
  const bad = await s.json('GET', '/api/instance/a/messages?cursor=bm9wZQ');
  assert.is(bad.status, 400);
  assert.match(bad.body.error, /cursor/);
  assert.is((await s.json('GET', '/api/instance/a/messages?before=NOPE')).status, 404);
  assert.is((await s.json('GET', `/api/instance/a/messages?before=${ids[0]}&cursor=${older.body.nextCursor}`)).status, 400);
});

t.run();
