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

/** Told of every message received from someone else, once it is stored (never of a redelivery). */
export type StoredListener = (instanceId: string, message: EngineMessage, origin: StoredOrigin) => void;

/**
 * What engines report about messages, stored in the order it came per instance: messages
 * received (and sent from the phone itself), and receipts moving an outgoing message's status
 * forward. Each change and its webhook event are written in one transaction.
 */
export class InboundMessages {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly listeners: StoredListener[] = [];

  constructor(private readonly opts: InboundOptions) {}

  onStored(listener: StoredListener): void {
    this.listeners.push(listener);
  }

  message(instanceId: string, message: EngineMessage): void {
    this.serially(instanceId, async () => void (await this.store(instanceId, message)));
  }

  ack(instanceId: string, ack: AckUpdate): void {
    this.serially(instanceId, () => this.applyAck(instanceId, ack));
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
          for (const m of await fetch()) if (await this.store(instanceId, m, true)) stored++;
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
  }

  /** Runs `fn` after everything reported before it for this instance is stored (engine reports of chats, say). */
  enqueue(instanceId: string, fn: () => Promise<void>): void {
    this.serially(instanceId, fn);
  }

  private serially(instanceId: string, fn: () => Promise<void>): void {
    const next = (this.chains.get(instanceId) ?? Promise.resolve()).then(fn).catch((err) => {
      if (!this.opts.registry.has(instanceId)) return; // deleted meanwhile
      const why = isStorageFull(err) ? 'could not store an engine event: the disk is full' : 'could not store an engine event';
      this.opts.logger.error(why, { instance: instanceId, error: describeError(err) });
    });
    this.chains.set(instanceId, next);
  }

  /** Stores a message unless it is stored already; answers whether it was new. */
  private async store(instanceId: string, m: EngineMessage, backfilled = false): Promise<boolean> {
    if (!this.opts.registry.has(instanceId)) return false;
    const row = incomingRow(instanceId, m);
    const facts = { chatId: m.chatId, from: m.from, fromMe: m.fromMe, senderName: m.senderName ?? null, timestamp: m.timestamp };
    if (m.fromMe) {
      // Sent from the phone itself, or the echo of one of our own sends (merged when the send is
      // confirmed, which looks for an echo only when one was announced here).
      this.opts.tracker.rememberEcho(instanceId, m.id);
      if (m.media) row.media_file = await saveMedia(this.opts.mediaDir, instanceId, m.media.data, m.media.mimetype, m.media.filename);
      return this.opts.writes
        .run(async (trx) => {
          const seq = await repo.insertMessageIfNew(trx, row);
          if (seq !== null) await recordOnChat(trx, instanceId, { ...facts, seq });
          return seq !== null;
        })
        .catch((err) => this.unstored(instanceId, row.media_file, err));
    }
    if (await repo.findMessage(this.opts.db, instanceId, m.id)) return false; // a redelivery
    if (m.media) row.media_file = await saveMedia(this.opts.mediaDir, instanceId, m.media.data, m.media.mimetype, m.media.filename);
    const stored = await this.opts.writes.run(async (trx) => {
      const seq = await repo.insertMessageIfNew(trx, row);
      if (seq === null) return false;
      await recordOnChat(trx, instanceId, { ...facts, seq });
      await this.opts.events.record(trx, instanceId, {
        event: 'message_received',
        data: {
          id: m.id,
          from: m.from,
          to: m.to,
          body: m.body,
          type: m.kind,
          timestamp: m.timestamp,
          fromMe: false,
          chatId: m.chatId,
          ...(m.senderName ? { senderName: m.senderName } : {}),
          ...(row.media_file
            ? { media: { url: mediaUrl(this.opts.publicUrl, instanceId, row.media_file), mimetype: row.media_mimetype, filename: row.media_filename, size: row.media_size } }
            : {}),
          ...(m.location ? { location: m.location } : {}),
          ...(m.poll ? { poll: m.poll } : {}),
          ...(m.vcard ? { vcard: m.vcard } : {}),
          ...(m.quotedId ? { quotedMessageId: m.quotedId } : {}),
          ...(m.mentions?.length ? { mentions: m.mentions } : {}),
          ...(m.forwarded ? { forwarded: true } : {}),
          ...(m.viewOnce ? { viewOnce: true } : {}),
          ...(backfilled ? { backfilled: true } : {}),
        },
      });
      return true;
    }).catch((err) => this.unstored(instanceId, row.media_file, err));
    if (!stored) return false;
    for (const listener of this.listeners) {
      try {
        listener(instanceId, m, { backfilled });
      } catch (err) {
        this.opts.logger.warn('a stored-message listener failed', { instance: instanceId, error: describeError(err) });
      }
    }
    return true;
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
