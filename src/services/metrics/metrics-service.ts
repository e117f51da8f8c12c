import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ENGINE_NAMES } from '../../engines/registry.js';
import type { Db, DbOrTrx } from '../../storage/db.js';
import { afterCommit } from '../../storage/transact.js';
import { pendingBacklog } from '../../storage/webhooks-repo.js';
import type { EventSink, HatlineEvent } from '../events.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import { treeMemory } from './process-memory.js';

const STATUSES = ['open', 'connecting', 'disconnected'] as const;
/** Sent messages whose delivery receipt is awaited (for its latency); the oldest are forgotten beyond this. */
const AWAITING_MAX = 50_000;

let processRegistry: Registry | null = null;

/**
 * The process's own figures (event-loop lag from perf_hooks, CPU, heap, handles, GC), from
 * prom-client's default collectors. They belong to the process, not to one Hatline (tests build
 * many in one process), and their collectors cannot be stopped, so they are registered once.
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export interface MetricsOptions {
  db: Db;
  /** The instances (a getter: the registry is built after the event sinks, which it records status events through). */
  registry: () => InstanceRegistry;
  version: string;
  /** The clock the outbox stamps events with (ages of waiting webhook events). */
  now: () => number;
}

/**
 * What Prometheus scrapes at /metrics. Counters are fed as things happen: messages from the events
 * recorded with them (an event sink, counted once their transaction committed, so they agree with
 * what is stored), send and webhook timings from the send path and the dispatcher. Gauges are read
 * at scrape time from where they live: instance states from the registry, the webhook backlog from
 * the outbox table, browser memory from /proc. Series are labelled `instance_id` (not `instance`,
 * which Prometheus gives the scraped target).
 */
export class MetricsService implements EventSink {
  private readonly prom = new Registry();
  private readonly received: Counter<'instance_id'>;
  private readonly sent: Counter<'instance_id'>;
  private readonly failed: Counter<'instance_id'>;
  private readonly sendSeconds: Histogram<'engine' | 'outcome'>;
  private readonly messageDeliverySeconds: Histogram;
  /** `instance \0 message id` -> when WhatsApp accepted it, until its delivery receipt. */
  private readonly awaiting = new Map<string, number>();
  private readonly webhookAttempts: Counter<'instance_id' | 'result'>;
  private readonly deliverySeconds: Histogram;
  private readonly instances: Gauge<'status' | 'engine'>;
  private readonly backlog: Gauge<'instance_id'>;
  private readonly oldestAge: Gauge<'instance_id'>;
  private readonly browserMemory: Gauge<'instance_id'>;
  private readonly browserProcesses: Gauge<'instance_id'>;
  private readonly recoveries: Counter<'instance_id' | 'reason'>;
  private readonly backfilledMessages: Counter<'instance_id'>;

