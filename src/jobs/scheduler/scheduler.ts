import cron, { type ScheduledTask } from 'node-cron';
import { AppError, describeError } from '../../errors.js';
import { jidToPhone } from '../../ids.js';
import type { Logger } from '../../logger.js';
import type { MediaSources } from '../../media/media-source.js';
import type { InstanceRegistry } from '../../services/instances/instance-registry.js';
import { jobContent, loadJobMedia, payloadOf, personalise } from '../../services/jobs/job-message.js';
import type { MessageService } from '../../services/messages/message-service.js';
import { SendCancelled } from '../../services/messages/outgoing.js';
import type { Db } from '../../storage/db.js';
import * as repo from '../../storage/scheduled-repo.js';
import { recoverScheduledOf } from '../../storage/takeover-repo.js';
import type { ScheduledMessageRow } from '../../storage/schema.js';
import { transact } from '../../storage/transact.js';
import { INTERRUPTED } from '../outcomes.js';

/** How many due messages one tick hands on at most (the rest go at the next tick). */
const TICK_BATCH = 1000;
/** A message whose instance stayed disconnected this long past its time is given up. */
const GIVE_UP_AFTER_MS = 24 * 60 * 60 * 1000;

export interface SchedulerOptions {
  db: Db;
  registry: InstanceRegistry;
  messages: MessageService;
  mediaSources: MediaSources;
  logger: Logger;
  /** node-cron expression of the tick (every 30 seconds by default); null: no cron, the owner calls tick(). */
  cronExpression?: string | null;
  now?: () => number;
}

export interface TickResult {
  skipped: boolean;
  handedOn: number;
  givenUp: number;
}

/**
 * The tick finds due scheduled messages and hands them to the instance's send queue; it never
 * overlaps the previous tick. A message is `queued` when handed on, `sending` in its send's turn.
 * Messages of an instance that is not open wait for a later tick (for up to 24 hours).
 */
export class Scheduler {
  private task: ScheduledTask | null = null;
  private ticking = false;
  private readonly inflight = new Set<Promise<void>>();

  constructor(private readonly opts: SchedulerOptions) {}

  /** Settles the sends a stop interrupted, of every instance (null: at start-up) or of those this node takes over. */
  async recover(instanceIds: readonly string[] | null): Promise<void> {
    const n = instanceIds === null ? await repo.recoverScheduled(this.opts.db, INTERRUPTED) : await recoverScheduledOf(this.opts.db, instanceIds, INTERRUPTED);
    if (n) this.opts.logger.warn('scheduled sends interrupted by the last shutdown marked failed', { count: n });
  }

  async start(): Promise<void> {
    if (this.opts.cronExpression === null) return;
    this.task = cron.schedule(this.opts.cronExpression ?? '*/30 * * * * *', () => void this.tick(), { noOverlap: true, name: 'scheduled-messages' });
  }

  async stop(): Promise<void> {
    await this.task?.stop();
    await this.task?.destroy();
    this.task = null;
    await Promise.all(this.inflight);
  }

  /** Waits for the sends handed on so far (tests). */
  async settled(): Promise<void> {
    await Promise.all(this.inflight);
  }

