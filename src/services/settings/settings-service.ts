import { AppError, notFound } from '../../errors.js';
import { isUrlRefused, type UrlGuard, type UrlTrust } from '../../net/url-guard.js';
import type { Db } from '../../storage/db.js';
import type { DeliveryStatus, WebhookEventRow } from '../../storage/schema.js';
import * as webhooksRepo from '../../storage/webhooks-repo.js';
import type { AuditRecorder } from '../access/audit.js';
import { SYSTEM, type Actor } from '../access/principal.js';
import type { EventName } from '../events.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import { checkEvolutionWebhook, type EvolutionWebhookInput } from '../evolution/webhook-options.js';
import type { InstanceSettings, SettingsStore, WebhookFormat } from './settings-store.js';

/** How long an event is retried before it is given up (`failed`). */
export const GIVE_UP_AFTER_MS = 24 * 60 * 60 * 1000;

/** What wakes the webhook dispatcher of an instance (there may be something to deliver). */
export interface WebhookWaker {
  wake(instanceId: string): void;
}

export interface SettingsUpdateInput {
  webhookUrl?: string;
  webhookEnabled?: boolean;
  sendDelay?: number;
  webhookEvents?: EventName[];
  rejectCalls?: boolean;
  rejectCallsMessage?: string;
  /** The body and signature of webhooks: the seed's envelope, or a dialect's. */
  webhookFormat?: WebhookFormat;
  /** Evolution's webhook options (used with webhookFormat `evolution`). */
  evolution?: EvolutionWebhookInput;
}

/** GoWA's default webhook secret, which every GoWA install that kept it shares: never accepted. */
const WELL_KNOWN_SECRETS = new Set(['secret']);

/** The rule of a secret a client chooses (SettingsService.setSecret); a 400 naming `field` otherwise. Check before changing anything else. */
export function checkChosenSecret(secret: string, field: string): void {
  if (WELL_KNOWN_SECRETS.has(secret.trim().toLowerCase())) throw new AppError('bad_request', `${field}: "${secret}" is a default secret anyone knows; choose your own (16 characters or more)`);
  if (secret.length < 16 || secret.length > 256) throw new AppError('bad_request', `${field}: must be 16 to 256 characters`);
}

/** The one rule of a webhook URL, for every API that sets one: an http(s) URL, or '' (none). */
export function isWebhookUrlOrEmpty(value: string): boolean {
  return value === '' || (/^https?:\/\/\S+$/i.test(value) && URL.canParse(value));
}

export interface DeliveryView {
  id: number;
  webhookId: string;
  event: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  responseCode: number | null;
  url: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  payload: unknown;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function rowToDelivery(row: WebhookEventRow): DeliveryView {
  return {
    id: row.seq,
    webhookId: row.webhook_id,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    responseCode: row.response_code,
    url: row.url,
    createdAt: new Date(row.created_at).toISOString(),
    lastAttemptAt: iso(row.last_attempt_at),
    nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    deliveredAt: iso(row.delivered_at),
    payload: JSON.parse(row.payload) as unknown,
  };
}

export interface SettingsServiceOptions {
  db: Db;
  registry: InstanceRegistry;
  store: SettingsStore;
  webhooks: WebhookWaker;
  now: () => number;
  /** Where settings and webhook changes are recorded (the audit log). */
  audit?: AuditRecorder;
  /** Judges a new webhook URL (the same gate judges every delivery). */
  urls: UrlGuard;
}

/** An instance's settings (webhook, send delay, chatbot switch, rejecting calls) and its webhook deliveries. */
export class SettingsService {
  constructor(private readonly opts: SettingsServiceOptions) {}

  async get(instanceId: string): Promise<InstanceSettings> {
    this.opts.registry.get(instanceId);
    const s = await this.opts.store.get(instanceId);
    if (!s) throw notFound(`instance ${instanceId} not found`);
    return s;
  }

