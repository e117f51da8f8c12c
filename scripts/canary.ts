// The real-phone canary (`npm run canary`, docs/CANARY.md): drives a running Hatline server over
// its HTTP API with two instances linked to two phones, A and B, and checks what whatsapp-web.js
// breaks when WhatsApp Web changes: every kind of send, receiving, acks, replies, reactions,
// delete for everyone, read, archive, the lists, number checks, the profile picture, blocking
// and logging out. It prints a PASS/FAIL/SKIP table with the WhatsApp Web version, writes it as
// JSON (CANARY_RESULT, default canary-result.json), and exits 1 when a check failed.
// CANARY_ENGINE=sandbox runs it against sandbox instances instead (how test/canary.test.ts runs it).
import { randomBytes } from 'node:crypto';
import { Api } from './canary/api.js';
import { ConfigError, loadCanaryConfig, type CanaryConfig } from './canary/config.js';
import { path, type Ctx } from './canary/context.js';
import { acksReach, archive, markRead, react, reply, revoke, revokeSeen } from './canary/conversation.js';
import {
  block,
  contactLookup,
  findSharedGroup,
  groupLists,
  groupMessage,
  listsContain,
  logout,
  numberCheck,
  phoneUnlink,
  profilePicture,
  unblock,
} from './canary/directory.js';
import { checkServer, link, waWebVersion } from './canary/link.js';
import { canaryMedia } from './canary/media.js';
import { progressLine, table, writeResult, type CanaryResult } from './canary/report.js';
import { Runner } from './canary/runner.js';
import { sendAndReceive, sendCases } from './canary/sends.js';

