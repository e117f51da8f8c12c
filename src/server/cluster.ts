import { randomBytes } from 'node:crypto';
import type { Config } from '../config.js';
import { describeError } from '../errors.js';
import type { BulkRunner } from '../jobs/bulk/bulk-runner.js';
import type { Chatbot } from '../jobs/chatbot/chatbot.js';
import { reconcileJobsWithHistory } from '../jobs/recovery.js';
import type { Scheduler } from '../jobs/scheduler/scheduler.js';
import type { WebhookDispatcher } from '../jobs/webhooks/dispatcher.js';
import type { Logger } from '../logger.js';
import { LeaseKeeper } from '../services/cluster/lease-keeper.js';
import type { ClusterMembership } from '../services/cluster/membership.js';
import { SoleOwnership, type Ownership, type OwnershipListener } from '../services/cluster/ownership.js';
import type { InstanceRegistry } from '../services/instances/instance-registry.js';
import { snapshotOf } from '../services/instances/instance-runtime.js';
import type { InstanceService } from '../services/instances/instance-service.js';
import type { SettingsStore } from '../services/settings/settings-store.js';
import type { EmbedTokenService } from '../services/access/embed-token-service.js';
import type { KeyService } from '../services/access/key-service.js';
import type { EventLog } from '../services/event-log.js';
import { localFeed, postgresFeed, type ChangeFeed } from '../storage/change-feed.js';
import type { OpenedDb } from '../storage/db.js';
import { failInterruptedSends } from '../storage/messages-repo.js';
import { failInterruptedSendsOf } from '../storage/takeover-repo.js';
import type { SessionWatch } from './reliability.js';

const INTERRUPTED_SEND = 'the server stopped before WhatsApp confirmed this message; it may or may not have been sent';

/**
 * Who serves which instance: on SQLite, this process serves them all; on PostgreSQL, the nodes
 * sharing the database share them by lease (LeaseKeeper), one node alone included. Leases run on
 * real time, whatever clock the rest of the server is given (tests move theirs by hours).
 */
export function ownershipFor(config: Config, database: OpenedDb, feed: ChangeFeed, logger: Logger, now: () => number = Date.now): Ownership {
  const { cluster } = config;
  const secret = cluster.nodeSecret ?? randomBytes(24).toString('base64url');
  if (database.dialect !== 'postgres') return new SoleOwnership(cluster.nodeId, secret);
  return new LeaseKeeper({
    reported: (instanceId) => feed.publish('state', instanceId),
    db: database.db,
    dialect: database.dialect,
    node: { id: cluster.nodeId, url: cluster.nodeUrl, secret },
    renewMs: cluster.leaseRenewMs,
    ttlMs: cluster.leaseTtlMs,
    joinMs: cluster.leaseJoinMs,
    now,
    logger: logger.child({ component: 'leases', node: cluster.nodeId }),
  });
}

/** How the nodes tell each other of changes they keep in memory: PostgreSQL's LISTEN/NOTIFY; nothing on one machine. */
export function feedFor(config: Config, database: OpenedDb, logger: Logger): ChangeFeed {
  if (database.dialect !== 'postgres' || !config.databaseUrl) return localFeed();
  const log = logger.child({ component: 'change-feed' });
  return postgresFeed({ url: config.databaseUrl, db: database.db, nodeId: config.cluster.nodeId, log: (message) => log.warn(message) });
}

/**
 * What the other nodes change is seen here: keys and embed tokens are loaded again, event
 * streams and send waits look again, the owner's webhook lane wakes for an event another node
 * recorded, instances created or deleted elsewhere (and their states) are read again, and a bulk
 * job created through another node runs here when this node serves its instance.
 */
