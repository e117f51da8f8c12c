import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { EventSink } from '../services/events.js';
import type { InstanceRegistry } from '../services/instances/instance-registry.js';
import { Liveness } from '../services/instances/liveness.js';
import { ServerAckSweeper } from '../services/messages/ack-sweeper.js';
import { Backfill } from '../services/messages/backfill.js';
import type { InboundMessages } from '../services/messages/inbound.js';
import type { MetricsService } from '../services/metrics/metrics-service.js';
import type { Db } from '../storage/db.js';
import type { WriteQueue } from '../storage/write-batch.js';

export interface SessionWatch {
  /** Sends whose server ack never comes end failed after SERVER_ACK_TIMEOUT_MS. */
  ackSweeper: ServerAckSweeper;
  /** Each open fetches what arrived while Hatline was not listening. */
  backfill: Backfill;
  /** Open instances that stopped delivering events are found and reconnected. */
  liveness: Liveness;
}

/**
 * What keeps a session honest after it says `open` (issue 19): sends are not `sent` before
 * WhatsApp's server says so, a deaf session is reconnected, and every open is backfilled from the
 * engine's history, which is also where liveness starts watching from.
 */
export function watchSessions(opts: {
  db: Db;
  writes: WriteQueue;
  registry: InstanceRegistry;
  inbound: InboundMessages;
  events: EventSink;
  metrics: MetricsService;
  config: Config;
  logger: Logger;
  now: () => number;
}): SessionWatch {
  const { db, writes, registry, inbound, events, metrics, config, logger, now } = opts;
  // Counted from the instance's last reconnect at the earliest.
  const ackSweeper = new ServerAckSweeper({ db, writes, registry, inbound, events, timeoutMs: config.serverAckTimeoutMs, now, logger: logger.child({ component: 'server-acks' }) });
  registry.onEngineEvent('status', (instanceId, e) => ackSweeper.statusChanged(instanceId, e.update.status));
  const limits = { chats: config.backfillChats, messagesPerChat: config.backfillMessagesPerChat };
  const backfill = new Backfill({ db, registry, inbound, limits, logger: logger.child({ component: 'backfill' }), now, onStored: (id, n) => metrics.backfilled(id, n) });
  const { livenessIntervalMs: intervalMs, livenessGraceMs: graceMs } = config;
  const liveness = new Liveness({ db, registry, intervalMs, graceMs, logger: logger.child({ component: 'liveness' }), now, onRecovered: (id, why) => metrics.deafRecovered(id, why) });
  registry.onOpened((id, { firstLink }) => backfill.opened(id, firstLink));
  backfill.onBaseline((id, newestAt) => liveness.baseline(id, newestAt));
  return { ackSweeper, backfill, liveness };
}
