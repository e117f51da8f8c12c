import { randomBytes } from 'node:crypto';
import type { AckUpdate, EngineMessage, OutgoingContent, SentMessage } from '../engines/engine.js';
import { EngineError } from '../engines/engine.js';
import { AppError, describeError, notFound } from '../errors.js';
import type { InstanceManager } from '../instances/instance-manager.js';
import type { SettingsStore } from '../instances/settings-store.js';
import type { Logger } from '../logger.js';
import type { Db } from '../storage/db.js';
import * as repo from '../storage/messages-repo.js';
import { WriteBatcher } from '../storage/write-batch.js';
import type { NewMessageRow } from '../storage/schema.js';
import { advanceableFrom, furthest } from './ack-state.js';
import { bodyOf } from './content.js';
import type { EventSink } from './events.js';
import { isGroupJid } from './jid.js';
import { saveMedia } from './media-store.js';
import { mediaUrl } from './message-view.js';
import { SendQueue } from './send-queue.js';

export interface MessageServiceOptions {
  db: Db;
  manager: InstanceManager;
  events: EventSink;
  settings: SettingsStore;
  mediaDir: string;
  publicUrl: string;
  logger: Logger;
}

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
}

/** Thrown by a job's beforeSend when its row was cancelled while the send waited in the queue. */
export class SendCancelled extends AppError {
  constructor() {
    super('conflict', 'cancelled before it was sent');
  }
}

/** Receipts that arrive before their send is confirmed are kept this long, at most this many. */
const EARLY_ACK_TTL_MS = 60_000;
const EARLY_ACK_MAX = 10_000;

const now = () => Math.floor(Date.now() / 1000);

/**
 * Sends through each instance's queue and keeps the message store: every message in and out,
 * its status moving only forward, and the events (webhooks) recorded in the same transaction.
 */
export class MessageService {
  readonly queue = new SendQueue();
  private readonly db: Db;
  private readonly log: Logger;
  /** Per-instance chain so that engine events are stored in the order they came. */
  private readonly inbound = new Map<string, Promise<void>>();
  private readonly earlyAcks = new Map<string, { ack: AckUpdate; at: number }[]>();
  /** Messages the engine reported as sent by this account (maybe echoes of our own sends). */
  private readonly echoes = new Set<string>();
  /** Per instance, sends WhatsApp was asked for whose confirmation is not committed yet. */
  private readonly unconfirmed = new Map<string, number>();
  /** Message writes of concurrent sends and receipts share commits. */
  private readonly writes: WriteBatcher;

  constructor(private readonly opts: MessageServiceOptions) {
    this.db = opts.db;
    this.log = opts.logger;
    this.writes = new WriteBatcher(opts.db);
    opts.manager.on('message', (instanceId, message) => this.serially(instanceId, () => this.storeIncoming(instanceId, message)));
    opts.manager.on('ack', (instanceId, ack) => this.serially(instanceId, () => this.applyAck(instanceId, ack)));
    opts.manager.on('deleted', (instanceId) => {
      this.queue.drop(instanceId);
      this.inbound.delete(instanceId);
    });
  }

  /** Waits until every engine event received so far is stored (tests, shutdown). */
  async settled(instanceId?: string): Promise<void> {
    const chains = instanceId ? [this.inbound.get(instanceId)] : [...this.inbound.values()];
    await Promise.all(chains.map((c) => c ?? Promise.resolve()));
  }

  /**
   * Stores the message as pending, sends it in its turn, and answers once WhatsApp accepted it
   * (status sent, WhatsApp's id) or refused it (status failed, the error thrown).
   */
  async send(instanceId: string, to: string, content: OutgoingContent, options: SendOptions = {}): Promise<SentMessage> {
    const state = this.requireOpen(instanceId);
    const tempId = `HL${randomBytes(8).toString('hex').toUpperCase()}`;
    const row: NewMessageRow = {
      instance_id: instanceId,
      id: tempId,
      chat_id: to,
      from_jid: state.account?.id ?? '',
      to_jid: to,
      from_me: 1,
      type: content.kind,
      body: bodyOf(content),
      caption: 'media' in content ? (content.caption ?? null) : null,
      media_file: null,
      media_mimetype: null,
      media_filename: null,
      media_size: null,
      extra: extraOf(content),
      status: 'pending',
      error: null,
      sender_name: state.account?.name ?? null,
      timestamp: now(),
    };
    if ('media' in content) {
      row.media_file =
        options.libraryFile ??
        (await saveMedia(this.opts.mediaDir, instanceId, content.media.data, content.media.mimetype, content.media.filename));
      row.media_mimetype = content.media.mimetype;
      row.media_filename = content.media.filename ?? null;
      row.media_size = content.media.data.length;
    }
    await this.writes.run((trx) => repo.insertMessage(trx, row));

    const { sent, confirmed } = await this.queue.run(instanceId, () => this.sendDelay(instanceId), async () => {
      const current = this.opts.manager.has(instanceId) ? this.opts.manager.get(instanceId) : null;
      if (!current || current.status !== 'open') {
        const why = `instance ${instanceId} disconnected before the message was sent`;
        if (options.retriedByCaller) await repo.deleteMessage(this.db, instanceId, tempId);
        else await this.markFailed(instanceId, tempId, to, why);
        throw new AppError('not_connected', why);
      }
      try {
        await options.beforeSend?.();
      } catch (err) {
        await repo.deleteMessage(this.db, instanceId, tempId);
        throw err;
      }
      let sent: SentMessage;
      this.unconfirmed.set(instanceId, (this.unconfirmed.get(instanceId) ?? 0) + 1);
      try {
        sent = await this.opts.manager.engine(instanceId).send(to, content);
      } catch (err) {
        this.confirmedOne(instanceId);
        await this.markFailed(instanceId, tempId, to, describeError(err));
        // WhatsApp was asked: a connection lost now leaves the outcome unknown, which is not the
        // "nothing was sent" that not_connected means (an Idempotency-Key retry must not resend).
        if (err instanceof EngineError && err.reason === 'not_connected') {
          throw new EngineError('failed', `the connection to WhatsApp was lost while sending; the message may or may not have been sent: ${err.message}`);
        }
        if (err instanceof EngineError) throw err;
        throw new AppError('upstream_failed', `WhatsApp did not accept the message: ${describeError(err)}`);
      }
      // The next send of the queue need not wait for this one's commit: writes keep their order,
      // and receipts that beat the commit are kept (see unconfirmed) and applied after it.
      const confirmed = this.markSent(instanceId, tempId, to, sent).finally(() => this.confirmedOne(instanceId));
      confirmed.catch(() => undefined);
      return { sent, confirmed };
    });
    await confirmed;
    return sent;
  }

