import type { SendOptions as EngineSendOptions, OutgoingContent, SentMessage } from '../../engines/engine.js';
import { AppError, badRequest, EngineError, errorBody, notFound } from '../../errors.js';
import * as chatsRepo from '../../storage/chats-repo.js';
import type { Db } from '../../storage/db.js';
import * as repo from '../../storage/messages-repo.js';
import * as votesRepo from '../../storage/poll-votes-repo.js';
import { purgeMessages } from '../../storage/purge.js';
import * as reactionsRepo from '../../storage/reactions-repo.js';
import type { MessageStatus } from '../../storage/schema.js';
import { capabilityOf } from '../instances/capability.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import type { Idempotency, IdempotentAnswer } from './idempotency.js';
import type { SendWaiter, WaitFor, WaitOutcome } from './send-waiter.js';
import type { InboundMessages, StoredListener } from './inbound.js';
import { withReactionsAndVotes, type MessageView } from './message-view.js';
import type { OutgoingMessages, SendOptions } from './outgoing.js';
import { refOf } from './rows.js';
import { requireMessage, requireMessageIn } from './stored-message.js';

/** What a send request builds from its body: the chat, the content, and a library file if any. */
export interface Outgoing {
  to: string;
  content: OutgoingContent;
  libraryFile?: string;
  /** Reply to this stored message (it is quoted). */
  quotedMessageId?: string;
  /** Users mentioned (their ids). */
  mentions?: string[];
  /** Images and videos: can be opened once. */
  viewOnce?: boolean;
  /** Text: a preview of the first link. */
  linkPreview?: boolean;
}

export interface MessageServiceOptions {
  db: Db;
  registry: InstanceRegistry;
  outgoing: OutgoingMessages;
  inbound: InboundMessages;
  idempotency: Idempotency;
  publicUrl: string;
  /** Waits for a sent message's receipts (waitFor); none: a send never waits. */
  waiter?: SendWaiter;
}

export interface Statistics {
  total: number;
  sent: number;
  received: number;
  pending: number;
  delivered: number;
  failed: number;
  read: number;
}

/** Sending, acting on messages, and the history: the rules every API dialect shares. */
export class MessageService {
  constructor(private readonly opts: MessageServiceOptions) {}

  /** Sends (jobs, the chatbot): see OutgoingMessages.send. */
  send(instanceId: string, to: string, content: OutgoingContent, options: SendOptions = {}): Promise<SentMessage> {
    return this.opts.outgoing.send(instanceId, to, content, options);
  }

  /**
   * A send asked for by a client: 404 and 409 before anything is built (no media is fetched for a
   * send that cannot happen), and the Idempotency-Key rule when a key is given. Answers the status
   * and body to send back (a replayed answer may be an error kept from the first attempt).
   */
  async submit(instanceId: string, build: () => Promise<Outgoing>, idempotencyKey?: string): Promise<IdempotentAnswer & { replayed?: boolean }> {
    const attempt = async () => {
      capabilityOf(this.opts.registry, instanceId, 'messages');
      const out = await build();
      const engine = await this.engineOptions(instanceId, out);
      const sent = await this.send(instanceId, out.to, out.content, { ...(out.libraryFile ? { libraryFile: out.libraryFile } : {}), ...(engine ? { engine } : {}) });
      return { status: 200, body: { sent: true as const, id: sent.id } };
    };
    this.opts.registry.get(instanceId); // 404 before anything else
    if (idempotencyKey === undefined) return attempt();
    return this.opts.idempotency.run(instanceId, idempotencyKey, async () => {
      try {
        return { ...(await attempt()), keep: true };
      } catch (err) {
        // Kept only when WhatsApp was asked and refused: the message exists as a failed row.
        const attempted = (err instanceof EngineError && err.reason !== 'not_connected') || (err instanceof AppError && err.code === 'upstream_failed');
        if (attempted) return { status: err.status, body: errorBody(err), keep: true };
        throw err;
      }
    });
  }

