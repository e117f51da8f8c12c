/**
 * The wwebjs session's defences against how WhatsApp Web behaves in 2026, on the fake client:
 * QR codes that stop changing, a `ready` that never comes, the page reload after linking, and the
 * disconnects that must not restart forever.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseMajor, desktopUserAgent } from '../src/engines/wwebjs/browser-identity.js';
import { meaningOfDisconnect } from '../src/engines/wwebjs/failures.js';
import type { WwebjsTimings } from '../src/engines/wwebjs/index.js';
import { WEB_VERSIONS } from './support/fake-wwebjs-client.js';
import { disposeRigs, linkedRig, wwebjsRig } from './support/wwebjs-rig.js';

const test = suite('wwebjs engine defences: the session');
test.after.each(disposeRigs);

const SHORT: Partial<WwebjsTimings> = {
  readyTimeoutMs: 2000,
  healthIntervalMs: 30,
  healthTimeoutMs: 200,
  backoffBaseMs: 40,
  backoffCapMs: 100,
  destroyTimeoutMs: 200,
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a QR that stopped changing (WhatsApp Web idle) is renewed with a fresh attempt', async () => {
  const rig = wwebjsRig(() => ({ qrRotation: { every: 40, times: 2 } }), { timings: { ...SHORT, qrFreshMs: 250 } });
  await rig.engine.start();
  await rig.events.until('two QR codes of the first client', () => rig.events.qrs.filter((q) => typeof q === 'string').length >= 2);
  assert.is(rig.fakes.clients.length, 1, 'a QR that keeps changing is left alone');
  await rig.events.until('a second client with a fresh QR', () => rig.fakes.clients.length === 2 && rig.fakes.clients[1]!.qrShown, 3000);
  assert.ok(rig.fakes.clients[0]!.destroyed, 'the idle attempt was closed');
  assert.is(rig.events.lastStatus()?.status, 'connecting', 'no error shown for a renewal');
  rig.fake().scan();
  await rig.events.until('open', () => rig.events.lastStatus()?.status === 'open');
});

test('connected without the library ever saying ready: the session opens after the reconciliation probe', async () => {
  const rig = wwebjsRig(() => ({ readyUnsaid: true }), { timings: { ...SHORT, readyTimeoutMs: 5000, reconcileMs: 100 } });
  await rig.engine.start();
  await rig.events.until('a QR code', () => rig.events.qrs.some((q) => typeof q === 'string'));
  rig.fake().scan();
  await rig.events.until('open', () => rig.events.lastStatus()?.status === 'open', 3000);
  assert.is(rig.fakes.clients.length, 1, 'no restart');
  assert.is(rig.events.lastStatus()?.account?.phone, '905550001111');
});

test('the page reload WhatsApp Web does after linking is waited out, not treated as a dead browser', async () => {
  const rig = await linkedRig(() => ({}), { timings: { ...SHORT, reloadGraceMs: 2000 } });
  const fake = rig.fake();
  fake.reloadPage(400);
  await sleep(200);
  assert.not.ok(rig.events.statuses.some((s) => s.status === 'disconnected'), 'no failure while it boots');
  await sleep(400);
  assert.is(rig.fakes.clients.length, 1, 'no restart');
  assert.is(rig.events.lastStatus()?.status, 'open');
  const sent = await rig.engine.messages!.send('905321112233@s.whatsapp.net', { kind: 'chat', body: 'after the reload' });
  assert.ok(sent.id);
});

test('a reload that never ends is a failure once its grace is over', async () => {
  const rig = await linkedRig(() => ({}), { timings: { ...SHORT, reloadGraceMs: 200 } });
  rig.fake().reloadPage(60_000);
  await rig.events.until('the failure', () => rig.events.statuses.some((s) => s.status === 'disconnected' && /stopped answering: .*Execution context was destroyed/.test(s.error ?? '')), 3000);
});

for (const [state, words] of [
  ['TOS_BLOCK', /banned this number \(TOS_BLOCK\)/],
  ['SMB_TOS_BLOCK', /banned this business number/],
  ['PROXYBLOCK', /refused connections from this server's network/],
  ['DEPRECATED_VERSION', /too old \(DEPRECATED_VERSION\)/],
] as const) {
  test(`${state} ends the session with its own words and no restarts`, async () => {
    const rig = await linkedRig(() => ({}), { timings: SHORT });
    rig.fake().disconnectWith(state);
    await rig.events.until('disconnected', () => rig.events.lastStatus()?.status === 'disconnected');
    assert.match(rig.events.lastStatus()!.error!, words);
    assert.not.match(rig.events.lastStatus()!.error!, /restarting/);
    await sleep(300); // several backoff periods
    assert.is(rig.fakes.clients.length, 1, 'no restart');
    // Connecting again is up to a person: it works once they did what the words say.
    await rig.engine.start();
    await rig.events.until('open again', () => rig.events.lastStatus()?.status === 'open');
  });
}

test('CONFLICT (WhatsApp Web opened elsewhere) restarts and takes the session back', async () => {
  const rig = await linkedRig(() => ({}), { timings: SHORT });
  rig.fake().disconnectWith('CONFLICT');
  await rig.events.until('open on a second client', () => rig.fakes.clients.length === 2 && rig.events.lastStatus()?.status === 'open', 3000);
  assert.ok(rig.events.statuses.some((s) => /opened for this number elsewhere \(CONFLICT\)/.test(s.error ?? '')));
});

test('what each disconnect reason means', () => {
  assert.is(meaningOfDisconnect('LOGOUT', true).kind, 'logged_out');
  assert.is(meaningOfDisconnect('UNPAIRED', true).kind, 'logged_out');
  assert.is(meaningOfDisconnect('UNPAIRED_IDLE', true).kind, 'logged_out');
  assert.is(meaningOfDisconnect('UNPAIRED_IDLE', false).kind, 'restart', 'an idle QR before linking is not a logout');
  assert.is(meaningOfDisconnect('TOS_BLOCK', true).kind, 'terminal');
  assert.is(meaningOfDisconnect('CONFLICT', true).kind, 'restart');
  assert.is(meaningOfDisconnect('SOMETHING_NEW', true).kind, 'restart');
});

test('the open status names the WhatsApp Web build', async () => {
  const rig = await linkedRig(() => ({ shape: '2026-09' }));
  await rig.events.until('a status with the build', () => rig.events.statuses.some((s) => s.webVersion));
  assert.is(rig.events.statuses.find((s) => s.webVersion)!.webVersion, WEB_VERSIONS['2026-09']);
});

test('the user agent is a current desktop Chrome with the major version of the installed Chromium', () => {
  assert.is(parseMajor('Chromium 143.0.7499.40 built on Debian GNU/Linux 12 (bookworm)'), 143);
  assert.is(parseMajor('Google Chrome 139.0.7258.66 '), 139);
  assert.is(parseMajor('something else'), null);
  assert.is(desktopUserAgent(143), 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/143.0.0.0 Safari/537.36');
});

test.run();