  private rememberEcho(key: string): void {
    this.echoes.add(key);
    if (this.echoes.size > EARLY_ACK_MAX) {
      const oldest = this.echoes.values().next().value;
      if (oldest !== undefined) this.echoes.delete(oldest);
    }
  }

  private confirmedOne(instanceId: string): void {
    const n = (this.unconfirmed.get(instanceId) ?? 1) - 1;
    if (n > 0) this.unconfirmed.set(instanceId, n);
    else this.unconfirmed.delete(instanceId);
  }

  async react(instanceId: string, chatId: string, messageId: string, emoji: string): Promise<void> {
    this.requireOpen(instanceId);
    await this.requireMessageIn(instanceId, chatId, messageId);
    await this.queue.run(instanceId, () => this.sendDelay(instanceId), () =>
      this.opts.manager.engine(instanceId).react(chatId, messageId, emoji),
    );
  }

  async deleteForEveryone(instanceId: string, chatId: string, messageId: string): Promise<void> {
    this.requireOpen(instanceId);
    const row = await this.requireMessageIn(instanceId, chatId, messageId);
    if (row.from_me !== 1 && !isGroupJid(chatId)) {
      throw new AppError('conflict', `msgId: message ${messageId} was not sent by this account; only your own messages can be deleted for everyone`);
    }
    await this.queue.run(instanceId, () => this.sendDelay(instanceId), () =>
      this.opts.manager.engine(instanceId).deleteForEveryone(chatId, messageId),
    );
    await repo.updateMessage(this.db, instanceId, messageId, { type: 'revoked' });
  }

  /** Marks the chat's incoming messages read, on WhatsApp and in the store. */
  async markChatRead(instanceId: string, chatId: string): Promise<number> {
    this.requireOpen(instanceId);
    await this.settled(instanceId);
    const ids = await repo.unreadIncomingIds(this.db, instanceId, chatId);
    await this.opts.manager.engine(instanceId).markChatRead(chatId, ids);
    await repo.markChatSeen(this.db, instanceId, chatId);
    return ids.length;
  }

  // --- engine events -----------------------------------------------------------------------

  private serially(instanceId: string, fn: () => Promise<void>): void {
    const prev = this.inbound.get(instanceId) ?? Promise.resolve();
    const next = prev.then(fn).catch((err) => {
      if (!this.opts.manager.has(instanceId)) return; // deleted meanwhile
      this.log.error('could not store an engine event', { instance: instanceId, error: describeError(err) });
    });
    this.inbound.set(instanceId, next);
  }

