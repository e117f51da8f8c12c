import path from 'node:path';
import { loadAdminToken } from './admin-token.js';
import { createApp } from './app.js';
import { SandboxNetwork } from './engines/sandbox/network.js';
import { wwebjsPatchStatus } from './engines/wwebjs/index.js';
import type { Services } from './http/deps.js';
import { BulkRunner } from './jobs/bulk/bulk-runner.js';
import { Chatbot } from './jobs/chatbot/chatbot.js';
import { Scheduler } from './jobs/scheduler/scheduler.js';
import { WebhookDispatcher } from './jobs/webhooks/dispatcher.js';
import { WebhookOutbox } from './jobs/webhooks/outbox.js';
import { EvolutionFormat } from './jobs/webhooks/formats/evolution.js';
import { recordEvolutionQrCodes } from './jobs/webhooks/formats/evolution-qr.js';
import { EventLog } from './services/event-log.js';
import type { Logger } from './logger.js';
import { UrlGuard, type UrlGuardOptions } from './net/url-guard.js';
import { VERSION } from './paths.js';
import { AuditTrail } from './services/access/audit.js';
import { Authenticator } from './services/access/authenticator.js';
import { EmbedTokenService } from './services/access/embed-token-service.js';
import { KeyService } from './services/access/key-service.js';
import { UsageMeter } from './services/access/usage-meter.js';
import { UsageService } from './services/access/usage-service.js';
import { AnalyticsService } from './services/analytics/analytics-service.js';
import { BackupService } from './services/backup/backup-service.js';
import { ChatbotService } from './services/chatbot/chatbot-service.js';
import { AccountService } from './services/account/account-service.js';
import { handleCalls } from './services/calls/call-events.js';
import { ChatService } from './services/chats/chat-service.js';
import { recordPresenceEvents } from './services/chats/presence-events.js';
import { ContactService } from './services/chats/contact-service.js';
import { storeEngineReports } from './services/chats/engine-reports.js';
import { EvolutionService } from './services/evolution/evolution-service.js';
import { FileService } from './services/files/file-service.js';
import type { EventSink } from './services/events.js';
import { GroupAdminService } from './services/groups/group-admin.js';
import { storeGroupEvents } from './services/groups/group-events.js';
import { GroupService } from './services/groups/group-service.js';
import { InstanceRegistry } from './services/instances/instance-registry.js';
import { InstanceData } from './services/instances/instance-data.js';
import { InstanceGroupService } from './services/instances/instance-groups.js';
import { InstanceService } from './services/instances/instance-service.js';
import { QrImages } from './services/instances/qr-image.js';
import { StatusRecorder } from './services/instances/status-recorder.js';
import { BulkService } from './services/jobs/bulk-service.js';
import { CampaignService } from './services/jobs/campaign-service.js';
import { ScheduledService } from './services/jobs/scheduled-service.js';
import { MediaService } from './services/media/media-service.js';
import { listLibrary } from './media/media-library.js';
import { Idempotency } from './services/messages/idempotency.js';
import { InboundMessages } from './services/messages/inbound.js';
import { MessageActions } from './services/messages/message-actions.js';
import { storeMessageEvents } from './services/messages/message-events.js';
import { QuickSends } from './services/messages/quick-sends.js';
import { SendWaiter } from './services/messages/send-waiter.js';
import { MessageService } from './services/messages/message-service.js';
import { OutgoingMessages } from './services/messages/outgoing.js';
import { MetricsService } from './services/metrics/metrics-service.js';
import { SendTracker } from './services/messages/send-tracker.js';
import { SandboxService } from './services/sandbox-service.js';
import { SettingsService } from './services/settings/settings-service.js';
import { SettingsStore } from './services/settings/settings-store.js';
import { TemplateService } from './services/templates/template-service.js';
import { DATABASE_FILE, migrate, openDatabase } from './storage/db.js';
import { teeEvents, type BuildOptions, type Hatline } from './hatline.js';
import { patchHealth, watchSessions } from './server/reliability.js';
import { feedFor, followOwnership, ownershipFor, shareChanges } from './server/cluster.js';
import { ClusterMembership } from './services/cluster/membership.js';

