import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { phoneToJid } from '../../ids.js';
import {
  EngineError,
  type Account,
  type ConnectionStatus,
  type Engine,
  type EngineContext,
  type EngineEvent,
  type EngineMessage,
  type StartOptions,
  type StatusUpdate,
} from '../engine.js';
import { sandboxCapabilities } from './sandbox-capabilities.js';
import { SandboxCalls } from './sandbox-calls.js';
import { SandboxControls } from './sandbox-controls.js';
import { SandboxPhone } from './sandbox-phone.js';
import { loadSession, newSession, removeSession, saveSession, type SandboxSession } from './sandbox-session.js';
import type { PeerProfile, SandboxNetwork, SandboxPeer } from './network.js';
import type { Deafness, SandboxSelf } from './sandbox-self.js';
import { SandboxServerAcks } from './server-acks.js';

export interface SandboxTimings {
  /** How long a simulated drop stays disconnected before reconnecting. */
  reconnectMs: number;
}

const defaultTimings: SandboxTimings = { reconnectMs: 1500 };

/**
 * A simulated WhatsApp connection. It behaves as the engine seam says a real one does (statuses,
 * QR, sends, acks, upserts, events), with WhatsApp replaced by the shared SandboxNetwork. The
 * capability groups live in sandbox-capabilities.ts (and the caps-*.ts beside it), the controls a
 * test or a trying user drives in sandbox-controls.ts, the phone's own state in sandbox-session.ts.
 */
export class SandboxEngine implements Engine, SandboxPeer, SandboxSelf {
  readonly name = 'sandbox';
  readonly instanceId: string;
  readonly messages;
  readonly chats;
  readonly contacts;
  readonly groups;
  readonly profile;
  readonly newsletters;
  readonly labels;
  readonly calls;
  readonly history;
  readonly controls: SandboxControls;
  readonly ringing: SandboxCalls;
  /** WhatsApp's server acks, held by a control (sends then stay `pending`). */
  readonly serverAcks = new SandboxServerAcks();
  /** People whose messages this account refuses. */
  readonly blocked = new Set<string>();
  /** Chats this account has exchanged a message with (not new contacts for the reach-out timelock). */
  readonly inContact = new Set<string>();
  /** Until when (unix ms) WhatsApp refuses messages to new contacts (error 463); null: not locked. */
  timelockUntil: number | null = null;
  /** Every message of the linked phone, in and out, told to Hatline or not. */
  readonly phone = new SandboxPhone();
  /** Set by the deaf control: the session stays open but tells Hatline nothing but its status, until it reconnects. */
  deafness: Deafness | null = null;
  /** What the engine reports through (the deaf control silences it). */
  readonly ctx: EngineContext;
  private status: ConnectionStatus = 'disconnected';
  private session: SandboxSession | null;
  private pairingPhone: string | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sessionFile: string;

  constructor(
    ctx: EngineContext,
    readonly network: SandboxNetwork,
    private readonly timings: SandboxTimings = defaultTimings,
  ) {
    // A deaf session keeps telling its status (it believes it is connected) and nothing else.
    this.ctx = { ...ctx, emit: (event) => (this.deafness && event.type !== 'status' && event.type !== 'qr' ? undefined : ctx.emit(event)) };
    this.instanceId = ctx.instanceId;
    this.sessionFile = path.join(ctx.sessionDir, 'sandbox.json');
    this.session = loadSession(this.sessionFile);
    this.ringing = new SandboxCalls((call) => this.ctx.emit({ type: 'call', call }), () => network.nowSeconds());
    const caps = sandboxCapabilities(this);
    this.messages = caps.messages;
    this.chats = caps.chats;
    this.contacts = caps.contacts;
    this.groups = caps.groups;
    this.profile = caps.profile;
    this.newsletters = caps.newsletters;
    this.labels = caps.labels;
    this.calls = caps.calls;
    this.history = caps.history;
    this.controls = new SandboxControls(this);
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
    this.inContact.add(message.chatId);
    this.phone.hold(message);
    this.ctx.emit({ type: 'message', message });
    return true;
  }