  /**
   * Only the fields given change; enabling webhooks needs a URL. `trust` is the requester's
   * (urlTrustOf): a new webhook URL must reach a public address unless the operator allows
   * private webhook receivers for it (ALLOW_PRIVATE_URLS), and is kept with that trust so every
   * delivery is judged the same way.
   */
  async update(instanceId: string, patch: SettingsUpdateInput, actor: Actor, trust: UrlTrust): Promise<InstanceSettings> {
    const current = await this.get(instanceId);
    if (patch.webhookUrl !== undefined && !isWebhookUrlOrEmpty(patch.webhookUrl)) {
      // Every API's webhook setting (native, dialects) comes through here.
      throw new AppError('bad_request', 'webhookUrl: expected an http(s) URL, or "" to remove it');
    }
    const url = patch.webhookUrl ?? current.webhookUrl;
    const enabled = patch.webhookEnabled ?? current.webhookEnabled;
    if (enabled && url === '') throw new AppError('bad_request', 'webhookUrl: a URL is needed to enable webhooks');
    if (patch.webhookUrl) await this.checkWebhookUrl(patch.webhookUrl, trust);
    if (patch.evolution) patch = { ...patch, evolution: checkEvolutionWebhook(patch.evolution) };
    const updated = await this.opts.store.update(instanceId, {
      ...patch,
      ...(patch.webhookUrl !== undefined ? { webhookUrlTrust: trust } : {}),
      webhookEnabled: enabled,
    });
    this.opts.webhooks.wake(instanceId);
    // The new values of the fields given (a webhook URL says where messages go: worth knowing who set it).
    // Extra headers may carry a receiver's credentials: the log names them, never their values.
    const detail = patch.evolution?.headers ? { ...patch, evolution: { ...patch.evolution, headers: Object.keys(patch.evolution.headers) } } : { ...patch };
    await this.opts.audit?.record(actor, 'settings.update', { instanceId, detail });
    return updated;
  }

  private async checkWebhookUrl(url: string, trust: UrlTrust): Promise<void> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new AppError('bad_request', 'webhookUrl: expected an http(s) URL, or "" to remove it');
    }
    try {
      await this.opts.urls.check(parsed, 'webhook', trust);
    } catch (err) {
      if (!isUrlRefused(err)) throw err;
      throw new AppError('url_refused', 'webhookUrl: refused: the URL leads to a non-public address (this machine, a private network or a metadata service)');
    }
  }

  async rotateSecret(instanceId: string, actor: Actor = SYSTEM): Promise<string> {
    await this.get(instanceId);
    const secret = await this.opts.store.rotateSecret(instanceId);
    await this.opts.audit?.record(actor, 'webhook.secret_rotate', { instanceId });
    return secret;
  }

  /**
   * A signing secret the client chose (GoWA clients set their own): at least 16 characters and not
   * a default everyone knows (GoWA's "secret"). Deliveries from now on are signed with it.
   */
  async setSecret(instanceId: string, secret: string, actor: Actor = SYSTEM, field = 'webhookSecret'): Promise<void> {
    await this.get(instanceId);
    checkChosenSecret(secret, field);
    await this.opts.store.setSecret(instanceId, secret);
    await this.opts.audit?.record(actor, 'webhook.secret_set', { instanceId });
  }

  async deliveries(instanceId: string, status: DeliveryStatus | undefined, page: number, limit: number): Promise<{ items: DeliveryView[]; total: number }> {
    this.opts.registry.get(instanceId);
    const { rows, total } = await webhooksRepo.listDeliveries(this.opts.db, instanceId, status, limit, (page - 1) * limit);
    return { items: rows.map(rowToDelivery), total };
  }

  /** Sends a delivery again now (failed ones get another 24 hours of retries); same webhook-id. */
  async retryDelivery(instanceId: string, id: number): Promise<void> {
    this.opts.registry.get(instanceId);
    const now = this.opts.now();
    if (!(await webhooksRepo.retryDelivery(this.opts.db, instanceId, id, now, now + GIVE_UP_AFTER_MS))) throw notFound(`delivery ${id} not found`);
    this.opts.webhooks.wake(instanceId);
  }
}
