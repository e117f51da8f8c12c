/**
 * The chatbot cannot stall the server (issue 19): the longest event-loop delay of a server built in
 * this process while twenty 4 KB messages reach an instance with the most rules it may hold
 * (MAX_RULES regex rules that do not match), and how long the replies of a second instance take
 * meanwhile. Baseline from the same run: the matching the chatbot did before, timed directly on the
 * same rules and messages (every rule, each folding the whole message again, up to 4,096 characters).
 * Run alone: npx tsx bench/chatbot.ts
 */
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { buildHatline } from '../src/server.js';
import { MAX_RULES } from '../src/services/chatbot/chatbot-service.js';
import { compilePattern, fold } from '../src/services/chatbot/matching.js';
import * as rulesRepo from '../src/storage/chatbot-repo.js';
import { log, medianOf, RUNS, writeResult } from './support/report.js';
import { removeDir, tempDir, TOKEN } from './support/server.js';

const MESSAGES = 20;
/** Rules that run the whole text and never match: the worst a rule can cost. */
const RULES = Array.from({ length: MAX_RULES }, (_, i) => `(x|y|z|w)*q${i}$`);
const TEXT = (i: number) => `${'ab '.repeat(1365)}${i}`; // ~4 KB

async function run() {
  const dir = tempDir('hatline-bench-chatbot-');
  const config = loadConfig({ DATA_DIR: path.join(dir, 'data'), MEDIA_DIR: path.join(dir, 'media'), API_TOKEN: TOKEN, HOST: '127.0.0.1', ALLOW_PRIVATE_URLS: 'webhook,media', DEFAULT_ENGINE: 'sandbox', RATE_LIMIT_PER_MINUTE: '0' });
  const hatline = await buildHatline({ config, logger: silentLogger, schedulerCron: null });
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await hatline.app.request(url, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  try {
    for (const [id, phone] of [['busy', '905550000001'], ['other', '905550000002']] as const) {
      await call('POST', '/api/instance', { id, engine: 'sandbox' });
      await call('POST', `/api/instance/${id}/connect`);
      const scanned = await call('POST', `/api/sandbox/${id}/scan`, { phone });
      if (scanned.status !== 200) throw new Error(`scan ${id}: ${scanned.status} ${JSON.stringify(scanned.body)}`);
    }
    const db = hatline.database.db;
    for (const pattern of RULES) await rulesRepo.insertRule(db, 'busy', { match_type: 'regex', trigger_text: pattern, response: 'x', delay: 0, enabled: 1, priority: 0 });
    await call('POST', '/api/instance/other/chatbot/rules', { match_type: 'contains', trigger_text: 'ping', response: 'pong', delay: 0 });
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const t0 = performance.now();
    for (let i = 0; i < MESSAGES; i++) await call('POST', '/api/sandbox/busy/incoming', { from: `9055511${String(i).padStart(5, '0')}`, body: TEXT(i) });
    const pingAt = performance.now();
    await call('POST', '/api/sandbox/other/incoming', { from: '905559990123', body: 'ping' });
    for (const deadline = Date.now() + 60_000; ; ) {
      const out = await call('GET', '/api/instance/other/messages?limit=5');
      if (out.body.items.some((m: any) => m.body === 'pong')) break;
      if (Date.now() > deadline) throw new Error(`no pong within 60 s: ${JSON.stringify(out.body).slice(0, 300)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const replyMs = performance.now() - pingAt;
    await new Promise((r) => setTimeout(r, 300)); // the busy instance's matching settles
    delay.disable();
    return { totalMs: Math.round(performance.now() - t0), longestStallMs: Math.round(delay.max / 1e5) / 10, otherInstanceReplyMs: Math.round(replyMs) };
  } finally {
    await hatline.close();
    removeDir(dir);
  }
}

/** The matching of before, on the same rules and messages: every rule tried, each folding up to 4,096 characters again. */
function before() {
  const compiled = RULES.map((p) => compilePattern(p));
  const t0 = performance.now();
  let longest = 0;
  for (let i = 0; i < MESSAGES; i++) {
    const m0 = performance.now();
    const text = TEXT(i);
    for (const re of compiled) re.test(fold(text.length > 4096 ? text.slice(0, 4096) : text));
    longest = Math.max(longest, performance.now() - m0);
  }
  return { totalMs: Math.round(performance.now() - t0), longestMessageMs: Math.round(longest) };
}

const runs = [];
const baselines = [];
for (let r = 0; r < RUNS; r++) {
  baselines.push(before());
  runs.push(await run());
}
const result = { rules: MAX_RULES, messages: MESSAGES, now: medianOf(runs), before: medianOf(baselines) };
log(`chatbot: ${MAX_RULES} regex rules, ${MESSAGES} messages of 4 KB`);
log(`  now:    longest event-loop stall ${result.now.longestStallMs} ms; another instance's reply in ${result.now.otherInstanceReplyMs} ms; all in ${result.now.totalMs} ms`);
log(`  before: matching alone held the event loop ${result.before.longestMessageMs} ms per message, ${result.before.totalMs} ms in all`);
writeResult('chatbot', result);
