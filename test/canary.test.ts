/**
 * The real-phone canary (scripts/canary.ts), run as a child process against a child server with
 * CANARY_ENGINE=sandbox: two sandbox instances stand in for the two phones. WhatsApp itself cannot
 * be reached here, so this shows the script's own behaviour: every check passes on a server that
 * works, the JSON is written, and a server that stops, Ctrl-C, or an instance that cannot be
 * linked end the run within seconds with the right exit code.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { projectRoot } from '../src/paths.js';
import { closesServers, eventually, TOKEN } from './support/app.js';
import { startChildServer, type ChildServer } from './support/child-server.js';
import { track } from './support/cleanup.js';

closesServers(test);

interface Canary {
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  signal(sig: NodeJS.Signals): void;
}

/** Starts scripts/canary.ts against `server`, with quick timings. */
function startCanary(server: ChildServer, dir: string, env: Record<string, string> = {}): Canary {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CANARY_|HATLINE_)/.test(k)));
  const proc = spawn(process.execPath, ['--import', 'tsx', 'scripts/canary.ts'], {
    cwd: projectRoot,
    env: {
      ...inherited,
      HATLINE_URL: server.url,
      HATLINE_TOKEN: TOKEN,
      CANARY_ENGINE: 'sandbox',
      CANARY_RESULT: path.join(dir, 'canary-result.json'),
      CANARY_POLL_MS: '50',
      CANARY_QUIET_MS: '700',
      CANARY_TIMEOUT_MS: '8000',
      CANARY_LINK_TIMEOUT_MS: '8000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const untrack = track(async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await exited;
  });
  void exited.then(untrack);
  return { output: () => out, exited, signal: (sig) => proc.kill(sig) };
}

function readResult(dir: string): any {
  return JSON.parse(readFileSync(path.join(dir, 'canary-result.json'), 'utf8'));
}

async function serverIn(dir: string): Promise<ChildServer> {
  return startChildServer({ DATA_DIR: path.join(dir, 'data'), MEDIA_DIR: path.join(dir, 'media') });
}

const SENDS = ['text', 'image', 'video', 'document', 'audio', 'voice', 'sticker', 'location', 'contact card', 'poll'];

