import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { AnalyticsService } from '../services/analytics/analytics-service.js';
import type { BackupService } from '../services/backup/backup-service.js';
import type { ChatbotService } from '../services/chatbot/chatbot-service.js';
import type { ClusterMembership } from '../services/cluster/membership.js';
import type { AccountService } from '../services/account/account-service.js';
import type { CallControl } from '../services/calls/call-events.js';
import type { ChatService } from '../services/chats/chat-service.js';
import type { ContactService } from '../services/chats/contact-service.js';
import type { FileService } from '../services/files/file-service.js';
import type { GroupAdminService } from '../services/groups/group-admin.js';
import type { GroupService } from '../services/groups/group-service.js';
import type { InstanceData } from '../services/instances/instance-data.js';
import type { InstanceGroupService } from '../services/instances/instance-groups.js';
import type { InstanceService } from '../services/instances/instance-service.js';
import type { BulkService } from '../services/jobs/bulk-service.js';
import type { CampaignService } from '../services/jobs/campaign-service.js';
import type { ScheduledService } from '../services/jobs/scheduled-service.js';
import type { MediaService } from '../services/media/media-service.js';
import type { QuickSends } from '../services/messages/quick-sends.js';
import type { MessageActions } from '../services/messages/message-actions.js';
import type { MessageService } from '../services/messages/message-service.js';
import type { MetricsService } from '../services/metrics/metrics-service.js';
import type { SandboxService } from '../services/sandbox-service.js';
import type { SettingsService } from '../services/settings/settings-service.js';
import type { TemplateService } from '../services/templates/template-service.js';
import type { EventLog } from '../services/event-log.js';
import type { EvolutionService } from '../services/evolution/evolution-service.js';
import type { AuditTrail } from '../services/access/audit.js';
import type { Authenticator } from '../services/access/authenticator.js';
import type { EmbedTokenService } from '../services/access/embed-token-service.js';
import type { KeyService } from '../services/access/key-service.js';
import type { UsageMeter } from '../services/access/usage-meter.js';
import type { UsageService } from '../services/access/usage-service.js';

/** The services the HTTP layer translates to; each router takes only the ones it uses. */
export interface Services {
  instances: InstanceService;
  messages: MessageService;
  /** React, edit, forward, star, mark read, delete: acting on stored messages. */
  messageActions: MessageActions;
  chats: ChatService;
  contacts: ContactService;
  groups: GroupService;
  /** Creating and running groups. */
  groupAdmin: GroupAdminService;
  /** The account's profile, presence, channels and labels; contact info. */
  account: AccountService;
  /** Declining ringing calls. */
  calls: CallControl;
  media: MediaService;
  /** Text and media sends in the shape the dialects ask for them. */
  sends: QuickSends;
  settings: SettingsService;
  chatbot: ChatbotService;
  bulk: BulkService;
  scheduled: ScheduledService;
  sandbox: SandboxService;
  keys: KeyService;
  embedTokens: EmbedTokenService;
  usage: UsageService;
  audit: AuditTrail;
  /** The event log the event stream follows. */
  events: EventLog;
  metrics: MetricsService;
  backup: BackupService;
  /** Message templates with {variables}. */
  templates: TemplateService;
  /** Named bulk sends with variables per recipient. */
  campaigns: CampaignService;
  /** Message counts over time, from counters. */
  analytics: AnalyticsService;
  /** The media files of every message. */
  files: FileService;
  instanceGroups: InstanceGroupService;
  /** Deleting an instance's data but keeping the instance. */
  instanceData: InstanceData;
  /** Instance tokens and their exposure, as Evolution API's clients expect them. */
  evolution: EvolutionService;
  /** Which node serves each instance, and what a node knows of the others (scale-out). */
  cluster: ClusterMembership;
}

export interface AppDeps {
  services: Services;
  /** Who a presented token is (the admin token, an API key, an embed token). */
  authenticator: Authenticator;
  /** Where requests of API keys are counted. */
  meter: UsageMeter;
  config: Pick<Config, 'rateLimitPerMinute' | 'authFailuresPerMinute' | 'mediaDir' | 'conwpHourlyLimit' | 'publicUrl' | 'metricsToken' | 'largeBodyBytes' | 'largeBodyConcurrency' | 'embedAllowedOrigins' | 'evolutionPrefix'>;
  logger: Logger;
  /** The clock of the rate limiters and the failed-auth throttle (tests move it). */
  now?: () => number;
  /** What GET /health adds about the server's parts (the whatsapp-web.js patch set). */
  health?: Record<string, unknown>;
}
