import { randomBytes } from 'node:crypto';
import type { AckUpdate, SendOptions as EngineSendOptions, OutgoingContent, SentMessage } from '../../engines/engine.js';
import { AppError, describeError, EngineError, notFound } from '../../errors.js';
import { discardMedia, saveMedia } from '../../media/media-store.js';
import type { Db, DbOrTrx } from '../../storage/db.js';
import * as repo from '../../storage/messages-repo.js';
import type { MessageRow, MessageStatus, NewMessageRow } from '../../storage/schema.js';
import type { WriteQueue } from '../../storage/write-batch.js';
import { recordOnChat } from '../chats/chat-records.js';
import type { EventSink } from '../events.js';
import { capabilityOf, operationOf, requireOpen } from '../instances/capability.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { furthest } from './ack-state.js';
import { forwardedRow, outgoingRow, refOf, type MessageMeta } from './rows.js';
import type { SendTracker } from './send-tracker.js';
import { SendQueue } from './send-queue.js';

export interface SendOptions {
  /** The media is a file of the media library already (its stored name): no second copy is written. */
  libraryFile?: string;
  /**
   * Runs in the send's turn, right before WhatsApp is asked (jobs mark their row `sending` here:
   * a crash after this point leaves an outcome that is unknown, never retried blindly). When it
   * throws (the job's row was cancelled meanwhile), nothing is sent and the stored message goes.
   */
  beforeSend?: () => Promise<void>;
  /**
   * The caller sends again later when nothing was sent (jobs waiting for the instance): a send
   * that could not even be attempted leaves no `failed` message behind.
   */
  retriedByCaller?: boolean;
  /** What goes with the message on WhatsApp: a quoted message, mentions, view once, a link preview. */
  engine?: EngineSendOptions;
  /**
   * The caller's own writes, in the same transaction as the message's: a job's row then never
   * disagrees with the history, whenever the server stops. `stored` runs with the `pending` row
   * (its temporary id), `sent` once WhatsApp took it (WhatsApp's id; the message is `sent`, or
   * `pending` until its server's ack), `failed` with the `failed` one. Each may run twice (group
   * commit retries a batch), so each must be an idempotent update. What happens to the message
   * after `sent` (receipts, a later refusal, no server ack in time) is the history's, not the job's.
   */
  record?: SendRecord;
}

export interface SendRecord {
  stored?(trx: DbOrTrx, messageId: string): Promise<void>;
  sent?(trx: DbOrTrx, sent: SentMessage): Promise<void>;
  failed?(trx: DbOrTrx, messageId: string, error: string): Promise<void>;
}

/** Thrown by a job's beforeSend when its row was cancelled while the send waited in the queue. */
export class SendCancelled extends AppError {
  constructor() {
    super('conflict', 'cancelled before it was sent');
  }
}

export interface OutgoingOptions {
  db: Db;
  writes: WriteQueue;
  registry: InstanceRegistry;
  events: EventSink;
  settings: SettingsStore;
  tracker: SendTracker;
  mediaDir: string;
  /** Applies a receipt that came before its send was stored (the inbound path's serial chain). */
  replayAck: (instanceId: string, ack: AckUpdate) => void;
  now: () => number;
  /** Told how long WhatsApp took to answer each send, and how (metrics). */
  onAnswered?: (instanceId: string, outcome: 'sent' | 'failed', ms: number) => void;
  /** Told when WhatsApp's reach-out timelock (463) refused a send, and until when it lasts (unix ms). */
  onTimelock?: (instanceId: string, untilMs: number) => void;
}

/** How long a reach-out timelock is assumed to last when WhatsApp does not say (checked again after). */
export const TIMELOCK_GUESS_MS = 15 * 60_000;

/**
 * The send path: a message is stored `pending`, sent in its turn of the instance's queue, and
 * answered once WhatsApp accepted it (WhatsApp's id; `sent`, or still `pending` when only the
 * local client took it and the server's ack is to come) or refused it (`failed`).
 */
export class OutgoingMessages {
  readonly queue = new SendQueue();
  /** Per instance, the sends under way (a deletion waits for them before the rows go). */
  private readonly inflight = new Map<string, Set<Promise<unknown>>>();

  constructor(private readonly opts: OutgoingOptions) {}

  send(instanceId: string, to: string, content: OutgoingContent, options: SendOptions = {}): Promise<SentMessage> {
    return this.track(instanceId, this.sendNow(instanceId, to, content, options));
  }

  /** Forwards a stored message to `to`: stored, queued and answered as a send, marked forwarded. */
  forward(instanceId: string, to: string, original: MessageRow): Promise<SentMessage> {
    return this.track(instanceId, this.forwardNow(instanceId, to, original));
  }

