import { AppError, notFound } from '../../errors.js';
import { chatIdOrThrow } from '../../ids.js';
import type { MediaSources } from '../../media/media-source.js';
import type { UrlTrust } from '../../net/url-guard.js';
import * as repo from '../../storage/bulk-repo.js';
import type { Db } from '../../storage/db.js';
import type { BulkJobRow, BulkJobStatus, BulkRecipientRow, RecipientStatus } from '../../storage/schema.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import { prepareJobMessage, type JobMessage } from './job-message.js';

/** What runs bulk jobs in the background. */
export interface BulkJobRunner {
  start(jobId: number): void;
  /** Cancels an unfinished job; false when it had finished. */
  cancel(jobId: number): Promise<boolean>;
}

export interface BulkJobView {
  id: number;
  status: BulkJobStatus;
  messageType: string;
  body: string | null;
  mediaUrl: string | null;
  filename: string | null;
  delay: number;
  total: number;
  sent: number;
  failed: number;
  pending: number;
  cancelled: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RecipientView {
  position: number;
  id: string;
  name: string | null;
  chatId: string;
  status: RecipientStatus;
  messageId: string | null;
  error: string | null;
}

export interface NewBulkJob extends JobMessage {
  recipients: { id: string; name?: string | undefined }[];
  /** Seconds between two recipients. */
  delay: number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function rowToJob(job: BulkJobRow, counts: Partial<Record<RecipientStatus, number>> = {}): BulkJobView {
  const n = (s: RecipientStatus) => counts[s] ?? 0;
  return {
    id: job.id,
    status: job.status,
    messageType: job.message_type,
    body: job.body,
    mediaUrl: job.media_url,
    filename: job.filename,
    delay: job.delay,
    total: job.total,
    sent: n('sent'),
    failed: n('failed'),
    pending: n('pending') + n('sending'),
    cancelled: n('cancelled'),
    createdAt: new Date(job.created_at).toISOString(),
    startedAt: iso(job.started_at),
    finishedAt: iso(job.finished_at),
  };
}

function rowToRecipient(r: BulkRecipientRow): RecipientView {
  // Only a settled recipient names its message (a waiting one's stored row may still go).
  const settled = r.status === 'sent' || r.status === 'failed';
  return { position: r.position, id: r.recipient, name: r.name, chatId: r.chat_id, status: r.status, messageId: settled ? r.message_id : null, error: r.error };
}

export interface BulkServiceOptions {
  db: Db;
  registry: InstanceRegistry;
  runner: BulkJobRunner;
  mediaSources: MediaSources;
}

/** Bulk jobs: the same message to many recipients, in the background. */
export class BulkService {
  constructor(private readonly opts: BulkServiceOptions) {}

  /** `trust` is the requester's (urlTrustOf); it is kept with the job and judges its mediaUrl again when the job loads it. */
  async create(instanceId: string, input: NewBulkJob, trust: UrlTrust): Promise<number> {
    this.opts.registry.get(instanceId);
    const message: JobMessage = { messageType: input.messageType, body: input.body, mediaUrl: input.mediaUrl, filename: input.filename };
    const recipients = input.recipients.map((rec, i) => ({ recipient: rec.id, chat_id: chatIdOrThrow(`recipients.${i}.id`, rec.id), name: rec.name ?? null }));
    await prepareJobMessage(message, this.opts.mediaSources, trust);
    const jobId = await repo.insertJob(
      this.opts.db,
      { instance_id: instanceId, message_type: message.messageType, body: message.body, media_url: message.mediaUrl, media_url_trust: trust, filename: message.filename, delay: input.delay },
      recipients,
    );
    this.opts.runner.start(jobId);
    return jobId;
  }

  async list(instanceId: string, page: number, limit: number): Promise<{ items: BulkJobView[]; total: number }> {
    this.opts.registry.get(instanceId);
    const { rows, total } = await repo.listJobs(this.opts.db, instanceId, limit, (page - 1) * limit);
    const counts = await repo.countsByJob(this.opts.db, rows.map((j) => j.id));
    return { items: rows.map((j) => rowToJob(j, counts.get(j.id))), total };
  }

  async get(instanceId: string, jobId: number): Promise<BulkJobView & { recipients: RecipientView[] }> {
    const job = await this.find(instanceId, jobId);
    const [counts, recipients] = await Promise.all([repo.countsByJob(this.opts.db, [jobId]), repo.recipientsOf(this.opts.db, jobId)]);
    return { ...rowToJob(job, counts.get(jobId)), recipients: recipients.map(rowToRecipient) };
  }

  /** Recipients not sent yet are not sent; 409 when the job has finished. */
  async cancel(instanceId: string, jobId: number): Promise<void> {
    const job = await this.find(instanceId, jobId);
    if (!(await this.opts.runner.cancel(jobId))) throw new AppError('conflict', `bulk job ${jobId} has already finished (${job.status})`);
  }

  private async find(instanceId: string, jobId: number): Promise<BulkJobRow> {
    this.opts.registry.get(instanceId);
    const job = await repo.findJob(this.opts.db, instanceId, jobId);
    if (!job) throw notFound(`bulk job ${jobId} not found`);
    return job;
  }
}