  async tick(now = (this.opts.now ?? Date.now)()): Promise<TickResult> {
    if (this.ticking) return { skipped: true, handedOn: 0, givenUp: 0 };
    this.ticking = true;
    try {
      // Only open instances' messages are due now: a backlog of a disconnected instance must not
      // fill the batch and hold back the others. Theirs wait (up to 24 hours) for a later tick.
      // The instances this node serves: another node's tick hands on theirs.
      const open = this.opts.registry.serving().filter((s) => s.status === 'open').map((s) => s.id);
      const givenUp = await repo.giveUpOverdue(
        this.opts.db,
        open,
        now - GIVE_UP_AFTER_MS,
        'not sent: the instance was not connected for 24 hours after the scheduled time',
      );
      // While WhatsApp's reach-out timelock (463) lasts, an instance's scheduled messages wait.
      const unlocked = this.opts.registry.serving().filter((s) => s.status === 'open' && s.timelockUntil === null).map((s) => s.id);
      const due = await repo.dueScheduled(this.opts.db, unlocked, now, TICK_BATCH);
      const claimed: ScheduledMessageRow[] = [];
      await transact(this.opts.db, async (trx) => {
        for (const row of due) {
          // A row cancelled since the select is not claimed.
          if (await repo.setScheduled(trx, row.id, 'pending', { status: 'queued' })) claimed.push(row);
        }
      });
      // One instance's messages one after another (its queue sends them so anyway): a message's
      // media is loaded only in its turn, so a tick never holds a batch of files in memory.
      const byInstance = new Map<string, ScheduledMessageRow[]>();
      for (const row of claimed) byInstance.set(row.instance_id, [...(byInstance.get(row.instance_id) ?? []), row]);
      for (const rows of byInstance.values()) {
        const p = (async () => {
          for (const row of rows) await this.send(row);
        })().finally(() => this.inflight.delete(p));
        this.inflight.add(p);
      }
      return { skipped: false, handedOn: claimed.length, givenUp };
    } catch (err) {
      this.opts.logger.error('scheduler tick failed', { error: describeError(err) });
      return { skipped: false, handedOn: 0, givenUp: 0 };
    } finally {
      this.ticking = false;
    }
  }

  private async send(row: ScheduledMessageRow): Promise<void> {
    const db = this.opts.db;
    let asked = false;
    try {
      const loaded = row.media_url && row.message_type !== 'text' ? await loadJobMedia(this.opts.mediaSources, row.media_url, row.media_url_trust) : null;
      const phone = jidToPhone(row.chat_id) ?? row.recipient;
      const text = row.body === null ? null : personalise(row.body, { name: row.recipient_name, phone });
      const content = jobContent({ messageType: row.message_type, body: row.body, mediaUrl: row.media_url, filename: row.filename }, text, loaded ? payloadOf(loaded) : null);
      const libraryFile = loaded?.library?.instance === row.instance_id ? loaded.library.file : undefined;
      await this.opts.messages.send(row.instance_id, row.chat_id, content, {
        ...(libraryFile ? { libraryFile } : {}),
        retriedByCaller: true,
        beforeSend: async () => {
          // Cancelled while it waited in the queue: not sent.
          if (!(await repo.setScheduled(db, row.id, 'queued', { status: 'sending' }))) throw new SendCancelled();
          asked = true;
        },
        // The row moves with its message, in the same transactions (see BulkRunner).
        record: {
          stored: (trx, messageId) => repo.linkScheduledMessage(trx, row.id, messageId),
          sent: async (trx, sent) =>
            void (await repo.setScheduled(trx, row.id, 'sending', { status: 'sent', message_id: sent.id, error: null, sent_at: (this.opts.now ?? Date.now)() })),
          failed: async (trx, messageId, error) => void (await repo.setScheduled(trx, row.id, 'sending', { status: 'failed', message_id: messageId, error })),
        },
      });
    } catch (err) {
      if (err instanceof SendCancelled || !this.opts.registry.has(row.instance_id)) return;
      if (!asked && err instanceof AppError && (err.code === 'not_connected' || err.code === 'unavailable')) {
        await repo.setScheduled(db, row.id, 'queued', { status: 'pending', message_id: null }); // the next tick tries again
        return;
      }
      if (err instanceof AppError && err.code === 'reachout_timelock') {
        // Refused for now, nothing sent: it waits for the timelock to end (ticks skip the instance meanwhile).
        await repo.setScheduled(db, row.id, 'sending', { status: 'pending', message_id: null, error: null });
        return;
      }
      // Failed before a message was handed to WhatsApp (its media, say); one that was is settled already.
      await repo.setScheduled(db, row.id, ['queued', 'sending'], { status: 'failed', message_id: null, error: describeError(err) });
    }
  }
}