  private track(instanceId: string, work: Promise<SentMessage>): Promise<SentMessage> {
    let set = this.inflight.get(instanceId);
    if (!set) this.inflight.set(instanceId, (set = new Set()));
    const tracked = work.catch(() => undefined);
    set.add(tracked);
    void tracked.finally(() => {
      set.delete(tracked);
      if (set.size === 0 && this.inflight.get(instanceId) === set) this.inflight.delete(instanceId);
    });
    return work;
  }

  /** Waits for the sends under way of an instance (being deleted: no new one can start). */
  async quiesce(instanceId: string): Promise<void> {
    while (this.inflight.get(instanceId)?.size) await Promise.all([...this.inflight.get(instanceId)!]);
  }

  private async sendNow(instanceId: string, to: string, content: OutgoingContent, options: SendOptions): Promise<SentMessage> {
    const messages = capabilityOf(this.opts.registry, instanceId, 'messages');
    const state = requireOpen(this.opts.registry, instanceId);
    const tempId = `${repo.TEMP_ID_PREFIX}${randomBytes(8).toString('hex').toUpperCase()}`;
    const row = outgoingRow(instanceId, tempId, to, content, state.account, Math.floor(this.opts.now() / 1000), metaOf(options.engine));
    let written: string | null = null;
    if ('media' in content) {
      if (!options.libraryFile) {
        written = await saveMedia(this.opts.mediaDir, instanceId, content.media.data, content.media.mimetype, content.media.filename);
      }
      row.media_file = options.libraryFile ?? written;
      row.media_mimetype = content.media.mimetype;
      row.media_filename = content.media.filename ?? null;
      row.media_size = content.media.data.length;
    }
    return this.dispatch(instanceId, to, row, written, options, () => messages.send(to, content, options.engine));
  }

  private async forwardNow(instanceId: string, to: string, original: MessageRow): Promise<SentMessage> {
    const forward = operationOf(this.opts.registry, instanceId, 'messages', 'forward');
    const state = requireOpen(this.opts.registry, instanceId);
    const tempId = `${repo.TEMP_ID_PREFIX}${randomBytes(8).toString('hex').toUpperCase()}`;
    const row = forwardedRow(instanceId, tempId, to, original, state.account, Math.floor(this.opts.now() / 1000));
    return this.dispatch(instanceId, to, row, null, {}, () => forward(refOf(original), to));
  }

  /**
   * Stores the message `pending`, asks WhatsApp (`perform`) in its turn of the queue, and marks it
   * `sent` under WhatsApp's id or `failed` with the reason. `written` is a media file saved for it
   * alone (removed when the message cannot even be stored).
   */
  private async dispatch(
    instanceId: string,
    to: string,
    row: NewMessageRow,
    written: string | null,
    options: SendOptions,
    perform: () => Promise<SentMessage>,
  ): Promise<SentMessage> {
    const tempId = row.id;
    let seq: number;
    try {
      seq = await this.opts.writes.run(async (trx) => {
        const inserted = await repo.insertMessage(trx, row);
        await options.record?.stored?.(trx, tempId);
        return inserted;
      });
    } catch (err) {
      // Not stored (a full disk, say): the file written for it goes too, so nothing points nowhere.
      if (written) await discardMedia(this.opts.mediaDir, instanceId, written);
      throw err;
    }

    const { sent, confirmed } = await this.onQueue(instanceId, async () => {
      const current = this.opts.registry.has(instanceId) ? this.opts.registry.get(instanceId) : null;
      if (!current) {
        // Deleted while the send waited: nothing was sent, and nothing of the instance is kept.
        await repo.deleteMessage(this.opts.db, instanceId, tempId);
        throw notFound(`instance ${instanceId} not found`);
      }
      if (current.status !== 'open') {
        const why = `instance ${instanceId} disconnected before the message was sent`;
        if (options.retriedByCaller) await repo.deleteMessage(this.opts.db, instanceId, tempId);
        else await this.markFailed(instanceId, tempId, to, why, options.record);
        throw new AppError('not_connected', why);
      }
      try {
        await options.beforeSend?.();
      } catch (err) {
        await repo.deleteMessage(this.opts.db, instanceId, tempId);
        throw err;
      }
      let sent: SentMessage;
      this.opts.tracker.asking(instanceId);
      const asked = performance.now();
      try {
        sent = await perform();
        this.opts.onAnswered?.(instanceId, 'sent', performance.now() - asked);
      } catch (err) {
        this.opts.onAnswered?.(instanceId, 'failed', performance.now() - asked);
        this.opts.tracker.confirmed(instanceId);
        if (err instanceof EngineError && err.reason === 'reachout_timelock') {
          const retry = Number(err.headers['Retry-After']);
          this.opts.onTimelock?.(instanceId, this.opts.now() + (retry > 0 ? retry * 1000 : TIMELOCK_GUESS_MS));
          if (options.retriedByCaller) {
            // A job sends it again once the timelock is over: nothing was sent, nothing is kept.
            await repo.deleteMessage(this.opts.db, instanceId, tempId);
            throw err;
          }
        }
        await this.markFailed(instanceId, tempId, to, describeError(err), options.record);
        // WhatsApp was asked: a connection lost now leaves the outcome unknown, which is not the
        // "nothing was sent" that not_connected means (an Idempotency-Key retry must not resend).
        if (err instanceof EngineError && err.reason === 'not_connected') {
          throw new EngineError('failed', `the connection to WhatsApp was lost while sending; the message may or may not have been sent: ${err.message}`);
        }
        if (err instanceof AppError) throw err;
        throw new AppError('upstream_failed', `WhatsApp did not accept the message: ${describeError(err)}`);
      }
      // The next send of the queue need not wait for this one's commit: writes keep their order,
      // and receipts that beat the commit are kept (see SendTracker) and applied after it.
      const confirmed = this.markSent(instanceId, tempId, to, seq, sent, options.record).finally(() => this.opts.tracker.confirmed(instanceId));
      confirmed.catch(() => undefined);
      return { sent, confirmed };
    });
    await confirmed;
    return sent;
  }