test('against two linked sandbox instances every check passes, the table is printed and the JSON written', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-canary-'));
  try {
    const server = await serverIn(dir);
    // The sandbox does not decode media, so any bytes stand in for the sample video.
    writeFileSync(path.join(dir, 'clip.mp4'), Buffer.from('not really a video, but the sandbox does not look'));
    const canary = startCanary(server, dir, {
      CANARY_LOGOUT: '1',
      CANARY_VIDEO: path.join(dir, 'clip.mp4'),
      CANARY_PHONE_A: '905321000401',
      CANARY_PHONE_B: '905321000402',
    });
    const code = await canary.exited;
    assert.is(code, 0, canary.output());

    const result = readResult(dir);
    assert.is(result.ok, true);
    assert.is(result.engine, 'sandbox');
    assert.is(result.server.waWebVersion, 'unknown', 'the server does not report it (yet)');
    assert.equal(result.instances, { a: { id: 'canary-a', phone: '905321000401' }, b: { id: 'canary-b', phone: '905321000402' } });
    const rows = result.checks as { check: string; result: string; detail: string; durationMs: number }[];
    const notPassed = rows.filter((r) => r.result !== 'PASS');
    assert.ok(notPassed.every((r) => r.result === 'SKIP'), JSON.stringify(notPassed));
    // The phone-only step is the only row not run (the other side's revoke is reported since issue 14).
    assert.equal(notPassed.map((r) => r.check), ['logout from the phone']);
    assert.ok(rows.some((r) => r.check === 'revoke seen by B' && r.result === 'PASS'), 'revoke seen by B');
    for (const kind of SENDS) assert.ok(rows.some((r) => r.check === `send ${kind}` && r.result === 'PASS'), `send ${kind}`);
    for (const name of ['acks: delivered', 'acks: read', 'react', 'un-react', 'revoke (delete for everyone)', 'archive', 'unarchive', 'block', 'unblock', 'logout']) {
      assert.ok(rows.some((r) => r.check === name && r.result === 'PASS'), name);
    }
    assert.equal(result.counts, { PASS: rows.length - 1, FAIL: 0, SKIP: 1 });
    assert.ok(rows.every((r) => typeof r.durationMs === 'number' && r.detail.length > 0));
    assert.match(rows.find((r) => r.check === 'send document')!.detail, 'same bytes');

    const out = canary.output();
    assert.match(out, 'WhatsApp Web version unknown');
    assert.match(out, /check\s+result\s+detail\s+duration/);
    assert.match(out, `${rows.length - 1} passed, 0 failed, 1 skipped`);
    assert.not.match(out, TOKEN, 'the token is never printed in sandbox mode');
    // CANARY_LOGOUT=1 logged both out.
    for (const id of ['canary-a', 'canary-b']) {
      assert.is((await server.call('GET', `/api/instance/${id}/status`)).body.accountStatus.status, 'disconnected');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a server that stops mid-run fails the canary within seconds; the JSON says where', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-canary-'));
  try {
    const server = await serverIn(dir);
    const canary = startCanary(server, dir);
    await eventually('the image send to pass', () => /PASS\s+send image/.test(canary.output()), 20_000);
    await server.kill('SIGKILL');
    const stoppedAt = Date.now();
    const code = await canary.exited;
    assert.is(code, 1, canary.output());
    assert.ok(Date.now() - stoppedAt < 5000, `exited ${Date.now() - stoppedAt} ms after the server stopped`);

    const result = readResult(dir);
    assert.is(result.ok, false);
    const rows = result.checks as { check: string; result: string; detail: string }[];
    const failed = rows.filter((r) => r.result === 'FAIL');
    assert.is(failed.length, 1, JSON.stringify(failed));
    assert.match(failed[0]!.detail, 'the server cannot be reached');
    const after = rows.slice(rows.indexOf(failed[0]!) + 1);
    assert.ok(after.length > 20);
    assert.ok(after.every((r) => r.result === 'SKIP' && r.detail === 'not run: the server stopped answering'));
    assert.match(canary.output(), '1 failed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Ctrl-C ends the run at once with exit 130; an instance that cannot be linked fails the run', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-canary-'));
  try {
    const server = await serverIn(dir);
    // Ctrl-C once A is linked (the second run below needs A's number taken): B and every other check are still to come.
    const first = startCanary(server, dir, { CANARY_PHONE_A: '905321000501' });
    await eventually('A to be linked', () => /PASS\s+link A/.test(first.output()), 20_000);
    first.signal('SIGINT');
    const interruptedAt = Date.now();
    assert.is(await first.exited, 130, first.output());
    assert.ok(Date.now() - interruptedAt < 3000, `exited ${Date.now() - interruptedAt} ms after Ctrl-C`);
    const interrupted = readResult(dir);
    assert.is(interrupted.interrupted, true);
    assert.is(interrupted.ok, false);
    assert.is(interrupted.checks.at(-1).detail, 'not run: the run was interrupted (Ctrl-C)');

    // Two other instances, B to be linked to the number canary-a already has: B cannot be linked.
    const second = startCanary(server, dir, {
      CANARY_ID_A: 'other-a',
      CANARY_ID_B: 'other-b',
      CANARY_PHONE_B: '905321000501',
    });
    const started = Date.now();
    assert.is(await second.exited, 1, second.output());
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
    const failed = readResult(dir);
    const linkB = failed.checks.find((r: any) => r.check === 'link B (other-b)');
    assert.is(linkB.result, 'FAIL');
    assert.match(linkB.detail, 'already linked to sandbox instance canary-a');
    assert.ok(failed.checks.slice(3).every((r: any) => r.result === 'SKIP' && r.detail === 'not run: both instances must be linked'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
