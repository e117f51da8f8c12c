import type { AckUpdate, EngineMessage } from '../../engines/engine.js';
import { describeError, isStorageFull } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { discardMedia, saveMedia } from '../../media/media-store.js';
import { mediaUrl } from '../../media/paths.js';
import type { Db } from '../../storage/db.js';
import * as repo from '../../storage/messages-repo.js';
import type { WriteQueue } from '../../storage/write-batch.js';
import { recordOnChat } from '../chats/chat-records.js';
import type { EventSink } from '../events.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import { advanceableFrom, revivesUnconfirmed, UNCONFIRMED } from './ack-state.js';
import { incomingRow } from './rows.js';
import type { SendTracker } from './send-tracker.js';

export interface InboundOptions {
  db: Db;
  writes: WriteQueue;
  registry: InstanceRegistry;
  events: EventSink;
  tracker: SendTracker;
  mediaDir: string;
  publicUrl: string;
  logger: Logger;
}

/** How a stored message reached Hatline: told by the engine as it happened, or fetched afterwards by a backfill. */
export interface StoredOrigin {
  backfilled: boolean;
}

/** What storing one message came to: stored (or known already), or the error that kept it out. */
type StoreOutcome = { ok: true; stored: boolean } | { ok: false; error: unknown };

/** The `message_received` event of a message received from someone else. */
function receivedEventData(publicUrl: string, instanceId: string, m: EngineMessage, row: ReturnType<typeof incomingRow>, backfilled: boolean) {
  return {
    id: m.id,
    from: m.from,
    to: m.to,
    body: m.body,
    type: m.kind,
    timestamp: m.timestamp,
    fromMe: false as const,
    chatId: m.chatId,
    ...(m.senderName ? { senderName: m.senderName } : {}),
    ...(row.media_file
      ? { media: { url: mediaUrl(publicUrl, instanceId, row.media_file), mimetype: row.media_mimetype, filename: row.media_filename, size: row.media_size } }
      : {}),
    ...(m.location ? { location: m.location } : {}),
    ...(m.poll ? { poll: m.poll } : {}),
    ...(m.vcard ? { vcard: m.vcard } : {}),
    ...(m.quotedId ? { quotedMessageId: m.quotedId } : {}),
    ...(m.mentions?.length ? { mentions: m.mentions } : {}),
    ...(m.forwarded ? { forwarded: true } : {}),
    ...(m.viewOnce ? { viewOnce: true } : {}),
    ...(backfilled ? { backfilled: true } : {}),
  };
}

/** Told of every message received from someone else, once it is stored (never of a redelivery). */
export type StoredListener = (instanceId: string, message: EngineMessage, origin: StoredOrigin) => void;

/**
 * What engines report about messages, stored in the order it came per instance: messages
 * received (and sent from the phone itself), and receipts moving an outgoing message's status
 * forward. Each change and its webhook event are written in one transaction.
 */
export class InboundMessages {
  private readonly chains = new Map<string, Promise<void>>();
  /** Per instance, receipts reported one after another and not applied yet: they are applied together. */
  private readonly openAcks = new Map<string, AckUpdate[]>();
  /** Per instance, messages reported one after another and not stored yet: they are stored together. */
  private readonly openMessages = new Map<string, EngineMessage[]>();
  private readonly listeners: StoredListener[] = [];

  constructor(private readonly opts: InboundOptions) {}

  onStored(listener: StoredListener): void {
    this.listeners.push(listener);
  }

  /**
   * Messages reported one after another (nothing else of the instance between them) are stored
   * together, in their order: each in its own write, the writes submitted at once so that they
   * share one commit. One commit each bounded an instance to one message per turn of the event
   * loop, which a busy number outruns. A message that cannot be stored is logged and does not
   * hold back the others.
   */
  message(instanceId: string, message: EngineMessage): void {
    this.inRun(this.openMessages, instanceId, message, async (messages) => {
      for (const outcome of await this.storeAll(instanceId, messages)) if (!outcome.ok) this.unstoredEvent(instanceId, outcome.error);
    });
  }