export type { BuildOptions, Hatline } from './hatline.js';

/** Wires the whole server (db, engines, services, jobs, HTTP app) without opening a port. */
export async function buildHatline(opts: BuildOptions): Promise<Hatline> {
  const { config, logger } = opts;
  const now = opts.now ?? Date.now;
  const database = openDatabase({
    url: config.databaseUrl,
    file: opts.dbFile ?? path.join(config.dataDir, DATABASE_FILE),
    log: (message) => logger.warn(message),
  });
  try {
    await migrate(database.db);
  } catch (err) {
    await database.close();
    throw err;
  }
  const { db, writes } = database;
  const token = loadAdminToken(config.apiToken, config.dataDir);
  // Which instances this node serves: all of them on SQLite; by lease among the nodes on PostgreSQL.
  const feed = feedFor(config, database, logger);
  const ownership = ownershipFor(config, database, feed, logger);
  const owns = (instanceId: string) => ownership.owns(instanceId);
  // Every URL fetched or posted to on a client's word goes through this one gate.
  const urls = new UrlGuard({ allowPrivate: config.allowPrivateUrls, ...opts.urlGuard });
  const sandbox = new SandboxNetwork({ stateFile: opts.dbFile === ':memory:' ? null : path.join(config.dataDir, 'sandbox-network.json'), now });

  // Events and webhooks; usage counts the messages of the events too.
  const settingsStore = new SettingsStore(db);
  // The registry is built below; the formats ask it for an account's JID only once events flow.
  const accountOf = (id: string) => (registry.has(id) ? (registry.get(id).account?.id ?? null) : null);
  // Evolution API's webhook format, for instances that choose it (its envelope names the account).
  const evolutionFormat = new EvolutionFormat({ publicUrl: config.publicUrl, mediaDir: config.mediaDir, senderOf: accountOf, now });
  const outbox = new WebhookOutbox(settingsStore, now, accountOf, evolutionFormat);
  const usage = new UsageMeter({ db, now, logger: logger.child({ component: 'usage' }) });
  const appended = (instanceId: string) => feed.publish('events', instanceId);
  const eventLog = new EventLog({ db, now, retentionMs: config.eventRetentionHours * 3_600_000, appended });
  // The registry is built below (it records status events through these sinks); metrics read it only once running.
  const metrics = new MetricsService({ db, registry: () => registry, version: VERSION, now });
  const events: EventSink = opts.events ? teeEvents(outbox, eventLog, usage, metrics, opts.events) : teeEvents(outbox, eventLog, usage, metrics);
  const audit = new AuditTrail({ db, now, logger: logger.child({ component: 'audit' }) });
  const onAttempt = (instanceId: string, delivered: boolean, latencyMs?: number) => metrics.webhookAttempt(instanceId, delivered, latencyMs);
  const webhookLog = logger.child({ component: 'webhooks' });
  // Each node delivers the events of the instances it serves.
  const dispatcher = new WebhookDispatcher({ db, settings: settingsStore, logger: webhookLog, userAgent: `Hatline/${VERSION}`, urls, now, onAttempt, owns, ...opts.webhookTimings });
  outbox.onRecorded = (instanceId) => dispatcher.wake(instanceId);

  // Instances and what their engines report.
  const status = new StatusRecorder(db, events, logger);
  const registry = new InstanceRegistry({
    dataDir: config.dataDir,
    engines: {
      sandbox,
      chromiumPath: config.chromiumPath,
      webVersionCacheDir: path.join(config.dataDir, 'wwebjs-web-versions'),
      webVersion: config.wwebjsWebVersion,
      logger,
      ...(opts.wwebjs ? { wwebjs: opts.wwebjs } : {}),
    },
    status,
    logger,
    now,
    owns,
  });
  const tracker = new SendTracker(now);
  const inbound = new InboundMessages({ db, writes, registry, events, tracker, mediaDir: config.mediaDir, publicUrl: config.publicUrl, logger });
  const outgoing = new OutgoingMessages({
    db,
    writes,
    registry,
    events,
    settings: settingsStore,
    tracker,
    mediaDir: config.mediaDir,
    replayAck: (instanceId, ack) => inbound.ack(instanceId, ack),
    now,
    onAnswered: (instanceId, outcome, ms) => metrics.sendAnswered(instanceId, outcome, ms),
    onTimelock: (instanceId, untilMs) => {
      registry.noteTimelock(instanceId, untilMs);
      status.timelock(instanceId, untilMs);
      logger.warn("WhatsApp's reach-out timelock (463) refuses messages to new contacts", { instance: instanceId, until: new Date(untilMs).toISOString() });
    },
  });
  registry.onEngineEvent('message', (instanceId, e) => inbound.message(instanceId, e.message));
  registry.onEngineEvent('ack', (instanceId, e) => inbound.ack(instanceId, e.ack));
  storeEngineReports(registry, inbound, db);
  storeMessageEvents({ writes, registry, inbound, events });
  storeGroupEvents(registry, inbound, writes, events);
  recordPresenceEvents(registry, writes, events);
  const qrImages = new QrImages();
  recordEvolutionQrCodes({ registry, db, settings: settingsStore, outbox, format: evolutionFormat, qr: qrImages, logger: logger.child({ component: 'webhooks' }) });
  const { ackSweeper, backfill, liveness } = watchSessions({ db, writes, registry, inbound, events, metrics, config, logger, now });

  // Services, and the jobs that use them.
  const waiter = new SendWaiter({ db, next: (ms) => eventLog.next(ms) });
  const messages = new MessageService({ db, registry, outgoing, inbound, idempotency: new Idempotency(db, now), publicUrl: config.publicUrl, waiter });
  const onCreated = (instanceId: string) => {
    feed.publish('instances', instanceId);
    return ownership.created(instanceId);
  };
  const instances = new InstanceService({ db, registry, status, qr: qrImages, defaultEngine: config.defaultEngine, mediaDir: config.mediaDir, logger, now, audit, onCreated });
  const membership = new ClusterMembership({ db, registry, instances, ownership, logger: logger.child({ component: 'cluster' }) });
  const keys = new KeyService({ db, instanceExists: (id) => registry.has(id), audit, usage, now, changed: () => feed.publish('keys', '*') });
  const embedTokens = new EmbedTokenService({ db, instances: registry, audit, publicUrl: config.publicUrl, now, changed: () => feed.publish('embed-tokens', '*') });
  const media = new MediaService({ registry, publicUrl: config.publicUrl, mediaDir: config.mediaDir, urls });
  const calls = handleCalls({
    registry,
    inbound,
    writes,
    events,
    settings: settingsStore,
    send: (instanceId, to, body) => messages.send(instanceId, to, { kind: 'chat', body }),
    logger: logger.child({ component: 'calls' }),
    now,
  });
  const chatbot = new Chatbot({ db, messages, settings: settingsStore, logger: logger.child({ component: 'chatbot' }), now });
  // A job created here for an instance another node serves runs there.
  const elsewhere = (instanceId: string, jobId: number) => feed.publish('bulk', `${instanceId} ${jobId}`);
  const bulk = new BulkRunner({ db, writes, registry, messages, mediaSources: media.sources, logger: logger.child({ component: 'bulk' }), elsewhere });
  const cron = opts.schedulerCron !== undefined ? { cronExpression: opts.schedulerCron } : {};
  const scheduler = new Scheduler({ db, registry, messages, mediaSources: media.sources, logger: logger.child({ component: 'scheduler' }), now, ...cron });
  instances.onDelete({
    quiesce: async (instanceId) => {
      await bulk.quiesce(instanceId);
      await outgoing.quiesce(instanceId);
      await inbound.settled(instanceId);
      await dispatcher.drop(instanceId);
    },
    forget: (instanceId) => {
      inbound.forget(instanceId);
      outgoing.drop(instanceId);
      tracker.forgetInstance(instanceId);
      ackSweeper.forget(instanceId);
      settingsStore.forget(instanceId);
      chatbot.forget(instanceId);
      keys.forgetInstance(instanceId);
      embedTokens.forgetInstance(instanceId);
      usage.forgetInstance(instanceId);
      metrics.forgetInstance(instanceId);
      backfill.forget(instanceId);
      liveness.forget(instanceId);
      feed.publish('instances', instanceId);
    },
  });
  const templates = new TemplateService({ db, registry, now });
  const analytics = new AnalyticsService({ db, registry, now });
  const settings = new SettingsService({ db, registry, store: settingsStore, webhooks: dispatcher, now, audit, urls });
  const services: Services = {
    instances,
    messages,
    messageActions: new MessageActions({ db, registry, outgoing, inbound, now }),
    chats: new ChatService({ db, registry, inbound, now }),
    contacts: new ContactService({ db, registry, inbound }),
    groups: new GroupService({ db, registry, inbound }),
    groupAdmin: new GroupAdminService({ db, registry }),
    account: new AccountService({ db, registry }),
    calls,
    media,
    sends: new QuickSends(messages, media),
    settings,
    chatbot: new ChatbotService({ db, registry, settings: settingsStore, cache: chatbot }),
    bulk: new BulkService({ db, registry, runner: bulk, mediaSources: media.sources, templates }),
    scheduled: new ScheduledService({ db, registry, mediaSources: media.sources, now, templates }),
    sandbox: new SandboxService({ db, registry, media, inbound }),
    keys,
    embedTokens,
    usage: new UsageService({
      db,
      meter: usage,
      instances: registry,
      mediaBytes: async (id) => (await listLibrary(media.sources, id)).reduce((sum, f) => sum + f.size, 0),
    }),
    audit,
    events: eventLog,
    metrics,
    backup: new BackupService({ dataDir: config.dataDir, mediaDir: config.mediaDir, database, version: VERSION, now }),
    templates,
    campaigns: new CampaignService({ db, registry, runner: bulk, mediaSources: media.sources, templates }),
    analytics,
    files: new FileService({ db, registry, mediaDir: config.mediaDir, publicUrl: config.publicUrl }),
    instanceGroups: new InstanceGroupService({ db, registry, now }),
    instanceData: new InstanceData({ db, registry, messages, settings, chatbot, mediaDir: config.mediaDir, audit }),
    evolution: new EvolutionService({ instances, keys, settings, store: settingsStore, logger: logger.child({ component: 'evolution' }) }),
    cluster: membership,
  };
  instances.onDelete(services.evolution);

  shareChanges({ feed, registry, membership, keys, embedTokens, eventLog, dispatcher, bulk, logger });
  await instances.restore();
  await keys.load();
  await embedTokens.load();
  usage.start();
  await dispatcher.start();
  eventLog.start();
  analytics.start();
  // The instances this node serves start, with their jobs (on one machine: all of them, now).
  const watch = { ackSweeper, backfill, liveness };
  await ownership.start(followOwnership({ database, ownership, membership, registry, instances, bulk, scheduler, dispatcher, chatbot, settings: settingsStore, watch, logger }));
  await scheduler.start();
  liveness.start();
  ackSweeper.start();
  const wwebjsPatches = wwebjsPatchStatus();
  const app = createApp({
    services,
    authenticator: new Authenticator({ adminHashes: [token.hash], keys, embedTokens }),
    meter: usage,
    config,
    logger,
    ...(opts.now ? { now: opts.now } : {}),
    health: { wwebjs: patchHealth(wwebjsPatches) },
  });
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      eventLog.stop(); // event streams end, so the HTTP server can drain
      analytics.stop();
      ownership.drain();
      chatbot.stop();
      await scheduler.stop();
      await ackSweeper.stop();
      await bulk.stop();
      await liveness.stop();
      await registry.stopAll();
      await inbound.settled();
      // Engines are down: the other nodes may take the instances at once.
      await ownership.stop();
    })());
  return {
    app,
    services,
    registry,
    database,
    sandbox,
    dispatcher,
    bulk,
    scheduler,
    liveness,
    ackSweeper,
    generatedToken: token.generated,
    wwebjsPatches,
    usage,
    stop,
    close: async () => {
      await stop();
      await usage.stop();
      await dispatcher.stop();
      urls.close();
      sandbox.close();
      await feed.close();
      await database.close();
    },
  };
}
