import { AppError, badRequest, notFound } from '../../errors.js';
import { chatIdOrThrow } from '../../ids.js';
import type { MediaSources } from '../../media/media-source.js';
import type { UrlTrust } from '../../net/url-guard.js';
import type { Db } from '../../storage/db.js';
import * as repo from '../../storage/scheduled-repo.js';
import type { ScheduledMessageRow, ScheduledStatus } from '../../storage/schema.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import { prepareJobMessage, type JobMessage } from './job-message.js';

export interface ScheduledView {
  id: number;
  recipient: string;
  chatId: string;
  recipientName: string | null;
  messageType: string;
  body: string | null;
  mediaUrl: string | null;
  filename: string | null;
  scheduledAt: string;
  status: ScheduledStatus;
  messageId: string | null;
  error: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface NewScheduled extends JobMessage {
  recipient: string;
  recipientName: string | null;
  /** ISO 8601; without an offset it is UTC. */
  scheduledAt: string;
}

// ISO 8601 with a date and a time; a missing offset means UTC (stated so clients are not surprised).
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

function rowToScheduled(row: ScheduledMessageRow): ScheduledView {
  return {
    id: row.id,
    recipient: row.recipient,
    chatId: row.chat_id,
    recipientName: row.recipient_name,
    messageType: row.message_type,
    body: row.body,
    mediaUrl: row.media_url,
    filename: row.filename,
    scheduledAt: new Date(row.scheduled_at).toISOString(),
    status: row.status,
    messageId: row.status === 'sent' || row.status === 'failed' ? row.message_id : null,
    error: row.error,
    createdAt: new Date(row.created_at).toISOString(),
    sentAt: row.sent_at === null ? null : new Date(row.sent_at).toISOString(),
  };
}

export interface ScheduledServiceOptions {
  db: Db;
  registry: InstanceRegistry;
  mediaSources: MediaSources;
  now: () => number;
}

/** Messages to send later; the scheduler's tick hands them on when due. */
export class ScheduledService {
  constructor(private readonly opts: ScheduledServiceOptions) {}

  /** `trust` is the requester's (urlTrustOf); it is kept with the message and judges its mediaUrl again at send time. */
  async create(instanceId: string, input: NewScheduled, trust: UrlTrust): Promise<number> {
    this.opts.registry.get(instanceId);
    const chatId = chatIdOrThrow('recipient', input.recipient);
    const raw = input.scheduledAt.trim();
    const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/.test(raw);
    const at = ISO.test(raw) ? Date.parse(hasOffset ? raw : `${raw}Z`) : NaN;
    if (Number.isNaN(at)) throw badRequest(`scheduledAt: "${input.scheduledAt}" is not an ISO 8601 date and time like 2026-12-01T09:00:00+03:00`);
    if (at <= this.opts.now()) throw badRequest(`scheduledAt: ${new Date(at).toISOString()} is not in the future`);
    const message: JobMessage = { messageType: input.messageType, body: input.body, mediaUrl: input.mediaUrl, filename: input.filename };
    await prepareJobMessage(message, this.opts.mediaSources, trust);
    return repo.insertScheduled(this.opts.db, {
      instance_id: instanceId,
      recipient: input.recipient,
      chat_id: chatId,
      recipient_name: input.recipientName,
      message_type: message.messageType,
      body: message.body,
      media_url: message.mediaUrl,
      media_url_trust: trust,
      filename: message.filename,
      scheduled_at: at,
    });
  }

  async list(instanceId: string, status: ScheduledStatus | undefined, page: number, limit: number): Promise<{ items: ScheduledView[]; total: number }> {
    this.opts.registry.get(instanceId);
    const { rows, total } = await repo.listScheduled(this.opts.db, instanceId, status, limit, (page - 1) * limit);
    return { items: rows.map(rowToScheduled), total };
  }

  /** Only pending messages can be cancelled (409 otherwise). */
  async cancel(instanceId: string, id: number): Promise<void> {
    this.opts.registry.get(instanceId);
    const row = await repo.findScheduled(this.opts.db, instanceId, id);
    if (!row) throw notFound(`scheduled message ${id} not found`);
    if (!(await repo.cancelScheduled(this.opts.db, instanceId, id))) {
      throw new AppError('conflict', `scheduled message ${id} is ${row.status}; only pending messages can be cancelled`);
    }
  }
}