  /** Runs an action in the instance's send queue (the `sendDelay` apart from sends). */
  onQueue<T>(instanceId: string, task: () => Promise<T>): Promise<T> {
    return this.queue.run(instanceId, () => this.sendDelay(instanceId), task);
  }

  drop(instanceId: string): void {
    this.queue.drop(instanceId);
  }

  private async markSent(instanceId: string, tempId: string, chatId: string, seq: number, sent: SentMessage, record?: SendRecord): Promise<void> {
    const { tracker } = this.opts;
    // Decided before the write, so that the write can run again (group commit) with the same result.
    const mayHaveEcho = tracker.hasEcho(instanceId, sent.id);
    await this.opts.writes.run(async (trx) => {
      // `pending`: handed to WhatsApp, whose server has not confirmed it yet (its ack moves it on;
      // the ack sweep bounds the wait). The `sent` event waits for that ack.
      let status: MessageStatus = sent.status ?? 'sent';
      const echo = mayHaveEcho ? await repo.findMessage(trx, instanceId, sent.id) : undefined;
      if (echo) {
        status = furthest(echo.status, status);
        await repo.deleteMessage(trx, instanceId, sent.id);
      }
      await repo.updateMessage(trx, instanceId, tempId, { id: sent.id, status, timestamp: sent.timestamp, native_key: sent.nativeKey ?? null });
      const me = this.opts.registry.has(instanceId) ? this.opts.registry.get(instanceId).account : null;
      await recordOnChat(trx, instanceId, { chatId, from: me?.id ?? '', fromMe: true, senderName: null, timestamp: sent.timestamp, seq });
      if (status !== 'pending') await this.opts.events.record(trx, instanceId, { event: 'message_ack', data: { id: sent.id, chatId, status: 'sent', fromMe: true } });
      // A job's row says the message was handed to WhatsApp, whether its server confirmed it yet or not.
      await record?.sent?.(trx, sent);
    });
    tracker.forgetEcho(instanceId, sent.id);
    for (const ack of tracker.takeEarlyAcks(instanceId, sent.id)) this.opts.replayAck(instanceId, ack);
  }

  private async markFailed(instanceId: string, tempId: string, chatId: string, error: string, record?: SendRecord): Promise<void> {
    await this.opts.writes.run(async (trx) => {
      await repo.updateMessage(trx, instanceId, tempId, { status: 'failed', error });
      await this.opts.events.record(trx, instanceId, { event: 'message_ack', data: { id: tempId, chatId, status: 'failed', fromMe: true, error } });
      await record?.failed?.(trx, tempId, error);
    });
  }

  private async sendDelay(instanceId: string): Promise<number> {
    return (await this.opts.settings.get(instanceId))?.sendDelay ?? 0;
  }
}

/** What of the engine's send options the stored message shows. */
function metaOf(options: EngineSendOptions | undefined): MessageMeta {
  if (!options) return {};
  return {
    ...(options.quoted ? { quotedId: options.quoted.id } : {}),
    ...(options.mentions?.length ? { mentions: options.mentions } : {}),
    ...(options.viewOnce ? { viewOnce: true } : {}),
  };
}
