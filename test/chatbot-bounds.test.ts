/**
 * The chatbot cannot stall the server: rules per instance are capped, a message is matched on its
 * first 1,024 characters, a chat in its cooldown is not matched at all, and one message's matching
 * stops when its time budget runs out (the rest of the server shares the event loop).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { EngineMessage } from '../src/engines/engine.js';
import { Chatbot, MATCH_BUDGET_MS, REPLIES_PER_CHAT } from '../src/jobs/chatbot/chatbot.js';
import type { Logger } from '../src/logger.js';
import { MAX_RULES } from '../src/services/chatbot/chatbot-service.js';
import { MAX_TEXT, matches } from '../src/services/chatbot/matching.js';
import type { MessageService } from '../src/services/messages/message-service.js';
import type { SettingsStore } from '../src/services/settings/settings-store.js';
import * as rulesRepo from '../src/storage/chatbot-repo.js';
import { migrate } from '../src/storage/db.js';
import { track } from './support/cleanup.js';
import { openTestDatabase } from './support/database.js';
import { closesServers, linkedSandbox, testServer } from './support/app.js';

const api = suite('chatbot bounds: the API');
closesServers(api);

api('an instance holds at most MAX_RULES rules; the next is a 409 saying so, and an update still works', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', '905321000061');
  const db = s.hatline.database.db;
  for (let i = 0; i < MAX_RULES; i++) {
    await rulesRepo.insertRule(db, 'a', { match_type: 'contains', trigger_text: `t${i}`, response: 'r', delay: 0, enabled: 1, priority: 0 });
  }
  const over = await s.json('POST', '/api/instance/a/chatbot/rules', { trigger_text: 'one more', response: 'x' });
  assert.is(over.status, 409);
  assert.match(over.body.error, new RegExp(`at most ${MAX_RULES} chatbot rules`));
  const first = (await s.json('GET', '/api/instance/a/chatbot/rules')).body.rules[0];
  assert.is((await s.json('POST', '/api/instance/a/chatbot/rules', { id: first.id, trigger_text: 'changed', response: 'x' })).status, 200);
});

api('a repetition count above 16 is refused for what it is, not blamed on backreferences', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', '905321000062');
  const res = await s.json('POST', '/api/instance/a/chatbot/rules', { match_type: 'regex', trigger_text: '^[a-z]{1,40}$', response: 'x' });
  assert.is(res.status, 400);
  assert.match(res.body.error, /^trigger_text: repetition counts above 16 \(\{1,40\}\) cannot run in linear time/);
  assert.is((await s.json('POST', '/api/instance/a/chatbot/rules', { match_type: 'regex', trigger_text: '^[a-z]{1,16}$', response: 'x' })).status, 200);
});

api.run();

const engine = suite('chatbot bounds: matching');
closesServers(engine);

interface Rig {
  chatbot: Chatbot;
  /** Delivers an incoming message; waits for the reply when one is expected, else gives it 300 ms to (wrongly) come. */
  deliver(body: string, chat?: string, replyExpected?: boolean): Promise<void>;
  sent: string[];
  warnings: string[];
  clockCalls(): number;
}

/** A Chatbot on a real database, with the message service and settings stood in for, and a clock that jumps `stepMs` per reading. */
async function rig(rules: { match_type: 'exact' | 'contains' | 'regex'; trigger_text: string; response: string }[], stepMs: number): Promise<Rig> {
  const opened = await openTestDatabase();
  track(() => opened.close());
  const { db } = opened;
  await migrate(db);
  await db.insertInto('instances').values({ id: 'a', description: '', engine: 'sandbox', should_run: 0, created_at: 1, updated_at: 1 }).execute();
  for (const r of rules) await rulesRepo.insertRule(db, 'a', { ...r, delay: 0, enabled: 1, priority: 0 });
  let onStored: ((instanceId: string, m: EngineMessage, origin: { backfilled: boolean }) => void) | null = null;
  const sent: string[] = [];
  const warnings: string[] = [];
  const messages = {
    onStored: (cb: (instanceId: string, m: EngineMessage, origin: { backfilled: boolean }) => void) => {
      onStored = cb;
    },
    send: async (_i: string, _to: string, content: { body: string }) => {
      sent.push(content.body);
      return { id: 'x' };
    },
  } as unknown as MessageService;
  const settings = { get: async () => ({ chatbotEnabled: true }) } as unknown as SettingsStore;
  const noop = () => undefined;
  const logger = { debug: noop, info: noop, error: noop, warn: (msg: string) => warnings.push(msg), child: () => logger } as unknown as Logger;
  let t = 0;
  let calls = 0;
  const chatbot = new Chatbot({ db, messages, settings, logger, matchClock: () => ((calls += 1), (t += stepMs)) });
  let n = 0;
  const deliver = async (body: string, chat = '905551110000@s.whatsapp.net', replyExpected = true) => {
    const m: EngineMessage = { id: `M${++n}`, chatId: chat, from: chat, to: 'me@s.whatsapp.net', fromMe: false, kind: 'chat', body, timestamp: 1 };
    const before = sent.length;
    onStored!('a', m, { backfilled: false });
    // A reply comes within moments (waited for up to 3 s on a loaded machine).
    const until = Date.now() + (replyExpected ? 3000 : 300);
    while ((sent.length === before || !replyExpected) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
  };
  return { chatbot, deliver, sent, warnings, clockCalls: () => calls };
}

engine('matching stops when its time budget runs out: a rule past it is not tried, and that is logged', async () => {
  const rules = Array.from({ length: 10 }, (_, i) => ({ match_type: 'exact' as const, trigger_text: `rule ${i}`, response: `reply ${i}` }));
  const slow = await rig(rules, MATCH_BUDGET_MS / 3 + 1); // every rule "takes" a third of the budget
  await slow.deliver('rule 1');
  assert.equal(slow.sent, ['reply 1'], 'an early rule still answers');
  await slow.deliver('rule 9', '905551110001@s.whatsapp.net', false);
  assert.equal(slow.sent, ['reply 1'], 'the tenth rule was never reached');
  assert.ok(slow.warnings.some((w) => /time budget ran out/.test(w)));
  const fast = await rig(rules, 0);
  await fast.deliver('rule 9');
  assert.equal(fast.sent, ['reply 9'], 'within the budget the tenth rule answers');
  slow.chatbot.stop();
  fast.chatbot.stop();
});

engine('a chat in its cooldown is not matched at all', async () => {
  const r = await rig([{ match_type: 'regex', trigger_text: '.*', response: 'again' }], 0);
  for (let i = 0; i < REPLIES_PER_CHAT; i++) await r.deliver(`message ${i}`);
  assert.is(r.sent.length, REPLIES_PER_CHAT);
  const before = r.clockCalls();
  await r.deliver('one more', undefined, false);
  assert.is(r.sent.length, REPLIES_PER_CHAT, 'no fourth reply');
  assert.is(r.clockCalls(), before, 'and no rule was matched for it');
  r.chatbot.stop();
});

engine('a rule sees the first MAX_TEXT characters of a message', () => {
  const long = `${'x'.repeat(MAX_TEXT)}SİPARİŞ`;
  assert.not.ok(matches({ match_type: 'contains', trigger_text: 'sipariş' }, long));
  assert.ok(matches({ match_type: 'contains', trigger_text: 'sipariş' }, `${'x'.repeat(MAX_TEXT - 10)}SİPARİŞ`));
});

engine.run();