async function run(cfg: CanaryConfig, controller: AbortController): Promise<number> {
  const started = new Date();
  const tag = randomBytes(3).toString('hex');
  const ctx: Ctx = {
    cfg,
    api: new Api(cfg.url, cfg.token, controller.signal, cfg.timeoutMs),
    signal: controller.signal,
    tag,
    media: canaryMedia(tag),
    a: { label: 'A', id: cfg.idA, account: null, linkedPhone: null },
    b: { label: 'B', id: cfg.idB, account: null, linkedPhone: null },
    sentByA: [],
    replyId: null,
    say: (line) => console.log(line),
  };
  console.log(`Hatline canary ${tag}: ${cfg.url}, engine ${cfg.engine}, A = ${cfg.idA}, B = ${cfg.idB}\n`);
  const runner = new Runner(controller.signal, (row) => console.log(progressLine(row)));
  const info = { hatlineVersion: 'unknown', waWebVersion: 'unknown', library: 'unknown' };
  let blockTried = false;

  await runner.check('server answers', async () => {
    const s = await checkServer(ctx);
    info.hatlineVersion = s.hatlineVersion;
    info.library = s.library;
    return `Hatline ${s.hatlineVersion}; token accepted; engines ${s.engines.join(', ')}; ${s.library}`;
  });
  if (runner.result('server answers') !== 'PASS') runner.stop('the server must answer first');
  await runner.check(`link A (${cfg.idA})`, () => link(ctx, ctx.a, ctx.b));
  await runner.check(`link B (${cfg.idB})`, () => link(ctx, ctx.b, ctx.a), [`link A (${cfg.idA})`]);
  if (!ctx.a.account || !ctx.b.account) runner.stop('both instances must be linked');
  else info.waWebVersion = await waWebVersion(ctx);

  for (const c of sendCases(ctx)) {
    await runner.check(`send ${c.kind}`, async () => (await sendAndReceive(ctx, ctx.a, ctx.b, c)).detail);
  }
  await runner.check('acks: delivered', () => acksReach(ctx, 'delivered'));
  await runner.check('B marks the chat read', () => markRead(ctx));
  await runner.check('acks: read', () => acksReach(ctx, 'read'), ['B marks the chat read']);
  await runner.check('B replies with text', () => reply(ctx, 'text'));
  await runner.check('B replies with an image', () => reply(ctx, 'image'));
  await runner.check('react', () => react(ctx, '👍'));
  await runner.check('un-react', () => react(ctx, '')); // run even when react failed: it undoes whatever got through
  let revoked: string | null = null;
  await runner.check('revoke (delete for everyone)', async () => {
    const r = await revoke(ctx);
    revoked = r.id;
    return r.detail;
  });
  await runner.check('revoke seen by B', () => revokeSeen(ctx, revoked));
  await runner.check('archive', () => archive(ctx, true));
  await runner.check('unarchive', () => archive(ctx, false)); // likewise, so no run leaves the chat archived
  await runner.check('chat lists', () => listsContain(ctx, 'chats'));
  await runner.check('contact lists', () => listsContain(ctx, 'contacts'));
  await runner.check('contact lookup', () => contactLookup(ctx));
  let groupId: string | null = null;
  await runner.check('group lists', async () => groupLists(ctx, (groupId = await findSharedGroup(ctx))));
  await runner.check('group message', () => groupMessage(ctx, groupId), ['group lists']);
  await runner.check('number check: exists', () => numberCheck(ctx, 'exists'));
  await runner.check('number check: missing', () => numberCheck(ctx, 'missing'));
  await runner.check('profile picture', () => profilePicture(ctx));
  await runner.check('block', () => ((blockTried = true), block(ctx)));
  await runner.check('unblock', () => unblock(ctx));
  await runner.check('logout from the phone', () => phoneUnlink(ctx));
  await runner.check('logout', () => logout(ctx));

  if (blockTried && runner.result('unblock') !== 'PASS') await unblockAfterAll(ctx);
  if (info.waWebVersion === 'unknown' && !runner.stopped) info.waWebVersion = await waWebVersion(ctx);

  const finished = new Date();
  const counts = runner.counts();
  const result: CanaryResult = {
    tool: 'hatline-canary',
    format: 1,
    ok: counts.FAIL === 0 && !runner.interrupted,
    interrupted: runner.interrupted,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    tag,
    server: { url: cfg.url, ...info },
    engine: cfg.engine,
    instances: {
      a: { id: cfg.idA, phone: ctx.a.linkedPhone ?? cfg.phoneA },
      b: { id: cfg.idB, phone: ctx.b.linkedPhone ?? cfg.phoneB },
    },
    settings: {
      timeoutMs: cfg.timeoutMs,
      linkTimeoutMs: cfg.linkTimeoutMs,
      quietMs: cfg.quietMs,
      pollMs: cfg.pollMs,
      video: cfg.videoFile !== null,
      logout: cfg.logout,
      phoneUnlink: cfg.phoneUnlink,
    },
    counts,
    checks: runner.rows,
  };
  console.log(`\n${table(result)}\n`);
  writeResult(cfg.resultFile, result);
  console.log(`Result written to ${cfg.resultFile}`);
  if (runner.interrupted) return 130;
  return counts.FAIL > 0 ? 1 : 0;
}

/** A run cut short after B blocked A: unblock with a fresh client, so the next run is not hurt. */
async function unblockAfterAll(ctx: Ctx): Promise<void> {
  if (!ctx.a.account) return;
  const api = new Api(ctx.cfg.url, ctx.cfg.token, new AbortController().signal, 5000);
  try {
    await api.ok('POST', path(ctx.b, 'contacts/unblock'), { chatId: ctx.a.account.phone });
    console.log(`(B unblocked A again after the run)`);
  } catch (err) {
    console.log(`Warning: B may still block A: unblock it by hand (${err instanceof Error ? err.message : String(err)})`);
  }
}

async function main(): Promise<number> {
  let cfg: CanaryConfig;
  try {
    cfg = loadCanaryConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`canary: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    console.log('\nInterrupted: stopping (Ctrl-C again to quit at once)...');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return run(cfg, controller);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('canary: crashed:', err);
    process.exit(1);
  },
);