  receipt(messageId: string, chatId: string, status: 'delivered' | 'read'): void {
    this.ctx.emit({ type: 'ack', ack: { id: messageId, chatId, status } });
  }

  notify(event: EngineEvent): void {
    this.ctx.emit(event);
  }

  peerProfile(): PeerProfile | null {
    const s = this.session;
    return s ? { name: s.name, about: s.about, picture: s.picture, business: s.business, channels: [...s.channels] } : null;
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
    this.ctx.emit({ type: 'qr', qr: `hatline-sandbox:${this.instanceId}:${randomBytes(12).toString('base64url')}` });
  }

  async stop(): Promise<void> {
    this.clearTimers();
    this.ringing.clear();
    this.pairingPhone = null;
    if (this.status !== 'disconnected') {
      this.ctx.emit({ type: 'qr', qr: null });
      this.setStatus('disconnected');
    }
  }

  async logout(): Promise<void> {
    await this.stop();
    this.session = null;
    this.phone.clear();
    removeSession(this.sessionFile);
  }

  async dispose(): Promise<void> {
    await this.stop();
    this.serverAcks.clear();
    this.network.unregister(this.instanceId);
  }

  // --- shared with the capabilities and controls ---------------------------------------------

  account(): Account | null {
    if (!this.session) return null;
    return { id: phoneToJid(this.session.phone), name: this.session.name, phone: this.session.phone };
  }

  /** The account while open; `not_connected` otherwise. */
  requireOpen(): Account {
    const account = this.account();
    if (this.status !== 'open' || !account) {
      throw new EngineError('not_connected', `instance ${this.instanceId} is not connected`);
    }
    return account;
  }

  /** The phone's own state while open. */
  state(): SandboxSession {
    this.requireOpen();
    return this.session!;
  }

  /** Changes the phone's own state and keeps it; a new name is the account's new name. */
  update(patch: Partial<Omit<SandboxSession, 'phone'>>): void {
    const session = this.state();
    Object.assign(session, patch);
    saveSession(this.sessionFile, session);
    if (patch.name !== undefined) this.setStatus('open', { account: this.account()! });
  }

  /** Links the instance to a phone, as a scan of its QR does. */
  link(phone: string | undefined, name: string | undefined): Account {
    if (this.status !== 'connecting' || this.session) {
      throw new EngineError('rejected', `instance is ${this.status === 'open' ? 'already linked' : 'not waiting for a scan'}; call connect first`);
    }
    const chosen = phone ?? this.pairingPhone ?? this.network.freshPhone();
    const holder = this.network.peerByPhone(chosen);
    if (holder && holder !== this) {
      throw new EngineError('rejected', `phone ${chosen} is already linked to sandbox instance ${holder.instanceId}`);
    }
    this.session = newSession(chosen, name ?? `Sandbox ${chosen.slice(-4)}`);
    this.phone.clear();
    saveSession(this.sessionFile, this.session);
    this.ctx.emit({ type: 'qr', qr: null });
    this.goOnline();
    return this.account()!;
  }

  /** A lost connection: `disconnected` now, back to `open` a moment later. */
  dropConnection(): void {
    this.requireOpen();
    this.ringing.clear();
    this.setStatus('disconnected', { error: 'connection lost (simulated by the sandbox drop control)' });
    this.after(this.timings.reconnectMs, () => {
      this.setStatus('connecting');
      this.after(10, () => this.goOnline());
    });
  }

  // --- internals ---------------------------------------------------------------------------

  private goOnline(): void {
    const account = this.account();
    if (!account) return;
    this.pairingPhone = null;
    this.setStatus('open', { account });
    // What WhatsApp would sync on connecting: the groups this number is in.
    const groups = this.network.groups.ofPhone(account.phone);
    if (groups.length) this.ctx.emit({ type: 'group_upsert', groups });
    this.network.flush(this);
  }

  private setStatus(status: ConnectionStatus, extra: Omit<StatusUpdate, 'status'> = {}): void {
    this.status = status;
    // A reconnect cures a deaf session, as restarting a stalled WhatsApp Web session does.
    if (status !== 'open') this.deafness = null;
    this.ctx.emit({ type: 'status', update: { status, ...extra } });
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
