/**
 * What the production factory hands whatsapp-web.js's Client: the installed Chromium's user agent,
 * an explicit protocolTimeout, ffmpeg when there is one, and the web-version options (the live page,
 * recorded under DATA_DIR; or a pinned build from there, refused with the builds on hand when it is
 * missing). A stand-in library records the options instead of launching a browser.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chromiumMajorVersion } from '../src/engines/wwebjs/browser-identity.js';
import { findChromium } from '../src/engines/wwebjs/chromium.js';
import { libraryClientFactory, PROTOCOL_TIMEOUT_MS, webVersionOptions } from '../src/engines/wwebjs/client-factory.js';
import type { WwebjsLibrary } from '../src/engines/wwebjs/library.js';

const test = suite('the whatsapp-web.js client factory');

function recordingLibrary(seen: Record<string, unknown>[]): () => WwebjsLibrary {
  class Client {
    constructor(options: Record<string, unknown>) {
      seen.push(options);
    }
  }
  class LocalAuth {
    constructor(readonly options: unknown) {}
  }
  return () => ({ Client, LocalAuth }) as unknown as WwebjsLibrary;
}

const dirs: string[] = [];
test.after.each(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-factory-'));
  dirs.push(dir);
  return dir;
}

test('a client gets the Chromium user agent, the protocol timeout, ffmpeg and the live page recorded under DATA_DIR', () => {
  const seen: Record<string, unknown>[] = [];
  const cache = path.join(tempDir(), 'wwebjs-web-versions');
  const factory = libraryClientFactory({ chromiumPath: null, webVersionCacheDir: cache, ffmpegPath: '/usr/bin/ffmpeg', library: recordingLibrary(seen) });
  factory({ instanceId: 'a', sessionDir: tempDir(), pairingPhone: null });
  const options = seen[0]!;
  const major = chromiumMajorVersion(findChromium(null));
  assert.ok(major >= 100, `the installed Chromium says its version (${major})`);
  assert.match(String(options.userAgent), new RegExp(`^Mozilla/5\\.0 \\(Windows NT 10\\.0; Win64; x64\\) .* Chrome/${major}\\.0\\.0\\.0 Safari/537\\.36$`));
  assert.is((options.puppeteer as { protocolTimeout: number }).protocolTimeout, PROTOCOL_TIMEOUT_MS);
  assert.is(options.ffmpegPath, '/usr/bin/ffmpeg');
  assert.is(options.webVersion, 'live');
  assert.equal(options.webVersionCache, { type: 'local', path: cache, strict: false });
  assert.is(factory.contentClasses !== undefined, true, 'content classes come from the same library');
});

test('WWEBJS_WEB_VERSION loads a recorded build strictly; a build not on hand is refused naming those that are', () => {
  const cache = tempDir();
  mkdirSync(cache, { recursive: true });
  writeFileSync(path.join(cache, '2.3000.1043220887.html'), '<html></html>');
  assert.equal(webVersionOptions({ webVersion: '2.3000.1043220887', webVersionCacheDir: cache }), {
    webVersion: '2.3000.1043220887',
    webVersionCache: { type: 'local', path: cache, strict: true },
  });
  assert.throws(
    () => webVersionOptions({ webVersion: '2.3000.1', webVersionCacheDir: cache }),
    (err: Error) => /WWEBJS_WEB_VERSION is 2\.3000\.1, but .* holds no such build \(recorded: 2\.3000\.1043220887\)/.test(err.message),
  );
  assert.equal(webVersionOptions({ webVersion: null, webVersionCacheDir: null }), { webVersionCache: { type: 'none' } });
});

test.run();
