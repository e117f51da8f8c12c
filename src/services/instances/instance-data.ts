import { clearLibrary } from '../../media/media-library.js';
import type { Db } from '../../storage/db.js';
import * as repo from '../../storage/instance-data-repo.js';
import type { AuditRecorder } from '../access/audit.js';
import { SYSTEM, type Actor } from '../access/principal.js';
import type { RuleCache } from '../chatbot/chatbot-service.js';
import type { MessageService } from '../messages/message-service.js';
import type { SettingsService } from '../settings/settings-service.js';
import type { InstanceRegistry } from './instance-registry.js';

/** What `scope: "data"` may remove (seed 000's names). */
export const DATA_PARTS = ['messages', 'contacts', 'chats', 'labels', 'integrations', 'media'] as const;
export type DataPart = (typeof DATA_PARTS)[number];

/** What was removed, for each part asked for. */
export interface DataSummary {
  /** Messages, with their reactions and poll votes. */
  messages?: number;
  contacts?: number;
  /** Chats, and the details of the groups among them (`groups`). */
  chats?: number;
  groups?: number;
  /** Labels live in WhatsApp, not in Hatline: always 0 (see the README). */
  labels?: number;
  /** The webhook (its URL, now removed and off) and the chatbot rules. */
  integrations?: { webhook: boolean; chatbotRules: number };
  /** Files of the media folder (uploads, received and sent media) and their bytes. */
  media?: { files: number; bytes: number };
}

export interface InstanceDataOptions {
  db: Db;
  registry: InstanceRegistry;
  messages: Pick<MessageService, 'clear'>;
  settings: Pick<SettingsService, 'get' | 'update'>;
  chatbot: RuleCache;
  mediaDir: string;
  audit?: AuditRecorder;
}

/**
 * Deletes an instance's data but keeps the instance (its session, settings other than the
 * webhook, keys and jobs): the parts asked for, in an order where none refills another (messages
 * before chats, whose last message they are).
 */
export class InstanceData {
  constructor(private readonly opts: InstanceDataOptions) {}

  async remove(instanceId: string, parts: ReadonlySet<DataPart>, actor: Actor = SYSTEM): Promise<DataSummary> {
    const { db } = this.opts;
    this.opts.registry.get(instanceId);
    const summary: DataSummary = {};
    if (parts.has('messages')) summary.messages = await this.opts.messages.clear(instanceId);
    if (parts.has('chats')) Object.assign(summary, await repo.deleteChats(db, instanceId));
    if (parts.has('contacts')) summary.contacts = await repo.deleteContacts(db, instanceId);
    if (parts.has('labels')) summary.labels = 0;
    if (parts.has('integrations')) {
      const { webhookUrl } = await this.opts.settings.get(instanceId);
      if (webhookUrl) await this.opts.settings.update(instanceId, { webhookUrl: '', webhookEnabled: false }, actor, 'operator');
      const chatbotRules = await repo.deleteChatbotRules(db, instanceId);
      this.opts.chatbot.forget(instanceId);
      summary.integrations = { webhook: webhookUrl !== '', chatbotRules };
    }
    if (parts.has('media')) {
      const { names, ...media } = await clearLibrary(this.opts.mediaDir, instanceId);
      // Kept messages no longer point at the files that went (their media would answer 404).
      await repo.forgetMediaFiles(db, instanceId, names);
      summary.media = media;
    }
    await this.opts.audit?.record(actor, 'instance.data_delete', { instanceId, detail: { parts: [...parts], summary } });
    return summary;
  }
}