export function shareChanges(opts: {
  feed: ChangeFeed;
  registry: InstanceRegistry;
  membership: ClusterMembership;
  keys: KeyService;
  embedTokens: EmbedTokenService;
  eventLog: EventLog;
  dispatcher: WebhookDispatcher;
  bulk: BulkRunner;
  logger: Logger;
}): void {
  const { feed, registry, membership, keys, embedTokens, eventLog, dispatcher, bulk, logger } = opts;
  const warn = (what: string) => (err: unknown) => logger.warn(`could not follow another node's change (${what})`, { error: describeError(err) });
  const serving = () => registry.serving().map((s) => s.id);
  feed.subscribe('keys', () => void keys.load().catch(warn('keys')));
  feed.subscribe('embed-tokens', () => void embedTokens.load().catch(warn('embed tokens')));
  feed.subscribe('events', (instanceId) => {
    eventLog.wake();
    for (const id of instanceId === null ? serving() : [instanceId]) dispatcher.wake(id);
  });
  feed.subscribe('instances', () => void membership.refresh());
  feed.subscribe('state', () => void membership.refresh());
  feed.subscribe('bulk', (subject) => {
    const instanceId = subject?.split(' ')[0];
    void bulk.resume(instanceId ? [instanceId] : serving()).catch(warn('bulk'));
  });
}

export interface FollowOptions {
  database: OpenedDb;
  ownership: Ownership;
  membership: ClusterMembership;
  registry: InstanceRegistry;
  instances: InstanceService;
  bulk: BulkRunner;
  scheduler: Scheduler;
  dispatcher: WebhookDispatcher;
  chatbot: Chatbot;
  settings: SettingsStore;
  watch: SessionWatch;
  logger: Logger;
}

/**
 * What a node does as instances come to it and go: an instance gained is settled as a server
 * settles every instance at its start (sends and job rows a crash left half-done, in the
 * history's terms: jobs/recovery.ts), then its engine starts from the session folder in the
 * shared DATA_DIR (no new QR) and its jobs and webhook deliveries resume here. An instance lost
 * stops here: its engine (no logout), its job runs, its deliveries, and what is cached of it.
 * On one machine every instance is gained once, at start, which is exactly the old start-up.
 */
export function followOwnership(opts: FollowOptions): OwnershipListener {
  const { database, ownership, registry, instances, bulk, scheduler, dispatcher, chatbot, settings, watch, logger } = opts;
  const db = database.db;
  // Its status, for the other nodes' lists.
  registry.onEngineEvent('status', (instanceId) => {
    if (registry.owns(instanceId)) ownership.report(instanceId, snapshotOf(registry.get(instanceId)));
  });
  const forgetCached = (instanceId: string) => {
    settings.forget(instanceId);
    chatbot.forget(instanceId);
    watch.liveness.forget(instanceId);
    watch.backfill.forget(instanceId);
    watch.ackSweeper.forget(instanceId);
  };
  return {
    gained: async (ids) => {
      const reconciled = await reconcileJobsWithHistory(db, ids);
      if (reconciled.unsent || reconciled.interrupted) logger.warn('job sends interrupted by the last shutdown reconciled with the history', { ...reconciled });
      const interrupted = ids === null ? await failInterruptedSends(db, INTERRUPTED_SEND) : await failInterruptedSendsOf(db, ids, INTERRUPTED_SEND);
      if (interrupted) logger.warn('sends interrupted by the last shutdown marked failed', { count: interrupted });
      for (const id of ids ?? []) forgetCached(id);
      const { started } = await instances.resume(ids);
      // At a server's start its instances are up before it answers; a node taking instances over keeps renewing meanwhile.
      if (ids === null) await started;
      else void started.catch((err) => logger.warn('instances taken over did not all start', { error: describeError(err) }));
      await bulk.recover(ids);
      await scheduler.recover(ids);
      for (const id of ids ?? []) dispatcher.wake(id);
    },
    lost: async (ids) => {
      for (const id of ids) {
        forgetCached(id);
        void registry.release(id).catch((err) => logger.warn('could not stop an instance handed over', { instance: id, error: describeError(err) }));
        void bulk.quiesce(id);
        void dispatcher.drop(id);
      }
    },
    seen: (leases) => opts.membership.seen(leases),
  };
}
