/**
 * The wwebjs engine's history capability (issue 19: liveness and backfill) over the fake client:
 * the probe of the library's event path and of the newest message the page holds, the chats
 * active since a time, a chat's messages since a time (mapped as their live events were), and how
 * each answers when the page fails. The real library and page are in wa-imitation-history.test.ts.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MessageMedia } from './support/fake-wwebjs/model.js';
import { disposeRigs, failureOf, linkedRig } from './support/wwebjs-rig.js';

const test = suite('wwebjs history capability over the fake client');
test.after.each(disposeRigs);

const ALICE = '905321112233';
const BOB = '905321114455';
const api = (phone: string) => `${phone}@s.whatsapp.net`;
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const nowSec = () => Math.floor(Date.now() / 1000);

test('probe: the event path is alive, and newestAt is the newest message the page holds (a newer notice is no message)', async () => {
  const { engine, events, fake } = await linkedRig().then((r) => ({ ...r, fake: r.fake() }));
  assert.equal(await engine.history!.probe(), { bridge: true, newestAt: null }, 'nothing held yet');
  const now = nowSec();
  fake.receive(ALICE, 'first', { timestamp: now - 60 });
  fake.receive(BOB, 'second', { timestamp: now - 30 });
  fake.receive(BOB, '', { type: 'e2e_notification', timestamp: now });
  await events.until('both messages', () => events.messages.length === 2);
  assert.equal(await engine.history!.probe(), { bridge: true, newestAt: now - 30 });
});

test('probe: once the library stops listening, messages reach the page without events; the bridge is reported gone and the page holds a newer message than the last event', async () => {
  const { engine, events, fake } = await linkedRig().then((r) => ({ ...r, fake: r.fake() }));
  const now = nowSec();
  fake.receive(ALICE, 'heard', { timestamp: now - 10 });
  await events.until('the message', () => events.messages.length === 1);
  fake.deafen('listeners');
  fake.receive(BOB, 'unheard', { timestamp: now });
  const probe = await engine.history!.probe();
  assert.equal(probe, { bridge: false, newestAt: now });
  assert.ok(probe.newestAt! > events.messages[0]!.timestamp, 'ahead of the last event');
  assert.equal(events.messages.map((m) => m.body), ['heard'], 'the second message was never reported');
});

test('probe: the function the listeners call is gone: the bridge is reported gone', async () => {
  const { engine, fake } = await linkedRig().then((r) => ({ ...r, fake: r.fake() }));
  assert.is((await engine.history!.probe()).bridge, true);
  fake.deafen('binding');
  assert.is((await engine.history!.probe()).bridge, false);
});

test('recentChats: person and group chats active at or after `since`, newest first, at most `limit`, a LID chat under its phone id', async () => {
  const { engine, events, fake } = await linkedRig().then((r) => ({ ...r, fake: r.fake() }));
  const now = nowSec();
  fake.migrate('905329990001', '123450000001@lid');
  const group = fake.addGroup('Team', [ALICE]);
  fake.receive(ALICE, 'long ago', { timestamp: now - 100 });
  fake.receive(BOB, 'a while ago', { timestamp: now - 50 });
  fake.receive(ALICE, 'in the group', { groupId: group, timestamp: now - 20 });
  fake.receive('123450000001@lid', 'from a LID', { timestamp: now - 5 });
  fake.receive('905320000077', 'a status', { timestamp: now, groupId: 'status@broadcast' });
  await events.until('the messages', () => events.messages.length === 4);
  const history = engine.history!;
  assert.equal(await history.recentChats(now - 50, 10), [api('905329990001'), group, api(BOB)], '`since` is inclusive; no status');
  assert.equal(await history.recentChats(now - 50, 2), [api('905329990001'), group]);
  assert.equal(await history.recentChats(now - 1000, 10), [api('905329990001'), group, api(BOB), api(ALICE)]);
  assert.equal(await history.recentChats(now + 1, 10), []);
  assert.equal(await history.recentChats(now - 1000, 0), []);
});

test('messagesSince: from `since` on, oldest first, the newest ones beyond `limit`, each exactly as its live event reported it (media, nativeKey)', async () => {
  const { engine, events, fake } = await linkedRig().then((r) => ({ ...r, fake: r.fake() }));
  const now = nowSec();
  fake.receive(ALICE, 'before', { timestamp: now - 300 });
  const image = fake.receive(ALICE, 'a caption', { media: new MessageMedia('image/png', PNG, 'p.png'), timestamp: now - 30 });
  const text = fake.receive(ALICE, 'later', { timestamp: now - 10 });
  const fromPhone = fake.sendFromPhone(ALICE, 'from the phone');
  fake.receive(BOB, 'another chat', { timestamp: now - 20 });
  await events.until('every message', () => events.messages.length === 5);
  const live = (id: string) => events.messages.find((m) => m.id === id);

  const got = await engine.history!.messagesSince(api(ALICE), now - 30, 10);
  assert.equal(got.map((m) => m.id), [image.id.id, text.id.id, fromPhone.id.id]);
  for (const message of got) assert.equal(message, live(message.id), `${message.body} as its event`);
  assert.equal(got[0]!.media?.data, Buffer.from(PNG, 'base64'), 'the file came along');
  assert.is(got[0]!.nativeKey, image.key);
  assert.equal((await engine.history!.messagesSince(api(ALICE), now - 30, 2)).map((m) => m.body), ['later', 'from the phone']);
  assert.equal(await engine.history!.messagesSince(api('905320000099'), 0, 10), [], 'a chat the page does not hold has none');
});

test('messagesSince: a migrated person\'s messages under their LID and their phone id, as one chat', async () => {
  const { engine, events, fake } = await linkedRig().then((r) => ({ ...r, fake: r.fake() }));
  const now = nowSec();
  fake.receive('905329990001', 'before the move', { timestamp: now - 20 });
  fake.migrate('905329990001', '123450000001@lid');
  fake.receive('123450000001@lid', 'after the move', { timestamp: now - 10 });
  await events.until('both messages', () => events.messages.length === 2);
  assert.equal(await engine.history!.recentChats(now - 60, 10), [api('905329990001')]);
  const got = await engine.history!.messagesSince(api('905329990001'), now - 60, 10);
  assert.equal(got.map((m) => [m.body, m.chatId, m.from]), [
    ['before the move', api('905329990001'), api('905329990001')],
    ['after the move', api('905329990001'), api('905329990001')],
  ]);
});

test('messagesSince pages in earlier messages the page had not loaded, back to `since`, and only a bounded number of times', async () => {
  const { engine, fake } = await linkedRig().then((r) => ({ ...r, fake: r.fake() }));
  const now = nowSec();
  for (const age of [400, 300, 200]) fake.storeOlder(ALICE, `older ${age}`, now - age);
  fake.receive(ALICE, 'recent', { timestamp: now - 10 });
  assert.equal((await engine.history!.messagesSince(api(ALICE), now - 350, 10)).map((m) => m.body), ['older 300', 'older 200', 'recent']);

  // The fake pages in two at a time; the engine asks ten times at most.
  for (let i = 0; i < 30; i++) fake.storeOlder(BOB, `old ${i}`, now - 10_000 + i);
  fake.receive(BOB, 'new', { timestamp: now });
  const bob = await engine.history!.messagesSince(api(BOB), 0, 100);
  assert.is(bob.length, 21, 'twenty paged in, and the one loaded');
  assert.equal(bob.map((m) => m.body).slice(0, 2), ['old 10', 'old 11']);
});

test('each read answers an EngineError when the page cannot: a page error, a hung page (within the timeout), a reload, a browser gone, a session not open', async () => {
  const rig = await linkedRig(undefined, { timings: { healthTimeoutMs: 300 } });
  const { engine } = rig;
  const fake = rig.fake();
  const reads = {
    probe: () => engine.history!.probe(),
    recentChats: () => engine.history!.recentChats(0, 10),
    messagesSince: () => engine.history!.messagesSince(api(ALICE), 0, 10),
  };
  fake.receive(ALICE, 'hi');
  for (const [name, read] of Object.entries(reads)) {
    fake.pageFault = "Evaluation failed: TypeError: Cannot read properties of undefined (reading 'getModelsArray')";
    const fault = await failureOf(read);
    assert.equal([fault.name, fault.reason], ['EngineError', 'failed'], name);
    assert.match(fault.message, /getModelsArray/);
    fake.pageFault = null;

    fake.pageHangs = true;
    const hung = await failureOf(read);
    assert.equal([hung.reason, /WhatsApp Web's page did not answer within 300 ms/.test(hung.message)], ['failed', true], `${name}: ${hung.message}`);
    fake.pageHangs = false;
    await read(); // and it answers again
  }

  fake.reloadPage(60_000);
  for (const [name, read] of Object.entries(reads)) {
    const reloading = await failureOf(read);
    assert.equal([reloading.reason, /not available \(Execution context was destroyed/.test(reloading.message)], ['not_connected', true], `${name}: ${reloading.message}`);
  }

  fake.crashBrowser();
  await rig.events.until('disconnected', () => rig.events.lastStatus()?.status === 'disconnected');
  for (const [name, read] of Object.entries(reads)) assert.is((await failureOf(read)).reason, 'not_connected', name);
});

test.run();
