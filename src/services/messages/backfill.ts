import type { EngineMessage, HistoryCapability } from '../../engines/engine.js';
import { describeError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Db } from '../../storage/db.js';
import { newestMessageAt } from '../../storage/messages-repo.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import type { InboundMessages } from './inbound.js';

/** How far before the anchor a backfill looks (timestamps are WhatsApp's, to the second, from several clocks). */
export const BACKFILL_SLACK_SECONDS = 60;
/** Each call to the engine gets this long. */
const CALL_TIMEOUT_MS = 30_000;

export interface BackfillLimits {
  /** Chats read, the most recently active first; 0 turns backfill off. */
  chats: number;
  /** Messages read per chat (the newest). */
  messagesPerChat: number;
}

export interface BackfillOptions {
  db: Db;
  registry: InstanceRegistry;
  inbound: Pick<InboundMessages, 'backfill'>;
  limits: BackfillLimits;
  logger: Logger;
  /** Unix ms (the clock of a fresh link). */
  now: () => number;
  /** Told how many messages a backfill stored (metrics). */
  onStored?: (instanceId: string, count: number) => void;
}

/** What the engine held when an instance became open: everything up to `newestAt` has been dealt with. */
export type BaselineListener = (instanceId: string, newestAt: number | null) => void;

/**
 * Nothing received is lost (issue 19): each time an instance becomes open (a reconnect, a restart,
 * a server start, a deaf instance recovered), what its engine holds that arrived while Hatline was
 * not listening is fetched and stored through the same path live messages take (chats, webhooks,
 * the event log, the chatbot), once each, oldest first. Engines without the `history` capability
 * are left alone.
 *
 * Where to start: the newest message received from someone else that is stored (what the engine
 * last told), or what the engine held at the previous open, whichever is newer, less a minute of
 * slack; messages Hatline sent itself do not count, since they may have gone out while it heard
 * nothing. An account just linked is not backfilled (its phone's history is not news), and an
 * instance with no stored message and no earlier open in this process has nothing to start from.
 */
export class Backfill {
  /** What the engine held at the last open of each instance (unix seconds). */
  private readonly caughtUp = new Map<string, number>();
  private readonly baselineListeners: BaselineListener[] = [];
  private readonly log: Logger;

  constructor(private readonly opts: BackfillOptions) {
    this.log = opts.logger;
  }

  /** Told what an engine held when its instance became open, once it is backfilled (liveness starts from there). */
  onBaseline(listener: BaselineListener): void {
    this.baselineListeners.push(listener);
  }

  /**
   * An instance became open. Called synchronously at that moment: the backfill takes its place in
   * the instance's inbound order before anything the engine reports afterwards.
   */
  opened(instanceId: string, firstLink: boolean): void {
    const { registry } = this.opts;
    const history = registry.has(instanceId) ? registry.engine(instanceId).history : undefined;
    if (!history) return;
    const run = this.opts.inbound.backfill(instanceId, () => this.fetch(instanceId, history, firstLink));
    run.then(
      (stored) => {
        if (stored > 0) this.log.info('backfilled messages that arrived while Hatline was not listening', { instance: instanceId, stored });
        this.opts.onStored?.(instanceId, stored);
      },
      (err) => {
        if (registry.has(instanceId)) this.log.warn('backfill failed', { instance: instanceId, error: describeError(err) });
      },
    );
  }

  forget(instanceId: string): void {
    this.caughtUp.delete(instanceId);
  }

  /** Runs in the instance's inbound order: everything told before the open is stored by now. */
  private async fetch(instanceId: string, history: HistoryCapability, firstLink: boolean): Promise<EngineMessage[]> {
    const probe = await timed(history.probe(), 'probe');
    const before = this.caughtUp.get(instanceId) ?? null;
    const caughtUp = () => {
      const held = probe.newestAt ?? Math.floor(this.opts.now() / 1000);
      this.caughtUp.set(instanceId, Math.max(held, before ?? held));
      for (const listener of this.baselineListeners) listener(instanceId, probe.newestAt);
    };
    if (firstLink || this.opts.limits.chats === 0) {
      caughtUp();
      return [];
    }
    const told = await newestMessageAt(this.opts.db, instanceId, true);
    const anchor = told !== null || before !== null ? Math.max(told ?? 0, before ?? 0) : await newestMessageAt(this.opts.db, instanceId);
    const found: EngineMessage[] = [];
    if (anchor !== null) {
      const since = anchor - BACKFILL_SLACK_SECONDS;
      const chats = await timed(history.recentChats(since, this.opts.limits.chats), 'recentChats');
      for (const chatId of chats) found.push(...(await timed(history.messagesSince(chatId, since, this.opts.limits.messagesPerChat), 'messagesSince')));
    }
    caughtUp();
    // Oldest first across chats (the sort is stable: a chat's own order stands between equal times).
    return found.sort((a, b) => a.timestamp - b.timestamp);
  }
}

function timed<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the engine did not answer ${what} within ${CALL_TIMEOUT_MS / 1000} s`)), CALL_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
