import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bodyOf } from '../../messaging/content.js';
import { isGroupJid, jidToPhone, phoneToJid } from '../../messaging/jid.js';
import {
  EngineError,
  type AckStatus,
  type Account,
  type ConnectionStatus,
  type Engine,
  type EngineChat,
  type EngineContact,
  type EngineContext,
  type EngineGroup,
  type EngineMessage,
  type MediaPayload,
  type MessageKind,
  type OutgoingContent,
  type SentMessage,
  type StartOptions,
} from '../engine.js';
import type { SandboxNetwork, SandboxPeer } from './network.js';

interface SandboxSession {
  phone: string;
  name: string;
}

export interface SandboxTimings {
  /** How long a simulated drop stays disconnected before reconnecting. */
  reconnectMs: number;
}

const defaultTimings: SandboxTimings = { reconnectMs: 1500 };

export interface IncomingSimulation {
  /** Phone (digits) of the simulated sender. */
  from: string;
  body?: string;
  name?: string;
  kind?: MessageKind;
  media?: MediaPayload;
  caption?: string;
  groupId?: string;
}

/** A WhatsApp-looking message id: `3EB0` and 16 hex digits. */
export function sandboxMessageId(): string {
  return `3EB0${randomBytes(8).toString('hex').toUpperCase()}`;
}

const now = () => Math.floor(Date.now() / 1000);

export function kindOfMime(mimetype: string): MessageKind {
  if (mimetype === 'image/webp') return 'sticker';
  if (mimetype.startsWith('image/')) return 'image';
  if (mimetype.startsWith('video/')) return 'video';
  if (mimetype.startsWith('audio/ogg')) return 'ptt';
  if (mimetype.startsWith('audio/')) return 'audio';
  return 'document';
}

/**
 * A simulated WhatsApp connection. It behaves as the engine contract says a real one does
 * (statuses, QR, sends, acks, chats), with WhatsApp replaced by the shared SandboxNetwork.
 */
export class SandboxEngine implements Engine, SandboxPeer {
  readonly kind = 'sandbox' as const;
  readonly instanceId: string;
  private status: ConnectionStatus = 'disconnected';
  private session: SandboxSession | null;
  private qr: string | null = null;
  private pairingPhone: string | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly contacts = new Map<string, EngineContact>();
  private readonly chats = new Map<string, EngineChat>();
  private readonly blocked = new Set<string>();
  private readonly sessionFile: string;

  constructor(
    private readonly ctx: EngineContext,
    private readonly network: SandboxNetwork,
    private readonly timings: SandboxTimings = defaultTimings,
  ) {
    this.instanceId = ctx.instanceId;
    this.sessionFile = path.join(ctx.sessionDir, 'sandbox.json');
    this.session = this.loadSession();
    network.register(this);
  }

  // --- SandboxPeer -------------------------------------------------------------------------

  linkedPhone(): string | null {
    return this.session?.phone ?? null;
  }

  isOnline(): boolean {
    return this.status === 'open';
  }

  deliver(message: EngineMessage): boolean {
    if (this.blocked.has(message.from)) return false;
    this.track(message.chatId, message.senderName ?? null, message.timestamp, true);
    this.ctx.listener.message(message);
    return true;
  }

  receipt(messageId: string, chatId: string, status: 'delivered' | 'read'): void {
    this.ctx.listener.ack({ id: messageId, chatId, status });
  }

  // --- lifecycle ---------------------------------------------------------------------------

  async start(options: StartOptions = {}): Promise<void> {
    if (this.status !== 'disconnected') return;
    this.setStatus('connecting');
    if (this.session) {
      this.after(10, () => this.goOnline());
      return;
    }
    if (options.pairingPhone) {
      this.pairingPhone = options.pairingPhone;
      const code = randomBytes(4).toString('hex').toUpperCase();
      this.setStatus('connecting', { pairingCode: `${code.slice(0, 4)}-${code.slice(4)}` });
    }
    this.qr = `hatline-sandbox:${this.instanceId}:${randomBytes(12).toString('base64url')}`;
    this.ctx.listener.qr(this.qr);
  }

  async stop(): Promise<void> {
    this.clearTimers();
    this.qr = null;
    this.pairingPhone = null;
    if (this.status !== 'disconnected') {
      this.ctx.listener.qr(null);
      this.setStatus('disconnected');
    }
  }

  async logout(): Promise<void> {
    await this.stop();
    this.session = null;
    rmSync(this.sessionFile, { force: true });
  }