  /**
   * Receipts reported one after another (nothing else of the instance between them) are applied
   * together, in their order: each in its own write, the writes submitted at once so that they
   * share one commit. One commit each bounded an instance to one receipt per turn of the event
   * loop, which a send load outruns.
   */
  ack(instanceId: string, ack: AckUpdate): void {
    this.inRun(this.openAcks, instanceId, ack, async (acks) => void (await Promise.all(acks.map((a) => this.applyAck(instanceId, a)))));
  }

  /**
   * Adds `item` to the instance's open run of its kind (`open`), or starts one that `apply` gets
   * once everything reported before it is stored; a run takes what comes until it starts, or
   * until something else of the instance is reported (serially() closes every open run).
   */
  private inRun<T>(open: Map<string, T[]>, instanceId: string, item: T, apply: (items: T[]) => Promise<void>): void {
    const run = open.get(instanceId);
    if (run) {
      run.push(item);
      return;
    }
    const items = [item];
    this.serially(instanceId, async () => {
      if (open.get(instanceId) === items) open.delete(instanceId);
      await apply(items);
    });
    open.set(instanceId, items);
  }

  /**
   * Stores what `fetch` finds (messages the engine holds that Hatline may not have been told of)
   * exactly as live messages are stored, in the instance's order: what was reported before this
   * call is stored first and what is reported after it waits, so a message that is both fetched
   * and told live is stored and announced once. Answers how many were new.
   */
  backfill(instanceId: string, fetch: () => Promise<EngineMessage[]>): Promise<number> {
    return new Promise((resolve, reject) => {
      this.serially(instanceId, async () => {
        try {
          let stored = 0;
          for (const outcome of await this.storeAll(instanceId, await fetch(), true)) {
            if (!outcome.ok) throw outcome.error;
            if (outcome.stored) stored++;
          }
          resolve(stored);
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  /** Waits until every engine event received so far is stored (tests, shutdown, reads that must see them). */
  async settled(instanceId?: string): Promise<void> {
    const chains = instanceId ? [this.chains.get(instanceId)] : [...this.chains.values()];
    await Promise.all(chains.map((c) => c ?? Promise.resolve()));
  }

  forget(instanceId: string): void {
    this.chains.delete(instanceId);
    this.openAcks.delete(instanceId);
    this.openMessages.delete(instanceId);
  }

  /** Runs `fn` after everything reported before it for this instance is stored (engine reports of chats, say). */
  enqueue(instanceId: string, fn: () => Promise<void>): void {
    this.serially(instanceId, fn);
  }

  private serially(instanceId: string, fn: () => Promise<void>): void {
    // What comes after receipts or messages not stored yet is stored after them: a later one starts a new group.
    this.openAcks.delete(instanceId);
    this.openMessages.delete(instanceId);
    const next = (this.chains.get(instanceId) ?? Promise.resolve()).then(fn).catch((err) => this.unstoredEvent(instanceId, err));
    this.chains.set(instanceId, next);
  }

  private unstoredEvent(instanceId: string, err: unknown): void {
    if (!this.opts.registry.has(instanceId)) return; // deleted meanwhile
    const why = isStorageFull(err) ? 'could not store an engine event: the disk is full' : 'could not store an engine event';
    this.opts.logger.error(why, { instance: instanceId, error: describeError(err) });
  }

  /**
   * Stores messages unless they are stored already, in their order, their writes submitted at once
   * (one commit when nothing else is written meanwhile); answers for each whether it was new, or
   * why it could not be stored. Those new and received from someone else are then told to the
   * listeners, in order.
   */
  private async storeAll(instanceId: string, messages: EngineMessage[], backfilled = false): Promise<StoreOutcome[]> {
    const commits: Promise<StoreOutcome>[] = [];
    for (const m of messages) {
      // Each message's write is submitted before the next is looked at, so they keep their order and
      // share a batch; its commit is not waited for here.
      try {
        const { committed } = await this.submit(instanceId, m, backfilled);
        commits.push(committed.then((stored) => ({ ok: true as const, stored }), (error: unknown) => ({ ok: false as const, error })));
      } catch (error) {
        commits.push(Promise.resolve({ ok: false, error }));
      }
    }
    const outcomes = await Promise.all(commits);
    outcomes.forEach((outcome, i) => {
      if (outcome.ok && outcome.stored && !messages[i]!.fromMe) this.announce(instanceId, messages[i]!, backfilled);
    });
    return outcomes;
  }

  /**
   * Submits the write of a message (and, when received, its event) unless it is stored already;
   * `committed` resolves once it is committed, with whether it was new. A copy of a message still
   * in the same batch (reported twice in a row) is written once; a file saved for the copy goes.
   */
  private async submit(instanceId: string, m: EngineMessage, backfilled: boolean): Promise<{ committed: Promise<boolean> }> {
    if (!this.opts.registry.has(instanceId)) return { committed: Promise.resolve(false) };
    const row = incomingRow(instanceId, m);
    const facts = { chatId: m.chatId, from: m.from, fromMe: m.fromMe, senderName: m.senderName ?? null, timestamp: m.timestamp };
    if (m.fromMe) {
      // Sent from the phone itself, or the echo of one of our own sends (merged when the send is
      // confirmed, which looks for an echo only when one was announced here).
      this.opts.tracker.rememberEcho(instanceId, m.id);
    } else if (m.media && (await repo.findMessage(this.opts.db, instanceId, m.id))) {
      // A redelivery, told before its file is saved again (the insert below tells any other, for nothing).
      return { committed: Promise.resolve(false) };
    }
    if (m.media) row.media_file = await saveMedia(this.opts.mediaDir, instanceId, m.media.data, m.media.mimetype, m.media.filename);
    const committed = this.opts.writes
      .run(async (trx) => {
        const seq = await repo.insertMessageIfNew(trx, row);
        if (seq === null) return false;
        await recordOnChat(trx, instanceId, { ...facts, seq });
        if (!m.fromMe) await this.opts.events.record(trx, instanceId, { event: 'message_received', data: receivedEventData(this.opts.publicUrl, instanceId, m, row, backfilled) });
        return true;
      })
      .then(
        async (stored) => {
          if (!stored && row.media_file) await discardMedia(this.opts.mediaDir, instanceId, row.media_file);
          return stored;
        },
        (err: unknown) => this.unstored(instanceId, row.media_file, err),
      );
    return { committed };
  }

  private announce(instanceId: string, m: EngineMessage, backfilled: boolean): void {
    for (const listener of this.listeners) {
      try {
        listener(instanceId, m, { backfilled });
      } catch (err) {
        this.opts.logger.warn('a stored-message listener failed', { instance: instanceId, error: describeError(err) });
      }
    }
  }

  /** A message that could not be stored (a full disk, say): the file saved for it goes too, then the error goes on. */
  private async unstored(instanceId: string, mediaFile: string | null | undefined, err: unknown): Promise<never> {
    if (mediaFile) await discardMedia(this.opts.mediaDir, instanceId, mediaFile);
    throw err;
  }

  private async applyAck(instanceId: string, ack: AckUpdate): Promise<void> {
    const applied = await this.opts.writes.run(async (trx) => {
      // One conditional update in the usual case; the forward-only rule is in its WHERE.
      let moved = await repo.advanceStatus(trx, instanceId, ack.id, advanceableFrom(ack.status), ack.status, ack.error);
      // The server's ack of a send failed for want of it (the ack sweep): it got there after all.
      if (!moved && revivesUnconfirmed(ack.status)) moved = await repo.reviveFailed(trx, instanceId, ack.id, UNCONFIRMED, ack.status);
      if (moved) {
        const error = ack.status === 'failed' ? { error: ack.error ?? 'WhatsApp refused the message' } : {};
        await this.opts.events.record(trx, instanceId, {
          event: 'message_ack',
          data: { id: ack.id, chatId: moved.chat_id, status: ack.status, fromMe: true, ...error },
        });
        return true;
      }
      return (await repo.findMessage(trx, instanceId, ack.id)) !== undefined; // a late or repeated receipt
    });
    if (!applied && this.opts.tracker.hasUnconfirmed(instanceId)) this.opts.tracker.keepEarlyAck(instanceId, ack);
  }
}
