import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fillTemplate, fold, matches } from '../src/services/chatbot/matching.js';
import type { SandboxEngine } from '../src/engines/sandbox/sandbox-engine.js';
import { eventually, linkedSandbox, testServer, type TestServer, closesServers } from './support/app.js';

const A = '905321000051';
const B = '905321000052';
const CUSTOMER = '905559990051';

async function one(): Promise<TestServer> {
  const s = await testServer();
  await linkedSandbox(s, 'a', A, 'Mağaza');
  return s;
}
const outgoing = async (s: TestServer, id: string) =>
  (await s.json('GET', `/api/instance/${id}/messages?limit=1000`)).body.items.filter((m: any) => m.fromMe);

const rules = suite('chatbot rules API');
closesServers(rules);

rules('rules are created with the seed defaults, listed in order, updated by id and deleted', async () => {
  const s = await one();
  const created = await s.json('POST', '/api/instance/a/chatbot/rules', { trigger_text: 'merhaba', response: 'Hoş geldiniz' });
  assert.is(created.status, 200);
  assert.equal(created.body.rule, { id: created.body.id, match_type: 'exact', trigger_text: 'merhaba', response: 'Hoş geldiniz', delay: 1, enabled: 1, priority: 0 });
  const second = await s.json('POST', '/api/instance/a/chatbot/rules', { match_type: 'contains', trigger_text: 'fiyat', response: 'Fiyat listesi', priority: -5, delay: 0 });
  let list = (await s.json('GET', '/api/instance/a/chatbot/rules')).body;
  assert.is(list.enabled, true);
  assert.equal(list.rules.map((r: any) => r.trigger_text), ['fiyat', 'merhaba'], 'priority low first');
  const updated = await s.json('POST', '/api/instance/a/chatbot/rules', { id: created.body.id, trigger_text: 'selam', response: 'Selam!', enabled: false });
  assert.is(updated.status, 200);
  assert.equal(updated.body.rule, { id: created.body.id, match_type: 'exact', trigger_text: 'selam', response: 'Selam!', delay: 1, enabled: 0, priority: 0 });
  assert.equal((await s.json('DELETE', `/api/instance/a/chatbot/rules/${second.body.id}`)).body, { success: true });
  list = (await s.json('GET', '/api/instance/a/chatbot/rules')).body;
  assert.equal(list.rules.map((r: any) => r.id), [created.body.id]);
  assert.is((await s.json('DELETE', `/api/instance/a/chatbot/rules/${second.body.id}`)).status, 404);
  assert.is((await s.json('POST', '/api/instance/a/chatbot/rules', { id: 9999, trigger_text: 'x', response: 'y' })).status, 404);
  assert.equal((await s.json('POST', '/api/instance/a/chatbot/toggle', { enabled: false })).body, { success: true, enabled: false });
  assert.is((await s.json('GET', '/api/instance/a/chatbot/rules')).body.enabled, false);
  await s.close();
});

rules('bad rules answer 400 naming the field; a catastrophic regex is refused', async () => {
  const s = await one();
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ response: 'x' }, /^trigger_text: is required/],
    [{ trigger_text: 'x' }, /^response: is required/],
    [{ trigger_text: '   ', response: 'x' }, /^trigger_text:/],
    [{ trigger_text: 'x', response: 'y', match_type: 'fuzzy' }, /^match_type:/],
    [{ trigger_text: 'x', response: 'y', delay: -1 }, /^delay:/],
    [{ trigger_text: 'x', response: 'y', priority: 'high' }, /^priority:/],
    [{ trigger_text: '(unclosed', response: 'y', match_type: 'regex' }, /^trigger_text: invalid regex/],
    [{ trigger_text: '(a)\\1', response: 'y', match_type: 'regex' }, /^trigger_text: this regex cannot run in linear time/],
    [{ trigger_text: '(?=x)x', response: 'y', match_type: 'regex' }, /^trigger_text: this regex cannot run in linear time/],
  ];
  for (const [body, expected] of cases) {
    const res = await s.json('POST', '/api/instance/a/chatbot/rules', body);
    assert.is(res.status, 400, JSON.stringify(body));
    assert.match(res.body.error, expected);
  }
  assert.is((await s.json('POST', '/api/instance/a/chatbot/toggle', { enabled: 'yes' })).status, 400);
  assert.equal((await s.json('GET', '/api/instance/a/chatbot/rules')).body.rules, []);
  await s.close();
});