  /** One stored message; 404 naming `field` when the instance has none with this id. */
  async get(instanceId: string, messageId: string, field = 'id'): Promise<MessageView> {
    this.opts.registry.get(instanceId);
    await this.opts.inbound.settled(instanceId);
    const row = await requireMessage(this.opts.db, instanceId, messageId, field);
    return (await withReactionsAndVotes(this.opts.db, [row], this.opts.publicUrl))[0]!;
  }

  /**
   * Waits (at most `timeoutMs`) for a sent message to get as far as `waitFor`, and answers where
   * it really is: reached, still on its way, or failed with WhatsApp's reason.
   */
  waitFor(instanceId: string, messageId: string, waitFor: WaitFor, timeoutMs: number): Promise<WaitOutcome> {
    if (!this.opts.waiter) throw new AppError('unsupported', 'waitFor: this server cannot wait for receipts');
    return this.opts.waiter.wait(instanceId, messageId, waitFor, timeoutMs);
  }

  /** A page of history, newest first. Served from the store whatever the instance's status. */
  async history(
    instanceId: string,
    filter: repo.MessageFilter,
    page: number,
    limit: number,
  ): Promise<{ items: MessageView[]; total: number; nextCursor: string | null }> {
    const { rows, total } = await this.rowsAt(instanceId, filter, (page - 1) * limit, limit);
    const last = rows.at(-1);
    // The cursor of what follows this page: a client may go on with ?cursor= from any page.
    const nextCursor = last && page * limit < total ? encodeCursor({ timestamp: Number(last.timestamp), seq: Number(last.seq) }) : null;
    return { items: await withReactionsAndVotes(this.opts.db, rows, this.opts.publicUrl), total, nextCursor };
  }

  /** `limit` messages of the history from `offset` (newest first), and how many there are: for APIs that page by offset. */
  async slice(instanceId: string, filter: { status?: MessageStatus; chatId?: string }, offset: number, limit: number): Promise<{ items: MessageView[]; total: number }> {
    const { rows, total } = await this.rowsAt(instanceId, filter, offset, limit);
    return { items: await withReactionsAndVotes(this.opts.db, rows, this.opts.publicUrl), total };
  }

  private async rowsAt(instanceId: string, filter: repo.MessageFilter, offset: number, limit: number) {
    this.opts.registry.get(instanceId);
    if (filter.chatId || filter.fromMe !== undefined) await this.opts.inbound.settled(instanceId);
    return repo.listMessages(this.opts.db, instanceId, filter, limit, offset);
  }

  /**
   * A keyset page of history, newest first: the messages older than `cursor` (or than the message
   * `before`), and the cursor of the next page (null at the end). Costs the same at any depth.
   */
  async historyPage(
    instanceId: string,
    filter: { status?: MessageStatus; chatId?: string },
    from: { cursor?: string | undefined; before?: string | undefined },
    limit: number,
  ): Promise<{ items: MessageView[]; nextCursor: string | null }> {
    this.opts.registry.get(instanceId);
    if (filter.chatId) await this.opts.inbound.settled(instanceId);
    let key: repo.HistoryKey | null = null;
    if (from.cursor !== undefined) key = decodeCursor(from.cursor);
    else if (from.before !== undefined) {
      const row = await repo.findMessage(this.opts.db, instanceId, from.before);
      if (!row) throw notFound(`before: no message ${from.before}`);
      key = { timestamp: Number(row.timestamp), seq: Number(row.seq) };
    }
    const rows = await repo.listMessagesBefore(this.opts.db, instanceId, filter, key, limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: await withReactionsAndVotes(this.opts.db, page, this.opts.publicUrl),
      nextCursor: rows.length > limit && last ? encodeCursor({ timestamp: Number(last.timestamp), seq: Number(last.seq) }) : null,
    };
  }

