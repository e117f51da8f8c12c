import type { EngineMessage } from '../../engines/engine.js';
import { describeError } from '../../errors.js';
import { isGroupJid, jidToPhone } from '../../ids.js';
import type { Logger } from '../../logger.js';
import { compilePattern, fillTemplate, fold, matchableText, matchesFolded } from '../../services/chatbot/matching.js';
import type { MessageService } from '../../services/messages/message-service.js';
import type { SettingsStore } from '../../services/settings/settings-store.js';
import * as rulesRepo from '../../storage/chatbot-repo.js';
import type { Db } from '../../storage/db.js';
import type { ChatbotRuleRow } from '../../storage/schema.js';

/** At most this many automatic replies per chat within the window: two bots cannot talk forever. */
export const REPLIES_PER_CHAT = 3;
export const REPLY_WINDOW_MS = 60_000;
/**
 * A message found by a backfill (it arrived while Hatline was not listening) is answered only when
 * it is at most this old: whoever wrote a minute ago still waits for the answer, whoever wrote an
 * hour ago has been answered from the phone or has moved on.
 */
export const BACKFILL_REPLY_MAX_AGE_SECONDS = 300;

interface LoadedRule {
  row: ChatbotRuleRow;
  regex?: RegExp;
  /** The trigger folded once (text rules). */
  trigger?: string;
}

/**
 * How long one message may be matched against an instance's rules. Rules are matched in
 * priority order; when the budget runs out the rest are not tried (and it is logged), so no
 * instance's rules can hold the event loop, which every other instance shares.
 */
export const MATCH_BUDGET_MS = 25;

export interface ChatbotOptions {
  db: Db;
  messages: MessageService;
  settings: SettingsStore;
  logger: Logger;
  /** The clock of the per-chat reply window (tests move it). */
  now?: () => number;
  /** The clock of the matching budget, in ms (performance.now; tests make it jump). */
  matchClock?: () => number;
}

/**
 * Answers incoming messages with the first enabled rule that matches (priority low first, then
 * id), after the rule's delay. Never answers its own messages nor group messages, and gives a
 * chat at most REPLIES_PER_CHAT automatic replies per minute. Backfilled messages older than
 * BACKFILL_REPLY_MAX_AGE_SECONDS are stored and announced but not answered.
 */
export class Chatbot {
  private readonly rules = new Map<string, LoadedRule[]>();
  private readonly recentReplies = new Map<string, number[]>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private readonly now: () => number;
  private readonly matchClock: () => number;

  constructor(private readonly opts: ChatbotOptions) {
    this.now = opts.now ?? Date.now;
    this.matchClock = opts.matchClock ?? (() => performance.now());
    // Stored messages only: a redelivery the store ignores is not answered again.
    opts.messages.onStored((instanceId, message, origin) => {
      if (origin.backfilled && this.now() / 1000 - message.timestamp > BACKFILL_REPLY_MAX_AGE_SECONDS) return;
      this.consider(instanceId, message).catch((err) =>
        opts.logger.warn('chatbot could not answer', { instance: instanceId, error: describeError(err) }),
      );
    });
  }

  /** Drops the cached rules of an instance (after a change). */
  forget(instanceId: string): void {
    this.rules.delete(instanceId);
    for (const key of this.recentReplies.keys()) if (key.startsWith(`${instanceId}\u0000`)) this.recentReplies.delete(key);
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private async consider(instanceId: string, m: EngineMessage): Promise<void> {
    if (m.fromMe || isGroupJid(m.chatId) || !m.body) return;
    const settings = await this.opts.settings.get(instanceId);
    if (!settings?.chatbotEnabled) return;
    // A chat in its cooldown gets no reply whatever matches: do not match at all.
    const key = `${instanceId}\u0000${m.chatId}`;
    const now = this.now();
    const recent = (this.recentReplies.get(key) ?? []).filter((t) => now - t < REPLY_WINDOW_MS);
    if (recent.length >= REPLIES_PER_CHAT) {
      this.opts.logger.info('chatbot reply skipped: chat cooldown', { instance: instanceId, chat: m.chatId });
      return;
    }
    const rule = this.firstMatch(instanceId, await this.loaded(instanceId), m.body);
    if (!rule) return;
    recent.push(now);
    this.recentReplies.set(key, recent);
    const phone = jidToPhone(m.from) ?? m.from;
    const body = fillTemplate(rule.row.response, {
      name: m.senderName || phone,
      phone,
      time: new Date(now).toTimeString().slice(0, 5),
    });
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.opts.messages
        .send(instanceId, m.chatId, { kind: 'chat', body })
        .catch((err) => this.opts.logger.warn('chatbot reply failed', { instance: instanceId, rule: rule.row.id, error: describeError(err) }));
    }, rule.row.delay * 1000);
    this.timers.add(timer);
  }

  private firstMatch(instanceId: string, rules: LoadedRule[], body: string): LoadedRule | undefined {
    const text = matchableText(body);
    const started = this.matchClock();
    for (const [i, rule] of rules.entries()) {
      if (rule.row.enabled === 1 && matchesFolded(rule.row, text, rule.regex, rule.trigger)) return rule;
      if (this.matchClock() - started > MATCH_BUDGET_MS) {
        this.opts.logger.warn('chatbot matching stopped: its time budget ran out', { instance: instanceId, tried: i + 1, rules: rules.length });
        return undefined;
      }
    }
    return undefined;
  }

  private async loaded(instanceId: string): Promise<LoadedRule[]> {
    const hit = this.rules.get(instanceId);
    if (hit) return hit;
    const rows = await rulesRepo.listRules(this.opts.db, instanceId);
    const list: LoadedRule[] = [];
    for (const row of rows) {
      if (row.match_type !== 'regex') {
        list.push({ row, trigger: fold(row.trigger_text) });
        continue;
      }
      try {
        list.push({ row, regex: compilePattern(row.trigger_text) });
      } catch {
        // refused when saved; a rule saved by an older version that no longer compiles is skipped
      }
    }
    this.rules.set(instanceId, list);
    return list;
  }
}