rules.run();

const replies = suite('chatbot replies');
closesServers(replies);

replies('a contains rule answers an incoming message with {name}, {phone} and {time} filled', async () => {
  const s = await one();
  await s.json('POST', '/api/instance/a/chatbot/rules', { match_type: 'contains', trigger_text: 'FİYAT', response: 'Merhaba {name} ({phone}), saat {time}', delay: 0 });
  await s.json('POST', '/api/sandbox/a/incoming', { from: CUSTOMER, name: 'Işıl', body: '  Fiyat listesi nedir?  ' });
  const [reply] = await eventually('a reply', async () => {
    const o = await outgoing(s, 'a');
    return o.length ? o : false;
  });
  assert.is(reply.chatId, `${CUSTOMER}@s.whatsapp.net`);
  assert.match(reply.body, new RegExp(`^Merhaba Işıl \\(${CUSTOMER}\\), saat \\d{2}:\\d{2}$`));
  await s.close();
});

replies('the first enabled match by priority answers; disabled rules and the toggle are obeyed', async () => {
  const s = await one();
  await s.json('POST', '/api/instance/a/chatbot/rules', { match_type: 'contains', trigger_text: 'kargo', response: 'general', delay: 0, priority: 10 });
  const specific = await s.json('POST', '/api/instance/a/chatbot/rules', { match_type: 'startswith', trigger_text: 'kargo', response: 'specific', delay: 0, priority: 1 });
  await s.json('POST', '/api/instance/a/chatbot/rules', { match_type: 'regex', trigger_text: '^kargo\\s+\\d+$', response: 'disabled', delay: 0, priority: 0, enabled: false });
  await s.json('POST', '/api/sandbox/a/incoming', { from: CUSTOMER, body: 'Kargo 123' });
  await eventually('specific reply', async () => (await outgoing(s, 'a')).length === 1);
  assert.is((await outgoing(s, 'a'))[0].body, 'specific');
  await s.json('POST', '/api/instance/a/chatbot/rules', { id: specific.body.id, match_type: 'startswith', trigger_text: 'kargo', response: 'specific', enabled: false });
  await s.json('POST', '/api/sandbox/a/incoming', { from: '905559990052', body: 'kargom nerede' });
  await eventually('general reply', async () => (await outgoing(s, 'a')).length === 2);
  assert.is((await outgoing(s, 'a'))[0].body, 'general');
  await s.json('POST', '/api/instance/a/chatbot/toggle', { enabled: false });
  await s.json('POST', '/api/sandbox/a/incoming', { from: '905559990053', body: 'kargo?' });
  await new Promise((r) => setTimeout(r, 300));
  assert.is((await outgoing(s, 'a')).length, 2, 'no reply while the chatbot is off');
  await s.close();
});

replies('the reply waits the rule delay', async () => {
  const s = await one();
  await s.json('POST', '/api/instance/a/chatbot/rules', { trigger_text: 'selam', response: 'hi', delay: 1 });
  const sentAt = Date.now();
  await s.json('POST', '/api/sandbox/a/incoming', { from: CUSTOMER, body: 'SELAM' });
  await new Promise((r) => setTimeout(r, 500));
  assert.is((await outgoing(s, 'a')).length, 0, 'not before the delay');
  await eventually('the reply', async () => (await outgoing(s, 'a')).length === 1, 3000);
  assert.ok(Date.now() - sentAt >= 1000);
  await s.close();
});