  /** total = received + sent + pending + failed; delivered and read count those that got at least that far. */
  async statistics(instanceId: string): Promise<Statistics> {
    this.opts.registry.get(instanceId);
    const n = await repo.countByStatus(this.opts.db, instanceId);
    const get = (s: MessageStatus) => n[s] ?? 0;
    const read = get('read') + get('played');
    const delivered = get('delivered') + read;
    const sent = get('sent') + delivered;
    const total = Object.values(n).reduce((a, b) => a + (b ?? 0), 0);
    return { total, sent, received: get('received'), pending: get('pending'), delivered, failed: get('failed'), read };
  }

  /** Deletes the whole message history (in batches that never stall the server); chats stay known. */
  async clear(instanceId: string): Promise<number> {
    this.opts.registry.get(instanceId);
    await this.opts.inbound.settled(instanceId);
    const removed = await purgeMessages(this.opts.db, instanceId);
    await chatsRepo.forgetStoredMessages(this.opts.db, instanceId);
    await reactionsRepo.deleteReactionsIn(this.opts.db, instanceId);
    await votesRepo.deleteVotesIn(this.opts.db, instanceId);
    return removed;
  }

  /** One stored message of a chat, as the history shows it; 404 naming `field` when the chat holds no such message. */
  async inChat(instanceId: string, chatId: string, messageId: string, field = 'msgId'): Promise<MessageView> {
    this.opts.registry.get(instanceId);
    await this.opts.inbound.settled(instanceId);
    const row = await requireMessageIn(this.opts.db, instanceId, chatId, messageId, field);
    return (await withReactionsAndVotes(this.opts.db, [row], this.opts.publicUrl))[0]!;
  }

  /** The stored message's place in the history (`messages.seq`), or null when it is not stored. */
  async seqOf(instanceId: string, messageId: string): Promise<number | null> {
    return (await this.placeOf(instanceId, messageId))?.seq ?? null;
  }

  /** The stored message's place in the history and its time (Unix seconds), or null when it is not stored. */
  async placeOf(instanceId: string, messageId: string): Promise<{ seq: number; timestamp: number } | null> {
    const row = await repo.findMessage(this.opts.db, instanceId, messageId);
    return row ? { seq: Number(row.seq), timestamp: Number(row.timestamp) } : null;
  }

  /** Waits until the engine events received so far are stored. */
  settled(instanceId?: string): Promise<void> {
    return this.opts.inbound.settled(instanceId);
  }

  onStored(listener: StoredListener): void {
    this.opts.inbound.onStored(listener);
  }

  /** The engine's options of a send: the quoted message is a stored one (404 naming quotedMessageId otherwise). */
  private async engineOptions(instanceId: string, out: Outgoing): Promise<EngineSendOptions | undefined> {
    if (out.viewOnce && out.content.kind !== 'image' && out.content.kind !== 'video') {
      throw badRequest(`viewOnce: only images and videos can be sent view once, not ${out.content.kind}`);
    }
    const options: EngineSendOptions = {
      ...(out.quotedMessageId !== undefined ? { quoted: refOf(await requireMessage(this.opts.db, instanceId, out.quotedMessageId, 'quotedMessageId')) } : {}),
      ...(out.mentions?.length ? { mentions: [...new Set(out.mentions)] } : {}),
      ...(out.viewOnce ? { viewOnce: true } : {}),
      ...(out.linkPreview ? { linkPreview: true } : {}),
    };
    return Object.keys(options).length ? options : undefined;
  }
}

/** An opaque history cursor: base64url of "timestamp.seq". */
export function encodeCursor(key: repo.HistoryKey): string {
  return Buffer.from(`${key.timestamp}.${key.seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): repo.HistoryKey {
  const m = /^(\d{1,15})\.(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new AppError('bad_request', 'cursor: not a cursor this API gave (use nextCursor as it came)');
  return { timestamp: Number(m[1]), seq: Number(m[2]) };
}