  async dispose(): Promise<void> {
    await this.stop();
    this.network.unregister(this.instanceId);
  }

  // --- sandbox controls --------------------------------------------------------------------

  /** Links the instance as if its QR was scanned by a phone. */
  scan(phone?: string, name?: string): Account {
    if (this.status !== 'connecting' || this.session) {
      throw new EngineError('rejected', `instance is ${this.status === 'open' ? 'already linked' : 'not waiting for a scan'}; call connect first`);
    }
    const chosen = phone ?? this.pairingPhone ?? this.network.freshPhone();
    const holder = this.network.peerByPhone(chosen);
    if (holder && holder !== this) {
      throw new EngineError('rejected', `phone ${chosen} is already linked to sandbox instance ${holder.instanceId}`);
    }
    this.session = { phone: chosen, name: name ?? `Sandbox ${chosen.slice(-4)}` };
    mkdirSync(this.ctx.sessionDir, { recursive: true });
    writeFileSync(this.sessionFile, JSON.stringify(this.session));
    this.qr = null;
    this.ctx.listener.qr(null);
    this.goOnline();
    return this.account()!;
  }

  /** A simulated contact (or group member) writes to this instance. */
  incoming(sim: IncomingSimulation): string {
    const me = this.requireOpen();
    const from = phoneToJid(sim.from);
    if (sim.groupId && !this.network.isMember(sim.groupId, me.phone)) {
      throw new EngineError('not_found', `group ${sim.groupId} not found`);
    }
    if (sim.groupId) this.network.join(sim.groupId, sim.from);
    const kind = sim.kind ?? (sim.media ? kindOfMime(sim.media.mimetype) : 'chat');
    const message: EngineMessage = {
      id: sandboxMessageId(),
      chatId: sim.groupId ?? from,
      from,
      to: sim.groupId ?? me.id,
      fromMe: false,
      kind,
      body: sim.media ? (sim.caption ?? sim.body ?? '') : (sim.body ?? ''),
      timestamp: now(),
      ...(sim.media ? { media: sim.media } : {}),
      ...(sim.name ? { senderName: sim.name } : {}),
    };
    if (!this.contacts.has(from)) this.contacts.set(from, { id: from, name: null, notify: sim.name ?? null });
    if (this.blocked.has(from)) return message.id;
    this.track(message.chatId, sim.groupId ? null : (sim.name ?? null), message.timestamp, true);
    this.ctx.listener.message(message);
    return message.id;
  }

  /** Reports a receipt for a message this instance sent, as its recipient's phone would. */
  simulateAck(messageId: string, status: Extract<AckStatus, 'delivered' | 'read' | 'played'>): void {
    this.ctx.listener.ack({ id: messageId, status });
  }

  createGroup(name: string, participantPhones: string[]): EngineGroup {
    const me = this.requireOpen();
    const group = this.network.createGroup(me.phone, name, participantPhones);
    this.track(group.id, name, null, false);
    return group;
  }

  /** Simulates a lost connection: `disconnected` now, back to `open` a moment later. */
  drop(): void {
    this.requireOpen();
    this.setStatus('disconnected', { error: 'connection lost (simulated by the sandbox drop control)' });
    this.after(this.timings.reconnectMs, () => {
      this.setStatus('connecting');
      this.after(10, () => this.goOnline());
    });
  }

  // --- messaging ---------------------------------------------------------------------------

  async send(to: string, content: OutgoingContent): Promise<SentMessage> {
    const me = this.requireOpen();
    if (isGroupJid(to) && !this.network.isMember(to, me.phone)) {
      throw new EngineError('not_found', `group ${to} not found, or this account is not in it`);
    }
    const message: EngineMessage = {
      id: sandboxMessageId(),
      chatId: to,
      from: me.id,
      to,
      fromMe: true,
      kind: content.kind,
      body: bodyOf(content),
      timestamp: now(),
      senderName: me.name,
    };
    if ('media' in content) message.media = content.media;
    if (content.kind === 'location') message.location = content.location;
    if (content.kind === 'poll_creation') message.poll = content.poll;
    if (content.kind === 'vcard') message.vcard = content.vcard;
    this.track(to, null, message.timestamp, false);
    this.network.route(this, message);
    return { id: message.id, timestamp: message.timestamp };
  }

  async react(chatId: string, _messageId: string, _emoji: string): Promise<void> {
    this.requireOpen();
    this.requireChatTarget(chatId);
  }

