import type { App } from './app.js';
import type { Config } from './config.js';
import type { Engine, EngineContext } from './engines/engine.js';
import type { PatchStatus } from './engines/wwebjs/patch-status.js';
import type { Services } from './http/deps.js';
import type { BulkRunner } from './jobs/bulk/bulk-runner.js';
import type { Scheduler } from './jobs/scheduler/scheduler.js';
import type { ServerAckSweeper } from './services/messages/ack-sweeper.js';
import type { DispatcherOptions, WebhookDispatcher } from './jobs/webhooks/dispatcher.js';
import type { Logger } from './logger.js';
import type { UrlGuardOptions } from './net/url-guard.js';
import type { UsageMeter } from './services/access/usage-meter.js';
import type { EventSink } from './services/events.js';
import type { InstanceRegistry } from './services/instances/instance-registry.js';
import type { Liveness } from './services/instances/liveness.js';
import type { SandboxNetwork } from './engines/sandbox/network.js';
import type { OpenedDb } from './storage/db.js';

// What buildHatline (server.ts) takes and answers, and how it fans events out to several sinks.

export interface Hatline {
  app: App;
  services: Services;
  registry: InstanceRegistry;
  database: OpenedDb;
  sandbox: SandboxNetwork;
  dispatcher: WebhookDispatcher;
  bulk: BulkRunner;
  scheduler: Scheduler;
  /** Probes open instances for deafness (tests call tick()). */
  liveness: Liveness;
  /** Fails sends whose server ack does not come within SERVER_ACK_TIMEOUT_MS (tests call sweep()). */
  ackSweeper: ServerAckSweeper;
  /** The admin token when this start generated it (to print once). */
  generatedToken: string | null;
  /** Whether whatsapp-web.js carries Hatline's patch set (scripts/patch-wwebjs.mjs). */
  wwebjsPatches: PatchStatus;
  /** Usage counters in memory (flushed every 30 s and at close; tests call flush()). */
  usage: UsageMeter;
  /**
   * Stops taking on work: jobs stop and engines close (sends still queued answer 409), while the
   * database stays open so that requests under way can finish and answer.
   */
  stop(): Promise<void>;
  /** Stops (if not yet) and closes the webhook dispatcher and the database. */
  close(): Promise<void>;
}

export interface BuildOptions {
  config: Config;
  logger: Logger;
  /** The SQLite file: `:memory:` in tests; defaults to DATA_DIR/hatline.db. Unused when the config has a DATABASE_URL. */
  dbFile?: string;
  wwebjs?: (ctx: EngineContext) => Engine;
  /** One clock for the rate limiter, the sandbox, the chatbot, webhooks and jobs (tests move it). */
  now?: () => number;
  /** Also told of every event (tests); the webhook outbox always is. */
  events?: EventSink;
  webhookTimings?: Pick<DispatcherOptions, 'timeoutMs' | 'backoffBaseMs' | 'backoffCapMs'>;
  /** The scheduler's node-cron expression; null starts no cron (tests call scheduler.tick()). */
  schedulerCron?: string | null;
  /** Test seams of the URL guard: names resolved by the test, addresses it counts as public. */
  urlGuard?: Pick<UrlGuardOptions, 'resolve' | 'treatAsPublic'>;
}

/** One sink that records an event in each of `sinks`, in order, in the same transaction. */
export function teeEvents(...sinks: EventSink[]): EventSink {
  return {
    record: async (trx, instanceId, e) => {
      for (const sink of sinks) await sink.record(trx, instanceId, e);
    },
  };
}

