import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { ConfigError, loadConfig } from './config.js';
import { describeError } from './errors.js';
import { findChromium } from './engines/wwebjs/index.js';
import { createLogger } from './logger.js';
import { buildHatline } from './server.js';
import { trimHeapWhenQuiet } from './server/heap-trim.js';

/** How long a shutdown waits for requests under way to answer. */
const DRAIN_MS = 10_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Hatline cannot start: bad configuration: ${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  if (config.weakTokenWarning) {
    // Loud on purpose: written to stderr too, whatever LOG_LEVEL hides.
    logger.warn('weak API_TOKEN accepted', { warning: config.weakTokenWarning });
    process.stderr.write(`\n  WARNING: ${config.weakTokenWarning}.\n\n`);
  }
  if (config.allowPrivateUrls.length > 0) {
    logger.info('URLs given by the admin token and global API keys may reach private addresses', { kinds: config.allowPrivateUrls });
  }
  // whatsapp-web.js starts promises nobody awaits (inject() on page navigation, destroy() on some
  // state changes); a rejection there must be logged, not end the server (Node exits on them).
  process.on('unhandledRejection', (err) => logger.error('unhandled rejection', { error: describeError(err) }));
  try {
    findChromium(config.chromiumPath);
  } catch (err) {
    logger.warn('wwebjs instances cannot start until a browser is installed', { error: describeError(err) });
  }
  const hatline = await buildHatline({ config, logger });
  const patches = hatline.wwebjsPatches;
  if (patches.complete) {
    logger.info('whatsapp-web.js carries its patch set', { version: patches.version, patches: patches.applied });
  } else {
    logger.warn('whatsapp-web.js lacks patches it needs for WhatsApp Web since July 2026: run npm ci (its postinstall applies them) or node scripts/patch-wwebjs.mjs', {
      version: patches.version,
      expected: patches.expectedVersion,
      missing: patches.missing,
    });
  }

  const server = serve({ fetch: hatline.app.fetch, port: config.port, hostname: config.host }, (info) => {
    logger.info('listening', { host: config.host, port: info.port, url: config.publicUrl, database: hatline.database.dialect, instances: hatline.services.instances.list().length });
    if (hatline.generatedToken) {
      process.stdout.write(
        [
          '',
          '  Hatline generated your API token (shown this once; only its hash is kept):',
          '',
          `    ${hatline.generatedToken}`,
          '',
          `  Dashboard: ${config.publicUrl}/  ·  API reference: ${config.publicUrl}/docs`,
          '  Set API_TOKEN to choose your own, or delete DATA_DIR/api-token.sha256 to generate a new one.',
          '',
        ].join('\n') + '\n',
      );
    }
  });
  hatline.app.injectWebSocket(server as Parameters<typeof hatline.app.injectWebSocket>[0]);
  const heap = trimHeapWhenQuiet((before, after) => logger.debug('heap given back after a burst', { beforeMb: Math.round(before / 1048576), afterMb: Math.round(after / 1048576) }));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    heap.stop();
    // No new connections; requests under way finish and answer before the database closes.
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    (server as Server).closeIdleConnections();
    try {
      await hatline.stop();
      const waited = await Promise.race([drained.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), DRAIN_MS).unref())]);
      if (!waited) logger.warn('requests still under way at shutdown were cut off', { afterMs: DRAIN_MS });
      await hatline.close();
    } catch (err) {
      logger.error('shutdown error', { error: describeError(err) });
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`Hatline failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
