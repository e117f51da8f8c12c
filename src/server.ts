import path from 'node:path';
import { loadAdminToken } from './admin-token.js';
import { createApp, VERSION, type App } from './app.js';
import type { Config } from './config.js';
import type { Engine, EngineContext } from './engines/engine.js';
import { engineFactory } from './engines/create-engine.js';
import { createWwebjsEngine } from './engines/wwebjs/index.js';
import { SandboxNetwork } from './engines/sandbox/network.js';
import { tokenVerifier } from './http/middleware/auth.js';
import { InstanceManager } from './instances/instance-manager.js';
import { QrImages } from './instances/qr-image.js';
import type { Logger } from './logger.js';
import { Idempotency } from './messaging/idempotency.js';
import type { EventSink } from './messaging/events.js';
import { SettingsStore } from './instances/settings-store.js';
import { WebhookDispatcher, type DispatcherOptions } from './jobs/webhooks/dispatcher.js';
import { WebhookOutbox } from './jobs/webhooks/outbox.js';
import { BulkRunner } from './jobs/bulk/bulk-runner.js';
import { Chatbot } from './jobs/chatbot/chatbot.js';
import { Scheduler } from './jobs/scheduler/scheduler.js';
import { MessageService } from './messaging/message-service.js';
import { migrate, openDb, type OpenedDb } from './storage/db.js';
import { failInterruptedSends } from './storage/messages-repo.js';

export interface Hatline {
  app: App;
  manager: InstanceManager;
  database: OpenedDb;
  sandbox: SandboxNetwork;
  messages: MessageService;
  dispatcher: WebhookDispatcher;
  bulk: BulkRunner;
  scheduler: Scheduler;
  /** The admin token when this start generated it (to print once). */
  generatedToken: string | null;
  /** Stops every engine and closes the database. */
  close(): Promise<void>;
}

export interface BuildOptions {
  config: Config;
  logger: Logger;
  /** `:memory:` in tests; defaults to DATA_DIR/hatline.db. */
  dbFile?: string;
  wwebjs?: (ctx: EngineContext) => Engine;
  now?: () => number;
  /** Also told of every event (tests); the webhook outbox always is. */
  events?: EventSink;
  webhookTimings?: Pick<DispatcherOptions, 'timeoutMs' | 'backoffBaseMs' | 'backoffCapMs'>;
  /** The scheduler's node-cron expression (tests tick every second). */
  schedulerCron?: string;
}

function teeEvents(...sinks: EventSink[]): EventSink {
  return {
    record: async (trx, instanceId, e) => {
      for (const sink of sinks) await sink.record(trx, instanceId, e);
    },
  };
}

/** Wires the whole server (db, engines, instances, jobs, HTTP app) without opening a port. */
export async function buildHatline(opts: BuildOptions): Promise<Hatline> {
  const { config, logger } = opts;
  const database = openDb(opts.dbFile ?? path.join(config.dataDir, 'hatline.db'));
  await migrate(database.db);
  const token = loadAdminToken(config.apiToken, config.dataDir);
  const sandbox = new SandboxNetwork(opts.dbFile === ':memory:' ? null : path.join(config.dataDir, 'sandbox-network.json'));
  const settings = new SettingsStore(database.db);
  const outbox = new WebhookOutbox(settings);
  const events: EventSink = opts.events ? teeEvents(outbox, opts.events) : outbox;
  const dispatcher = new WebhookDispatcher({
    db: database.db,
    settings,
    logger: logger.child({ component: 'webhooks' }),
    userAgent: `Hatline/${VERSION}`,
    ...opts.webhookTimings,
  });
  outbox.onRecorded = (instanceId) => dispatcher.wake(instanceId);
  const manager = new InstanceManager({
    db: database.db,
    events,
    dataDir: config.dataDir,
    mediaDir: config.mediaDir,
    logger,
    createEngine: engineFactory({
      sandbox,
      wwebjs: opts.wwebjs ?? ((ctx) => createWwebjsEngine(ctx, { chromiumPath: config.chromiumPath, logger: logger.child({ engine: 'wwebjs', instance: ctx.instanceId }) })),
    }),
  });
  const messages = new MessageService({
    db: database.db,
    manager,
    events,
    settings,
    mediaDir: config.mediaDir,
    publicUrl: config.publicUrl,
    logger,
  });
  const interrupted = await failInterruptedSends(database.db, 'the server stopped before WhatsApp confirmed this message; it may or may not have been sent');
  if (interrupted) logger.warn('sends interrupted by the last shutdown marked failed', { count: interrupted });
  manager.on('deleted', (instanceId) => settings.forget(instanceId));
  const chatbot = new Chatbot({ db: database.db, manager, messages, settings, logger: logger.child({ component: 'chatbot' }) });
  const mediaSources = { publicUrl: config.publicUrl, mediaDir: config.mediaDir };
  const bulk = new BulkRunner({ db: database.db, manager, messages, mediaSources, logger: logger.child({ component: 'bulk' }) });
  const scheduler = new Scheduler({
    db: database.db,
    manager,
    messages,
    mediaSources,
    logger: logger.child({ component: 'scheduler' }),
    ...(opts.schedulerCron ? { cronExpression: opts.schedulerCron } : {}),
  });
  await manager.restore();
  await dispatcher.start();
  await bulk.recover();
  await scheduler.start();
  const app = createApp({
    config,
    db: database.db,
    manager,
    sandbox,
    tokens: tokenVerifier([token.hash]),
    qr: new QrImages(),
    messages,
    settings,
    dispatcher,
    idempotency: new Idempotency(database.db),
    chatbot,
    bulk,
    scheduler,
    mediaSources,
    logger,
    ...(opts.now ? { now: opts.now } : {}),
  });
  return {
    app,
    manager,
    database,
    sandbox,
    messages,
    dispatcher,
    bulk,
    scheduler,
    generatedToken: token.generated,
    close: async () => {
      chatbot.stop();
      await scheduler.stop();
      await bulk.stop();
      await manager.stopAll();
      await messages.settled();
      await dispatcher.stop();
      sandbox.close();
      await database.close();
    },
  };
}
