import type { MediaPayload } from '../../engines/engine.js';
import { AppError, describeError } from '../../errors.js';
import { jidToPhone } from '../../ids.js';
import type { Logger } from '../../logger.js';
import type { MediaSources } from '../../media/media-source.js';
import { saveMedia } from '../../media/media-store.js';
import type { InstanceRegistry } from '../../services/instances/instance-registry.js';
import { jobContent, loadJobMedia, payloadOf, personalise } from '../../services/jobs/job-message.js';
import type { MessageService } from '../../services/messages/message-service.js';
import { SendCancelled } from '../../services/messages/outgoing.js';
import { parseVars } from '../../services/templates/variables.js';
import * as repo from '../../storage/bulk-repo.js';
import type { Db } from '../../storage/db.js';
import { recoverJobsOf, unfinishedJobsOf } from '../../storage/takeover-repo.js';
import type { WriteQueue } from '../../storage/write-batch.js';
import type { BulkJobRow, BulkRecipientRow } from '../../storage/schema.js';
import { INTERRUPTED } from '../outcomes.js';
import { RecipientClaims } from './recipient-claims.js';

export interface BulkRunnerOptions {
  db: Db;
  /** Where recipients are claimed (group commit: one commit for the claims and messages of a turn). */
  writes: WriteQueue;
  registry: InstanceRegistry;
  messages: MessageService;
  mediaSources: MediaSources;
  logger: Logger;
  /** A job of an instance another node serves was started here (created through this node): tell that node. */
  elsewhere?: (instanceId: string, jobId: number) => void;
}

interface Run {
  instanceId: string | null;
  cancelled: boolean;
  /** Ends the current wait early: on cancel always; on a status change only a wait for the instance. */
  wake: (why: 'cancel' | 'status') => void;
  done: Promise<void>;
}

/** Sends of a job with no delay that are under way at once (stored, waiting in the queue, or being confirmed). */
const IN_FLIGHT = 64;

/**
 * Runs bulk jobs in the background, one recipient after another through the instance's send
 * queue, `delay` seconds (a campaign's `delay_ms`) apart. Each recipient is marked `sending` in the send's turn, right
 * before WhatsApp is asked, and that mark is committed before WhatsApp is asked; a crash after it
 * leaves the recipient `failed` at the next start, never resent. A job without a delay keeps up to
 * IN_FLIGHT sends under way, as many API clients would: their writes share commits (group commit),
 * while the instance's queue still asks WhatsApp for them one at a time, in order.
 * While the instance is not open the job waits; it goes on when the instance is open again.
 */
export class BulkRunner {
  private readonly runs = new Map<number, Run>();
  /** A job's media, loaded once and kept once in the media library for all its recipients. */
  private readonly media = new Map<number, Promise<{ media: MediaPayload; libraryFile: string }>>();
  private stopped = false;

  constructor(private readonly opts: BulkRunnerOptions) {
    opts.registry.onEngineEvent('status', () => {
      for (const run of this.runs.values()) run.wake('status');
    });
  }

  /**
   * At start-up, or when this node takes instances over: settles interrupted sends and resumes
   * unfinished jobs, of every instance (null) or of these.
   */
  async recover(instanceIds: readonly string[] | null = null): Promise<void> {
    const { interrupted, unfinished } = instanceIds === null ? await repo.recoverJobs(this.opts.db, INTERRUPTED) : await recoverJobsOf(this.opts.db, instanceIds, INTERRUPTED);
    if (interrupted) this.opts.logger.warn('bulk sends interrupted by the last shutdown marked failed', { count: interrupted });
    for (const id of unfinished) this.start(id);
  }

  /** Runs the unfinished jobs of these instances that do not run yet (another node said it created some). */
  async resume(instanceIds: readonly string[]): Promise<void> {
    for (const id of await unfinishedJobsOf(this.opts.db, instanceIds.filter((i) => this.opts.registry.owns(i)))) this.start(id);
  }

  /** Runs a job (no-op if it is running already). */
  start(jobId: number): void {
    if (this.stopped || this.runs.has(jobId)) return;
    const run: Run = { instanceId: null, cancelled: false, wake: () => undefined, done: Promise.resolve() };
    this.runs.set(jobId, run);
    run.done = this.loop(jobId, run)
      .catch((err) => this.opts.logger.error('bulk job stopped on an error', { job: jobId, error: describeError(err) }))
      .finally(() => {
        this.runs.delete(jobId);
        this.media.delete(jobId);
      });
  }