  async deleteForEveryone(chatId: string, _messageId: string): Promise<void> {
    this.requireOpen();
    this.requireChatTarget(chatId);
  }

  async markChatRead(chatId: string, messageIds: string[]): Promise<void> {
    this.requireOpen();
    const chat = this.chats.get(chatId);
    if (chat) chat.unreadCount = 0;
    this.network.read(this, messageIds);
  }

  async setArchived(chatId: string, archived: boolean): Promise<void> {
    this.requireOpen();
    const chat = this.chats.get(chatId) ?? this.track(chatId, null, null, false);
    chat.archived = archived;
  }

  async deleteChat(chatId: string): Promise<void> {
    this.requireOpen();
    this.chats.delete(chatId);
  }

  async getChats(): Promise<EngineChat[]> {
    this.requireOpen();
    return [...this.chats.values()].map((c) => ({ ...c }));
  }

  async getContacts(): Promise<EngineContact[]> {
    this.requireOpen();
    return [...this.contacts.values()].map((c) => ({ ...c }));
  }

  async getContact(id: string): Promise<EngineContact | null> {
    this.requireOpen();
    const known = this.contacts.get(id);
    if (known) return { ...known };
    const phone = jidToPhone(id);
    return phone && this.network.numberExists(phone) ? { id, name: null, notify: null } : null;
  }

  async checkNumber(phone: string): Promise<{ exists: boolean; jid: string | null }> {
    this.requireOpen();
    const exists = this.network.numberExists(phone);
    return { exists, jid: exists ? phoneToJid(phone) : null };
  }

  async getProfilePicture(_id: string): Promise<string | null> {
    this.requireOpen();
    return null;
  }

  async setBlocked(id: string, blocked: boolean): Promise<void> {
    this.requireOpen();
    if (blocked) this.blocked.add(id);
    else this.blocked.delete(id);
  }

  async getGroups(): Promise<EngineGroup[]> {
    const me = this.requireOpen();
    return this.network.groupsOf(me.phone);
  }

  async getGroup(id: string): Promise<EngineGroup | null> {
    const me = this.requireOpen();
    return this.network.isMember(id, me.phone) ? this.network.group(id) : null;
  }

  // --- internals ---------------------------------------------------------------------------

  account(): Account | null {
    if (!this.session) return null;
    return { id: phoneToJid(this.session.phone), name: this.session.name, phone: this.session.phone };
  }

  private goOnline(): void {
    const account = this.account();
    if (!account) return;
    this.pairingPhone = null;
    this.setStatus('open', { account });
    this.network.flush(this);
  }

  private setStatus(status: ConnectionStatus, extra: { account?: Account; error?: string; pairingCode?: string } = {}): void {
    this.status = status;
    this.ctx.listener.status({ status, ...extra });
  }

  private requireOpen(): Account {
    const account = this.account();
    if (this.status !== 'open' || !account) {
      throw new EngineError('not_connected', `instance ${this.instanceId} is not connected`);
    }
    return account;
  }

  private requireChatTarget(chatId: string): void {
    if (!isGroupJid(chatId) && !jidToPhone(chatId)) throw new EngineError('not_found', `unknown chat ${chatId}`);
  }

  private track(chatId: string, name: string | null, timestamp: number | null, incoming: boolean): EngineChat {
    let chat = this.chats.get(chatId);
    if (!chat) {
      const group = isGroupJid(chatId) ? this.network.group(chatId) : null;
      chat = {
        id: chatId,
        name: group?.name ?? name ?? jidToPhone(chatId) ?? chatId,
        unreadCount: 0,
        lastMessage: null,
        archived: false,
        isGroup: isGroupJid(chatId),
      };
      this.chats.set(chatId, chat);
    } else if (name && !chat.isGroup) {
      chat.name = name;
    }
    if (timestamp !== null) chat.lastMessage = timestamp;
    if (incoming) {
      chat.unreadCount += 1;
      chat.archived = false;
    }
    if (!chat.isGroup && !this.contacts.has(chatId)) this.contacts.set(chatId, { id: chatId, name: null, notify: name });
    return chat;
  }

  private loadSession(): SandboxSession | null {
    try {
      const saved = JSON.parse(readFileSync(this.sessionFile, 'utf8')) as SandboxSession;
      return typeof saved.phone === 'string' && typeof saved.name === 'string' ? saved : null;
    } catch {
      return null;
    }
  }

  private after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