replies('two bots answering each other stop after the per-chat cooldown', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await linkedSandbox(s, 'b', B);
  for (const id of ['a', 'b']) {
    await s.json('POST', `/api/instance/${id}/chatbot/rules`, { match_type: 'regex', trigger_text: '.*', response: `bot ${id}`, delay: 0 });
  }
  await s.json('POST', '/api/instance/a/messages/chat', { to: B, body: 'start' });
  // They do answer each other: b three times (its cooldown), a its 'start' and three replies ...
  await eventually('the bots to talk up to their cooldown', async () => (await outgoing(s, 'b')).length === 3 && (await outgoing(s, 'a')).length === 4, 8000);
  // ... and then stop: b's fourth reply in the minute is refused, so a has nothing more to answer.
  await new Promise((r) => setTimeout(r, 600));
  assert.is((await outgoing(s, 'a')).length, 4, 'a stopped');
  assert.is((await outgoing(s, 'b')).length, 3, 'b stopped');
  await s.close();
});

replies('the bot never answers its own messages nor group messages', async () => {
  const s = await one();
  await s.json('POST', '/api/instance/a/chatbot/rules', { match_type: 'contains', trigger_text: 'x', response: 'x back', delay: 0 });
  await s.json('POST', '/api/instance/a/messages/chat', { to: CUSTOMER, body: 'x' });
  (s.hatline.registry.engine('a') as SandboxEngine).ctx.emit({
    type: 'message',
    message: { id: 'PHONE1', chatId: `${CUSTOMER}@s.whatsapp.net`, from: `${A}@s.whatsapp.net`, to: `${CUSTOMER}@s.whatsapp.net`, fromMe: true, kind: 'chat', body: 'x from the phone', timestamp: 1 },
  });
  const group = await s.json('POST', '/api/sandbox/a/groups', { name: 'G', participants: [CUSTOMER] });
  await s.json('POST', '/api/sandbox/a/incoming', { from: CUSTOMER, body: 'x in group', groupId: group.body.id });
  // The same rule does answer the customer writing in their own chat, after the two above.
  await s.json('POST', '/api/sandbox/a/incoming', { from: CUSTOMER, body: 'x, directly' });
  await eventually('the reply to the direct message', async () => (await outgoing(s, 'a')).some((m: any) => m.body === 'x back'));
  const bodies = (await outgoing(s, 'a')).map((m: any) => m.body);
  assert.is(bodies.filter((b: string) => b === 'x back').length, 1, `one reply only, to the direct message: ${JSON.stringify(bodies)}`);
  await s.close();
});

replies.run();

const matching = suite('matching');
closesServers(matching);

matching('folding ignores case (Turkish dotted and dotless i too) and surrounding spaces', () => {
  assert.is(fold('  IŞIK İstanbul '), 'işik istanbul');
  assert.ok(matches({ match_type: 'exact', trigger_text: 'Merhaba' }, '  MERHABA '));
  assert.ok(matches({ match_type: 'startswith', trigger_text: 'sipariş' }, 'SİPARİŞ 42'));
  assert.not.ok(matches({ match_type: 'exact', trigger_text: 'merhaba' }, 'merhaba!'));
  assert.ok(matches({ match_type: 'regex', trigger_text: 'SİPARİŞ\\s+\\d+' }, 'sipariş 42'));
  assert.is(fillTemplate('{name}/{phone}/{time}/{other}', { name: 'N', phone: 'P', time: 'T' }), 'N/P/T/{other}');
});

matching('a regex that backtracks catastrophically elsewhere runs in linear time here', () => {
  const started = Date.now();
  assert.not.ok(matches({ match_type: 'regex', trigger_text: '^(a+)+$' }, 'a'.repeat(1000) + '!'));
  assert.ok(Date.now() - started < 1000, 'no catastrophic backtracking');
});

matching.run();
