import { AppError, notFound } from '../../errors.js';
import * as rulesRepo from '../../storage/chatbot-repo.js';
import type { Db } from '../../storage/db.js';
import type { ChatbotRuleRow, MatchType } from '../../storage/schema.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { compilePattern, PatternError } from './matching.js';

/** Rules per instance: every incoming message is matched against them. */
export const MAX_RULES = 500;

/** The responder's cache of compiled rules, dropped after a change. */
export interface RuleCache {
  forget(instanceId: string): void;
}

/** A rule as the seed shows it (snake_case, `enabled` as 1 or 0). */
export type RuleView = Pick<ChatbotRuleRow, 'id' | 'match_type' | 'trigger_text' | 'response' | 'delay' | 'enabled' | 'priority'>;

export interface RuleInput {
  id?: number | undefined;
  match_type?: MatchType | undefined;
  trigger_text: string;
  response: string;
  delay?: number | undefined;
  enabled?: boolean | undefined;
  priority?: number | undefined;
}

function rowToRule(row: ChatbotRuleRow): RuleView {
  const { id, match_type, trigger_text, response, delay, enabled, priority } = row;
  return { id, match_type, trigger_text, response, delay, enabled, priority };
}

export interface ChatbotServiceOptions {
  db: Db;
  registry: InstanceRegistry;
  settings: SettingsStore;
  cache: RuleCache;
}

/** Chatbot rules: tried by priority (low first), the first enabled match answers. */
export class ChatbotService {
  constructor(private readonly opts: ChatbotServiceOptions) {}

  async rules(instanceId: string): Promise<{ rules: RuleView[]; enabled: boolean }> {
    this.opts.registry.get(instanceId);
    const [rows, settings] = await Promise.all([rulesRepo.listRules(this.opts.db, instanceId), this.opts.settings.get(instanceId)]);
    return { rules: rows.map(rowToRule), enabled: settings?.chatbotEnabled ?? true };
  }

  /** Creates a rule, or updates one when `id` is given (fields left out keep their value). */
  async save(instanceId: string, input: RuleInput): Promise<RuleView> {
    this.opts.registry.get(instanceId);
    const { db } = this.opts;
    const existing = input.id !== undefined ? await rulesRepo.findRule(db, instanceId, input.id) : undefined;
    if (input.id !== undefined && !existing) throw notFound(`id: no chatbot rule ${input.id} on instance ${instanceId}`);
    const fields = {
      match_type: input.match_type ?? existing?.match_type ?? 'exact',
      trigger_text: input.trigger_text,
      response: input.response,
      delay: input.delay ?? existing?.delay ?? 1,
      enabled: input.enabled === undefined ? (existing?.enabled ?? 1) : input.enabled ? 1 : 0,
      priority: input.priority ?? existing?.priority ?? 0,
    };
    if (fields.match_type === 'regex') {
      try {
        compilePattern(fields.trigger_text);
      } catch (err) {
        if (err instanceof PatternError) throw new AppError('bad_request', `trigger_text: ${err.message}`);
        throw err;
      }
    }
    if (!existing && (await rulesRepo.countRules(db, instanceId)) >= MAX_RULES) {
      throw new AppError('conflict', `an instance can have at most ${MAX_RULES} chatbot rules; delete one or fold several into one regex`);
    }
    const id = existing ? existing.id : await rulesRepo.insertRule(db, instanceId, fields);
    if (existing) await rulesRepo.updateRule(db, instanceId, id, fields);
    this.opts.cache.forget(instanceId);
    return rowToRule((await rulesRepo.findRule(db, instanceId, id))!);
  }

  async remove(instanceId: string, id: number): Promise<void> {
    this.opts.registry.get(instanceId);
    if (!(await rulesRepo.deleteRule(this.opts.db, instanceId, id))) throw notFound(`no chatbot rule ${id} on instance ${instanceId}`);
    this.opts.cache.forget(instanceId);
  }

  async setEnabled(instanceId: string, enabled: boolean): Promise<void> {
    this.opts.registry.get(instanceId);
    await this.opts.settings.update(instanceId, { chatbotEnabled: enabled });
  }
}