  constructor(private readonly opts: MetricsOptions) {
    processMetrics(); // the event-loop delay is measured from now on, not from the first scrape
    const registers = [this.prom];
    new Gauge({ name: 'hatline_build_info', help: 'Always 1; the version of the running server', labelNames: ['version'], registers }).set({ version: opts.version }, 1);
    this.received = new Counter({ name: 'hatline_messages_received_total', help: 'Messages received from others and stored', labelNames: ['instance_id'], registers });
    this.sent = new Counter({ name: 'hatline_messages_sent_total', help: 'Messages sent through Hatline that WhatsApp accepted', labelNames: ['instance_id'], registers });
    this.failed = new Counter({ name: 'hatline_messages_failed_total', help: 'Messages sent through Hatline that ended failed', labelNames: ['instance_id'], registers });
    this.sendSeconds = new Histogram({
      name: 'hatline_send_duration_seconds',
      help: 'How long WhatsApp took to accept (or refuse) a send, from the moment it was asked',
      labelNames: ['engine', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.messageDeliverySeconds = new Histogram({
      name: 'hatline_message_delivery_seconds',
      help: "From WhatsApp accepting a send to the recipient's device receiving it (the delivery receipt)",
      buckets: [0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600],
      registers,
    });
    this.webhookAttempts = new Counter({
      name: 'hatline_webhook_attempts_total',
      help: 'Webhook delivery attempts, by result (delivered: a 2xx answer; failed: retried later or given up)',
      labelNames: ['instance_id', 'result'],
      registers,
    });
    this.deliverySeconds = new Histogram({
      name: 'hatline_webhook_delivery_seconds',
      help: 'From an event being recorded to its receiver taking it (retries and backlog included)',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600],
      registers,
    });
    this.instances = new Gauge({ name: 'hatline_instances', help: 'Instances by connection status and engine', labelNames: ['status', 'engine'], registers });
    this.backlog = new Gauge({ name: 'hatline_webhook_backlog', help: 'Webhook events waiting to be delivered', labelNames: ['instance_id'], registers });
    this.oldestAge = new Gauge({
      name: 'hatline_webhook_oldest_pending_age_seconds',
      help: 'Age of the oldest webhook event waiting to be delivered (0 when none waits)',
      labelNames: ['instance_id'],
      registers,
    });
    this.browserMemory = new Gauge({
      name: 'hatline_chromium_memory_bytes',
      help: "Resident memory of an instance's Chromium: the browser and its child processes (VmRSS summed; shared pages count in each)",
      labelNames: ['instance_id'],
      registers,
    });
    this.browserProcesses = new Gauge({ name: 'hatline_chromium_processes', help: "Processes of an instance's Chromium", labelNames: ['instance_id'], registers });
    this.recoveries = new Counter({
      name: 'hatline_liveness_recoveries_total',
      help: 'Instances found connected but deaf and reconnected, by reason (events_stalled, bridge_down)',
      labelNames: ['instance_id', 'reason'],
      registers,
    });
    this.backfilledMessages = new Counter({
      name: 'hatline_backfilled_messages_total',
      help: 'Messages that arrived while Hatline was not listening, fetched from the engine and stored after a reconnect',
      labelNames: ['instance_id'],
      registers,
    });
  }

  async record(trx: DbOrTrx, instanceId: string, e: HatlineEvent): Promise<void> {
    if (e.event === 'message_ack' && e.data.status !== 'failed') {
      // The first receipt past `sent` (delivered, or read when WhatsApp skipped delivered) ends the wait.
      const key = `${instanceId}\u0000${e.data.id}`;
      const sent = e.data.status === 'sent';
      afterCommit(trx, () => this.receipt(key, sent));
    }
    let counter: Counter<'instance_id'> | null = null;
    if (e.event === 'message_received') counter = this.received;
    else if (e.event === 'message_ack' && e.data.status === 'sent') counter = this.sent;
    else if (e.event === 'message_ack' && e.data.status === 'failed') counter = this.failed;
    if (!counter) return;
    const c = counter;
    afterCommit(trx, () => c.inc({ instance_id: instanceId }));
  }

  /** Times a sent message until its delivery receipt. */
  private receipt(key: string, sent: boolean): void {
    const now = this.opts.now();
    if (sent) {
      if (this.awaiting.size >= AWAITING_MAX) this.awaiting.delete(this.awaiting.keys().next().value!);
      this.awaiting.set(key, now);
      return;
    }
    const sentAt = this.awaiting.get(key);
    if (sentAt === undefined) return; // sent before this server started, or forgotten
    this.awaiting.delete(key);
    this.messageDeliverySeconds.observe(Math.max(0, now - sentAt) / 1000);
  }

  /** A send WhatsApp answered: how long it took, and whether it was accepted. */
  sendAnswered(instanceId: string, outcome: 'sent' | 'failed', ms: number): void {
    const engine = this.opts.registry().has(instanceId) ? this.opts.registry().get(instanceId).engine : 'unknown';
    this.sendSeconds.observe({ engine, outcome }, ms / 1000);
  }

  /** A webhook attempt ended; `latencyMs` (from the event being recorded) when it was delivered. */
  webhookAttempt(instanceId: string, delivered: boolean, latencyMs?: number): void {
    this.webhookAttempts.inc({ instance_id: instanceId, result: delivered ? 'delivered' : 'failed' });
    if (delivered && latencyMs !== undefined) this.deliverySeconds.observe(Math.max(0, latencyMs) / 1000);
  }

  /** Liveness reconnected an instance it found deaf. */
  deafRecovered(instanceId: string, reason: string): void {
    this.recoveries.inc({ instance_id: instanceId, reason });
  }

  /** A backfill stored `count` messages. */
  backfilled(instanceId: string, count: number): void {
    this.backfilledMessages.inc({ instance_id: instanceId }, count);
  }

  /** Drops the series of an instance being deleted. */
  forgetInstance(instanceId: string): void {
    for (const key of this.awaiting.keys()) if (key.startsWith(`${instanceId}\u0000`)) this.awaiting.delete(key);
    for (const metric of [this.received, this.sent, this.failed, this.backlog, this.oldestAge, this.browserMemory, this.browserProcesses, this.backfilledMessages]) {
      metric.remove({ instance_id: instanceId });
    }
    for (const result of ['delivered', 'failed']) this.webhookAttempts.remove({ instance_id: instanceId, result });
    for (const reason of ['events_stalled', 'bridge_down']) this.recoveries.remove({ instance_id: instanceId, reason });
  }

  /** The text Prometheus reads, with its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    await this.readGauges(this.opts.now());
    const merged = Registry.merge([processMetrics(), this.prom]);
    return { contentType: merged.contentType, body: await merged.metrics() };
  }

  private async readGauges(now: number): Promise<void> {
    const registry = this.opts.registry();
    const states = registry.list();
    this.instances.reset();
    for (const engine of ENGINE_NAMES) for (const status of STATUSES) this.instances.set({ status, engine }, 0);
    for (const s of states) this.instances.inc({ status: s.status, engine: s.engine });

    // Every instance has its counters from 0 on, so that a rate() sees its first message.
    for (const s of states) for (const c of [this.received, this.sent, this.failed, this.backfilledMessages]) c.inc({ instance_id: s.id }, 0);

    this.backlog.reset();
    this.oldestAge.reset();
    for (const s of states) {
      this.backlog.set({ instance_id: s.id }, 0);
      this.oldestAge.set({ instance_id: s.id }, 0);
    }
    for (const b of await pendingBacklog(this.opts.db)) {
      if (!registry.has(b.instanceId)) continue;
      this.backlog.set({ instance_id: b.instanceId }, b.pending);
      this.oldestAge.set({ instance_id: b.instanceId }, Math.max(0, (now - b.oldestAt) / 1000));
    }

    // Only engines with a browser of their own answer a pid (wwebjs while it runs; never the sandbox).
    const pids = new Map<string, number>();
    for (const s of states) {
      const pid = registry.has(s.id) && registry.owns(s.id) ? registry.engine(s.id).browserPid?.() : null;
      if (pid) pids.set(s.id, pid);
    }
    const memory = treeMemory([...pids.values()]);
    this.browserMemory.reset();
    this.browserProcesses.reset();
    for (const [id, pid] of pids) {
      const m = memory.get(pid);
      if (!m) continue;
      this.browserMemory.set({ instance_id: id }, m.rssBytes);
      this.browserProcesses.set({ instance_id: id }, m.processes);
    }
  }
}