  /** Cancels an unfinished job: its pending recipients are not sent. False when it had finished. */
  async cancel(jobId: number): Promise<boolean> {
    const ok = await repo.cancelJob(this.opts.db, jobId);
    const run = this.runs.get(jobId);
    if (run) {
      run.cancelled = true;
      run.wake('cancel');
    }
    return ok;
  }

  /** Waits for a job's run to end (tests). */
  async settled(jobId: number): Promise<void> {
    await this.runs.get(jobId)?.done;
  }

  /** Stops the runs of an instance being deleted (its rows are deleted next) and waits for them. */
  async quiesce(instanceId: string): Promise<void> {
    const runs = [...this.runs.values()].filter((r) => r.instanceId === instanceId);
    for (const run of runs) {
      run.cancelled = true;
      run.wake('cancel');
    }
    await Promise.all(runs.map((r) => r.done));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const run of this.runs.values()) {
      run.cancelled = true;
      run.wake('cancel');
    }
    await Promise.all([...this.runs.values()].map((r) => r.done));
  }

  private async loop(jobId: number, run: Run): Promise<void> {
    const db = this.opts.db;
    let job = await repo.jobById(db, jobId);
    if (!job || (job.status !== 'queued' && job.status !== 'running')) return;
    run.instanceId = job.instance_id;
    // Jobs run where their instance is served; that node picks it up.
    if (!this.opts.registry.owns(job.instance_id)) return this.opts.elsewhere?.(job.instance_id, jobId);
    if (job.status === 'queued') {
      await repo.setJob(db, jobId, { status: 'running', started_at: Date.now() });
      job = { ...job, status: 'running' };
    }
    if ((job.delay_ms ?? job.delay * 1000) === 0) return this.pipelined(job, run);
    for (;;) {
      if (run.cancelled || !this.opts.registry.owns(job.instance_id)) return; // cancelled, or the instance moved to another node
      const next = await repo.nextPending(db, jobId);
      if (!next) {
        await repo.completeJob(db, jobId);
        return;
      }
      if (!(await this.untilOpen(job.instance_id, run))) return;
      if (!(await this.untilNoTimelock(job.instance_id, run))) return;
      const attempted = await this.sendOne(job, next);
      if (run.cancelled) return;
      const delayMs = job.delay_ms ?? job.delay * 1000;
      if (attempted && delayMs > 0 && (await repo.nextPending(db, jobId))) await this.sleep(run, delayMs, false);
    }
  }

  /**
   * A job without a delay: its pending recipients in order, IN_FLIGHT sends under way at a time.
   * A send that could not be attempted (the instance went down, a timelock) leaves its recipient
   * pending: the sends under way settle, the job waits for the instance, and the pending ones are
   * read again from the start. The job completes once none is pending with nothing under way.
   */
  private async pipelined(job: BulkJobRow, run: Run): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    const claims = new RecipientClaims(this.opts.writes, job.id);
    let failure: unknown = null;
    for (;;) {
      let stalled = false;
      let after = -1;
      // Cancelled, or the instance moved to another node (which runs the job from there).
      while (!run.cancelled && !stalled && this.opts.registry.owns(job.instance_id)) {
        if (!(await this.untilOpen(job.instance_id, run)) || !(await this.untilNoTimelock(job.instance_id, run))) break;
        const page = await repo.pendingAfter(this.opts.db, job.id, after, IN_FLIGHT);
        if (page.length === 0) break;
        for (const r of page) {
          while (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
          if (run.cancelled || stalled) break;
          after = r.position;
          const send: Promise<void> = this.sendOne(job, r, { claims, run })
            .then(
              (attempted) => void (stalled ||= !attempted),
              (err: unknown) => {
                failure ??= err;
                stalled = true;
              },
            )
            .finally(() => inFlight.delete(send));
          inFlight.add(send);
        }
      }
      await Promise.all(inFlight);
      if (failure) throw failure;
      if (run.cancelled || !this.opts.registry.has(job.instance_id) || !this.opts.registry.owns(job.instance_id)) return;
      if (stalled) continue;
      if (!(await repo.nextPending(this.opts.db, job.id))) {
        await repo.completeJob(this.opts.db, job.id);
        return;
      }
    }
  }

  /**
   * Sends to one recipient; false when nothing was attempted (the instance went down first). A
   * job without a delay claims through `pipeline.claims` (a group at a time when WhatsApp answers
   * at once); otherwise each recipient is claimed alone.
   */
  private async sendOne(job: BulkJobRow, r: BulkRecipientRow, pipeline?: { claims: RecipientClaims; run: Run }): Promise<boolean> {
    const db = this.opts.db;
    let asked = false;
    try {
      const media = job.media_url && job.message_type !== 'text' ? await this.jobMedia(job) : null;
      const phone = jidToPhone(r.chat_id) ?? r.recipient;
      const text = job.body === null ? null : personalise(job.body, { name: r.name, phone, vars: parseVars(r.vars) });
      const content = jobContent({ messageType: job.message_type, body: job.body, mediaUrl: job.media_url, filename: job.filename }, text, media?.media ?? null);
      await this.opts.messages.send(job.instance_id, r.chat_id, content, {
        ...(media ? { libraryFile: media.libraryFile } : {}),
        retriedByCaller: true,
        beforeSend: async () => {
          // Cancelled while it waited in the queue: not sent. Resolves once the claim is committed.
          const claimed = pipeline
            ? await pipeline.claims.claim(r.position, pipeline.run.cancelled)
            : await this.opts.writes.run((trx) => repo.claimRecipient(trx, job.id, r.position));
          if (!claimed) throw new SendCancelled();
          asked = true;
        },
        // The recipient moves with its message, in the same transactions: a crash can never leave
        // a recipient `failed` whose message is `sent`, and recovery knows which message is whose.
        record: {
          stored: async (trx, messageId) => {
            await repo.linkRecipientMessage(trx, job.id, r.position, messageId);
            pipeline?.claims.storedAs(r.position, messageId);
          },
          sent: async (trx, sent) => void (await repo.settleRecipient(trx, job.id, r.position, ['sending'], { status: 'sent', message_id: sent.id, error: null })),
          failed: async (trx, messageId, error) => void (await repo.settleRecipient(trx, job.id, r.position, ['sending'], { status: 'failed', message_id: messageId, error })),
        },
      });
      return true;
    } catch (err) {
      if (!asked) await pipeline?.claims.release(r.position);
      if (err instanceof SendCancelled) return false;
      if (err instanceof AppError && err.code === 'reachout_timelock') {
        // WhatsApp refuses new contacts for now: nothing was sent; the recipient waits for the timelock to end.
        await repo.requeueRecipient(db, job.id, r.position);
        return false;
      }
      if (!asked && err instanceof AppError && err.code === 'not_connected') return false; // still pending: waits for the instance
      if (!asked && err instanceof AppError && err.code === 'unavailable') return false; // moved to another node: it sends it
      if (!this.opts.registry.has(job.instance_id)) return false;
      // Failed before a message was handed to WhatsApp (its media, say); one that was is settled already.
      await repo.settleRecipient(db, job.id, r.position, ['pending', 'sending'], { status: 'failed', message_id: null, error: describeError(err) });
      return true;
    }
  }

  private jobMedia(job: BulkJobRow): Promise<{ media: MediaPayload; libraryFile: string }> {
    let m = this.media.get(job.id);
    if (!m) {
      m = loadJobMedia(this.opts.mediaSources, job.media_url!, job.media_url_trust).then(async (loaded) => {
        const media = payloadOf(loaded);
        if (loaded.library?.instance === job.instance_id) return { media, libraryFile: loaded.library.file };
        const libraryFile = await saveMedia(this.opts.mediaSources.mediaDir, job.instance_id, media.data, media.mimetype, media.filename);
        return { media, libraryFile };
      });
      m.catch(() => this.media.delete(job.id));
      this.media.set(job.id, m);
    }
    return m;
  }

  /**
   * While WhatsApp's reach-out timelock (463) lasts the job waits (its next recipients may be new
   * contacts); replies and other sends of the instance still go. False when cancelled or deleted.
   */
  private async untilNoTimelock(instanceId: string, run: Run): Promise<boolean> {
    for (;;) {
      if (run.cancelled || !this.opts.registry.has(instanceId)) return false;
      const until = this.opts.registry.get(instanceId).timelockUntil;
      if (until === null) return true;
      await this.sleep(run, Math.min(Math.max(until - Date.now(), 50), 60_000), false);
    }
  }

  /** Resolves true once the instance is open; false when the run was cancelled or the instance deleted. */
  private async untilOpen(instanceId: string, run: Run): Promise<boolean> {
    for (;;) {
      if (run.cancelled || !this.opts.registry.has(instanceId)) return false;
      if (this.opts.registry.get(instanceId).status === 'open') return true;
      await this.sleep(run, 5000, true);
    }
  }

  private sleep(run: Run, ms: number, wakeOnStatus: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        run.wake = () => undefined;
        resolve();
      }
      run.wake = (why) => {
        if (why === 'cancel' || wakeOnStatus) done();
      };
    });
  }
}
