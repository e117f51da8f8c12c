import { AppError, badRequest, notFound } from '../../errors.js';
import type { UrlTrust } from '../../net/url-guard.js';
import * as bulkRepo from '../../storage/bulk-repo.js';
import * as repo from '../../storage/campaigns-repo.js';
import type { BulkJobRow, BulkJobStatus, RecipientStatus } from '../../storage/schema.js';
import { canSee, instancesOf, type Principal } from '../access/principal.js';
import { rowToJob, type BulkServiceOptions } from './bulk-service.js';
import { bodyOf, prepareJobMessage, type JobMessage } from './job-message.js';
import type { Vars } from '../templates/variables.js';
import { recipientRows, rowToRecipient, type RecipientInput } from './job-recipients.js';

export const CAMPAIGN_LIMITS = { recipients: 5000, minDelayMs: 500, maxDelayMs: 60_000, defaultDelayMs: 3000 } as const;

export interface CampaignView {
  id: number;
  name: string;
  instanceId: string;
  status: BulkJobStatus;
  messageType: string;
  body: string | null;
  mediaUrl: string | null;
  filename: string | null;
  templateId: number | null;
  delayMs: number;
  total: number;
  sent: number;
  failed: number;
  pending: number;
  cancelled: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface CampaignRecipientView {
  position: number;
  phone: string;
  name: string | null;
  vars: Vars | null;
  chatId: string;
  status: RecipientStatus;
  messageId: string | null;
  error: string | null;
}

export interface NewCampaign extends Omit<JobMessage, 'body'> {
  name: string;
  instanceId: string;
  body: string | null;
  templateId?: number | undefined;
  delayMs: number;
  recipients: { phone: string; name?: string | undefined; vars?: RecipientInput['vars'] }[];
}

function rowToCampaign(job: BulkJobRow, counts: Parameters<typeof rowToJob>[1]): CampaignView {
  const { id, status, messageType, body, mediaUrl, filename, templateId, total, sent, failed, pending, cancelled, createdAt, startedAt, finishedAt } = rowToJob(job, counts);
  return {
    id,
    name: job.name ?? '',
    instanceId: job.instance_id,
    status,
    messageType,
    body,
    mediaUrl,
    filename,
    templateId,
    delayMs: job.delay_ms ?? job.delay * 1000,
    total,
    sent,
    failed,
    pending,
    cancelled,
    createdAt,
    startedAt,
    finishedAt,
  };
}

/** A campaign service needs what the bulk service does: campaigns are bulk jobs with a name. */
export type CampaignServiceOptions = BulkServiceOptions;

/**
 * Campaigns: a named message to up to 5,000 recipients, each with its own variables, `delayMs`
 * apart, in the background. A campaign is a bulk job with a name: it runs on the bulk runner, so
 * a restart resumes it and never sends a recipient twice.
 */
export class CampaignService {
  constructor(private readonly opts: CampaignServiceOptions) {}

  async create(viewer: Principal, input: NewCampaign, trust: UrlTrust): Promise<CampaignView> {
    this.instance(viewer, input.instanceId);
    const name = input.name.trim();
    if (!name) throw badRequest('name: must not be blank');
    const recipients = recipientRows(
      input.recipients.map((r) => ({ id: r.phone, name: r.name, vars: r.vars })),
      'recipients',
      'phone',
    );
    const { body, templateId } = await bodyOf(this.opts.templates, input.instanceId, input);
    const message: JobMessage = { messageType: input.messageType, body, mediaUrl: input.mediaUrl, filename: input.filename };
    await prepareJobMessage(message, this.opts.mediaSources, trust);
    const id = await bulkRepo.insertJob(
      this.opts.db,
      {
        instance_id: input.instanceId,
        message_type: message.messageType,
        body: message.body,
        media_url: message.mediaUrl,
        media_url_trust: trust,
        filename: message.filename,
        // Whole seconds for `delay` (an integer column); the runner goes by delay_ms.
        delay: Math.round(input.delayMs / 1000),
        delay_ms: input.delayMs,
        name,
        template_id: templateId,
      },
      recipients,
    );
    this.opts.runner.start(id);
    return this.view(id);
  }

  async list(
    viewer: Principal,
    filter: { instanceId?: string | undefined; status?: BulkJobStatus | undefined },
    page: number,
    limit: number,
  ): Promise<{ campaigns: CampaignView[]; total: number }> {
    if (filter.instanceId !== undefined) this.instance(viewer, filter.instanceId);
    const instances = filter.instanceId !== undefined ? [filter.instanceId] : instancesOf(viewer);
    const { rows, total } = await repo.listCampaigns(this.opts.db, { instances, status: filter.status }, limit, (page - 1) * limit);
    const counts = await bulkRepo.countsByJob(this.opts.db, rows.map((r) => r.id));
    return { campaigns: rows.map((r) => rowToCampaign(r, counts.get(r.id))), total };
  }

  async get(viewer: Principal, id: number): Promise<CampaignView & { recipients: CampaignRecipientView[] }> {
    await this.find(viewer, id);
    const [campaign, recipients] = await Promise.all([this.view(id), bulkRepo.recipientsOf(this.opts.db, id)]);
    return {
      ...campaign,
      recipients: recipients.map(rowToRecipient).map(({ id: phone, ...r }) => ({ position: r.position, phone, name: r.name, vars: r.vars, chatId: r.chatId, status: r.status, messageId: r.messageId, error: r.error })),
    };
  }

  /** A queued or running campaign is cancelled (recipients not sent yet are not sent); a finished one is deleted. */
  async delete(viewer: Principal, id: number): Promise<'cancelled' | 'deleted'> {
    const job = await this.find(viewer, id);
    if ((job.status === 'queued' || job.status === 'running') && (await this.opts.runner.cancel(id))) return 'cancelled';
    // Finished (perhaps just now): its run may still be writing its last recipient.
    await this.opts.runner.settled(id);
    if (!(await repo.deleteFinishedCampaign(this.opts.db, id))) throw new AppError('conflict', `campaign ${id} could not be deleted: it is ${job.status}`);
    return 'deleted';
  }

  private async view(id: number): Promise<CampaignView> {
    const row = await repo.findCampaign(this.opts.db, id);
    if (!row) throw notFound(`campaign ${id} not found`);
    const counts = await bulkRepo.countsByJob(this.opts.db, [id]);
    return rowToCampaign(row, counts.get(id));
  }

  private async find(viewer: Principal, id: number): Promise<BulkJobRow> {
    const row = await repo.findCampaign(this.opts.db, id);
    if (!row || !canSee(viewer, row.instance_id)) throw notFound(`campaign ${id} not found`);
    return row;
  }

  /** The instance named in the request: 404 when it does not exist or is outside the viewer's scope. */
  private instance(viewer: Principal, instanceId: string): void {
    if (!canSee(viewer, instanceId) || !this.opts.registry.has(instanceId)) throw notFound(`instanceId: instance ${instanceId} not found`);
  }
}