  private async storeIncoming(instanceId: string, m: EngineMessage): Promise<void> {
    if (!this.opts.manager.has(instanceId)) return;
    const row: NewMessageRow = {
      instance_id: instanceId,
      id: m.id,
      chat_id: m.chatId,
      from_jid: m.from,
      to_jid: m.to,
      from_me: m.fromMe ? 1 : 0,
      type: m.kind,
      body: m.body,
      caption: m.media ? m.body : null,
      media_file: null,
      media_mimetype: m.media?.mimetype ?? null,
      media_filename: m.media?.filename ?? null,
      media_size: m.media?.data.length ?? null,
      extra: extraOfIncoming(m),
      status: m.fromMe ? 'sent' : 'received',
      error: null,
      sender_name: m.senderName ?? null,
      timestamp: m.timestamp,
    };
    if (m.fromMe) {
      // Sent from the phone itself, or the echo of one of our own sends (merged in markSent, which
      // looks for an echo only when one was announced here).
      this.rememberEcho(`${instanceId}\u0000${m.id}`);
      if (m.media) row.media_file = await saveMedia(this.opts.mediaDir, instanceId, m.media.data, m.media.mimetype, m.media.filename);
      await repo.insertMessageIfNew(this.db, row);
      return;
    }
    if (await repo.findMessage(this.db, instanceId, m.id)) return; // a redelivery
    if (m.media) row.media_file = await saveMedia(this.opts.mediaDir, instanceId, m.media.data, m.media.mimetype, m.media.filename);
    await this.writes.run(async (trx) => {
      if (!(await repo.insertMessageIfNew(trx, row))) return;
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
        },
      });
    });
  }

  private async applyAck(instanceId: string, ack: AckUpdate): Promise<void> {
    const applied = await this.writes.run(async (trx) => {
      // One conditional update in the usual case; the forward-only rule is in its WHERE.
      const moved = await repo.advanceStatus(trx, instanceId, ack.id, advanceableFrom(ack.status), ack.status);
      if (moved) {
        await this.opts.events.record(trx, instanceId, {
          event: 'message_ack',
          data: { id: ack.id, chatId: moved.chat_id, status: ack.status, fromMe: true },
        });
        return true;
      }
      return (await repo.findMessage(trx, instanceId, ack.id)) !== undefined; // a late or repeated receipt
    });
    if (!applied && this.unconfirmed.has(instanceId)) this.keepEarlyAck(instanceId, ack);
  }

  /** A receipt for a send whose id we do not know yet (WhatsApp can be faster than our await). */
  private keepEarlyAck(instanceId: string, ack: AckUpdate): void {
    const key = `${instanceId}\u0000${ack.id}`;
    const list = this.earlyAcks.get(key) ?? [];
    list.push({ ack, at: Date.now() });
    this.earlyAcks.set(key, list);
    if (this.earlyAcks.size > EARLY_ACK_MAX) {
      const oldest = this.earlyAcks.keys().next().value;
      if (oldest !== undefined) this.earlyAcks.delete(oldest);
    }
  }

  // --- send bookkeeping ----------------------------------------------------------------------

  private async markSent(instanceId: string, tempId: string, chatId: string, sent: SentMessage): Promise<void> {
    await this.writes.run(async (trx) => {
      let status = 'sent';
      const echoKey = `${instanceId}\u0000${sent.id}`;
      const echo = this.echoes.has(echoKey) ? await repo.findMessage(trx, instanceId, sent.id) : undefined;
      this.echoes.delete(echoKey);
      if (echo) {
        status = furthest(echo.status, 'sent');
        await repo.deleteMessage(trx, instanceId, sent.id);
      }
      await repo.updateMessage(trx, instanceId, tempId, { id: sent.id, status, timestamp: sent.timestamp });
      await this.opts.events.record(trx, instanceId, {
        event: 'message_ack',
        data: { id: sent.id, chatId, status: 'sent', fromMe: true },
      });
    });
    const key = `${instanceId}\u0000${sent.id}`;
    const early = this.earlyAcks.get(key);
    if (early) {
      this.earlyAcks.delete(key);
      const fresh = Date.now() - EARLY_ACK_TTL_MS;
      for (const e of early) if (e.at >= fresh) this.serially(instanceId, () => this.applyAck(instanceId, e.ack));
    }
  }

  private async markFailed(instanceId: string, tempId: string, chatId: string, error: string): Promise<void> {
    await this.writes.run(async (trx) => {
      await repo.updateMessage(trx, instanceId, tempId, { status: 'failed', error });
      await this.opts.events.record(trx, instanceId, {
        event: 'message_ack',
        data: { id: tempId, chatId, status: 'failed', fromMe: true },
      });
    });
  }

  // --- checks --------------------------------------------------------------------------------

  private requireOpen(instanceId: string) {
    const state = this.opts.manager.get(instanceId);
    if (state.status !== 'open') {
      throw new AppError('not_connected', `instance ${instanceId} is not connected (status: ${state.status})`);
    }
    return state;
  }

  private async requireMessageIn(instanceId: string, chatId: string, messageId: string) {
    const row = await repo.findMessage(this.db, instanceId, messageId);
    if (!row || row.chat_id !== chatId) throw notFound(`msgId: no message ${messageId} in chat ${chatId}`);
    return row;
  }

  private async sendDelay(instanceId: string): Promise<number> {
    return (await this.opts.settings.get(instanceId))?.sendDelay ?? 0;
  }
}

function extraOf(content: OutgoingContent): string | null {
  switch (content.kind) {
    case 'location':
      return JSON.stringify({ location: content.location });
    case 'poll_creation':
      return JSON.stringify({ poll: content.poll });
    case 'vcard':
      return JSON.stringify({ vcard: content.vcard });
    default:
      return null;
  }
}

function extraOfIncoming(m: EngineMessage): string | null {
  const extra = {
    ...(m.location ? { location: m.location } : {}),
    ...(m.poll ? { poll: m.poll } : {}),
    ...(m.vcard ? { vcard: m.vcard } : {}),
  };
  return Object.keys(extra).length ? JSON.stringify(extra) : null;
}
