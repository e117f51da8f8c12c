import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isGroupJid, jidToPhone, phoneToJid } from '../../ids.js';
import type { EngineGroup, EngineMessage, GroupParticipant } from '../engine.js';

/** What the network needs of a sandbox engine to deliver to it. */
export interface SandboxPeer {
  readonly instanceId: string;
  /** The linked phone (digits), or null while not linked. */
  linkedPhone(): string | null;
  /** True while the peer is `open` and can take deliveries now. */
  isOnline(): boolean;
  /** A message from another sandbox instance; returns false when the peer refused it (blocked). */
  deliver(message: EngineMessage): boolean;
  /** A receipt for a message this peer sent. */
  receipt(messageId: string, chatId: string, status: 'delivered' | 'read'): void;
  /** A group this peer's phone is in was created or changed. */
  groupChanged(group: EngineGroup): void;
}

export interface SandboxNetworkOptions {
  /** Where groups are kept across restarts; null keeps them in memory only. */
  stateFile: string | null;
  /** The clock of message timestamps and group creation times (tests move it). */
  now?: () => number;
}

interface StoredGroup {
  id: string;
  name: string;
  description: string | null;
  creation: number;
  owner: string;
  participants: GroupParticipant[];
}

interface HeldDelivery {
  from: SandboxPeer;
  message: EngineMessage;
}

/** A delivered message's sender, for read receipts; bounded so a long benchmark cannot grow it forever. */
const SENDER_MEMORY = 200_000;
const DELIVERY_DELAY_MS = 100;

/**
 * The simulated WhatsApp network shared by every sandbox instance of one server: who is linked
 * to which phone, the groups, and delivery between linked instances. Groups are kept in a JSON
 * file under DATA_DIR so they survive a restart (links live in each instance's session folder).
 */
export class SandboxNetwork {
  private readonly peers = new Map<string, SandboxPeer>();
  private readonly groups = new Map<string, StoredGroup>();
  /** Messages for linked instances that are offline, delivered when they come back. */
  private readonly held = new Map<string, HeldDelivery[]>();
  private readonly senders = new Map<string, { peer: string; chatId: string }>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private readonly stateFile: string | null;
  private readonly now: () => number;

  constructor(options: SandboxNetworkOptions) {
    this.stateFile = options.stateFile;
    this.now = options.now ?? Date.now;
    const stateFile = this.stateFile;
    if (stateFile) {
      try {
        const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { groups?: StoredGroup[] };
        for (const g of saved.groups ?? []) this.groups.set(g.id, g);
      } catch {
        // no file yet: an empty network
      }
    }
  }

  register(peer: SandboxPeer): void {
    this.peers.set(peer.instanceId, peer);
  }

  unregister(instanceId: string): void {
    this.peers.delete(instanceId);
    for (const [phone, list] of this.held) {
      const kept = list.filter((h) => h.from.instanceId !== instanceId);
      if (kept.length) this.held.set(phone, kept);
      else this.held.delete(phone);
    }
  }

  /** The peer linked to a phone, if any. */
  peerByPhone(phone: string): SandboxPeer | undefined {
    for (const peer of this.peers.values()) if (peer.linkedPhone() === phone) return peer;
    return undefined;
  }

  /** A made-up phone no peer uses, that exists (its last four digits are not 0000). */
  freshPhone(): string {
    for (;;) {
      const digits = String(BigInt('0x' + randomBytes(6).toString('hex')) % 100_000_000n).padStart(8, '0');
      const phone = `9055${digits}`;
      if (!phone.endsWith('0000') && !this.peerByPhone(phone)) return phone;
    }
  }

  /** Unix seconds on the network's clock. */
  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** Sandbox rule: a number exists unless its last four digits are 0000. */
  numberExists(phone: string): boolean {
    return !phone.endsWith('0000');
  }

  /**
   * Routes a message a peer sent. Group messages go to every other member that is a peer; user
   * messages to the peer linked to that phone (held while it is offline) or to a simulated contact.
   * The sender gets `delivered` about 100 ms later when the recipient exists.
   */
  route(from: SandboxPeer, message: EngineMessage): void {
    if (isGroupJid(message.to)) {
      const group = this.groups.get(message.to);
      if (!group) return;
      for (const member of group.participants) {
        const phone = jidToPhone(member.id);
        const peer = phone ? this.peerByPhone(phone) : undefined;
        if (peer && peer !== from) this.deliverTo(peer, phone!, from, { ...message, fromMe: false });
      }
      this.later(() => from.receipt(message.id, message.to, 'delivered'));
      return;
    }
    const phone = jidToPhone(message.to);
    if (!phone) return;
    const peer = this.peerByPhone(phone);
    if (peer) {
      this.deliverTo(peer, phone, from, { ...message, chatId: message.from, fromMe: false });
    } else if (this.numberExists(phone)) {
      this.later(() => from.receipt(message.id, message.to, 'delivered'));
    }
  }

  private deliverTo(peer: SandboxPeer, phone: string, from: SandboxPeer, message: EngineMessage): void {
    if (!peer.isOnline()) {
      const list = this.held.get(phone) ?? [];
      list.push({ from, message });
      this.held.set(phone, list);
      return;
    }
    this.later(() => {
      if (!peer.deliver(message)) return;
      this.remember(message.id, from.instanceId, message.to);
      from.receipt(message.id, message.to, 'delivered');
    });
  }

  /** Called by a peer when it comes online: hands over what was held for it. */
  flush(peer: SandboxPeer): void {
    const phone = peer.linkedPhone();
    if (!phone) return;
    const list = this.held.get(phone);
    if (!list) return;
    this.held.delete(phone);
    for (const h of list) this.deliverTo(peer, phone, h.from, h.message);
  }

  /** A peer read messages in a chat: their senders get `read` receipts. */
  read(reader: SandboxPeer, messageIds: string[]): void {
    for (const id of messageIds) {
      const sender = this.senders.get(id);
      if (!sender || sender.peer === reader.instanceId) continue;
      const peer = this.peers.get(sender.peer);
      if (peer) peer.receipt(id, sender.chatId, 'read');
    }
  }

  private remember(messageId: string, senderInstance: string, chatId: string): void {
    this.senders.set(messageId, { peer: senderInstance, chatId });
    if (this.senders.size > SENDER_MEMORY) {
      const oldest = this.senders.keys().next().value;
      if (oldest !== undefined) this.senders.delete(oldest);
    }
  }

  createGroup(owner: string, name: string, participantPhones: string[]): EngineGroup {
    let id: string;
    do id = `1203630${String(BigInt('0x' + randomBytes(7).toString('hex'))).slice(0, 11)}@g.us`;
    while (this.groups.has(id));
    const members = new Set([owner, ...participantPhones]);
    const group: StoredGroup = {
      id,
      name,
      description: null,
      creation: this.nowSeconds(),
      owner: phoneToJid(owner),
      participants: [...members].map((p) => ({
        id: phoneToJid(p),
        admin: p === owner ? ('superadmin' as const) : null,
      })),
    };
    this.groups.set(id, group);
    this.save();
    this.announce(group);
    return structuredClone(group);
  }

  /** Adds a phone to a group (a simulated contact writing in it). */
  join(groupId: string, phone: string): void {
    const group = this.groups.get(groupId);
    if (!group || group.participants.some((p) => p.id === phoneToJid(phone))) return;
    group.participants.push({ id: phoneToJid(phone), admin: null });
    this.save();
    this.announce(group);
  }

  /** Tells every member that is a peer about the group (as WhatsApp syncs group metadata). */
  private announce(group: StoredGroup): void {
    for (const member of group.participants) {
      const phone = jidToPhone(member.id);
      const peer = phone ? this.peerByPhone(phone) : undefined;
      peer?.groupChanged(structuredClone(group));
    }
  }

  group(id: string): EngineGroup | null {
    const g = this.groups.get(id);
    return g ? structuredClone(g) : null;
  }

  groupsOf(phone: string): EngineGroup[] {
    const jid = phoneToJid(phone);
    return [...this.groups.values()]
      .filter((g) => g.participants.some((p) => p.id === jid))
      .map((g) => structuredClone(g));
  }

  isMember(groupId: string, phone: string): boolean {
    return this.groups.get(groupId)?.participants.some((p) => p.id === phoneToJid(phone)) ?? false;
  }

  /** Runs `fn` after the simulated network latency; cancelled by close(). */
  later(fn: () => void, ms = DELIVERY_DELAY_MS): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref?.();
    this.timers.add(t);
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private save(): void {
    if (!this.stateFile) return;
    mkdirSync(path.dirname(this.stateFile), { recursive: true });
    const tmp = `${this.stateFile}.tmp`;
    writeFileSync(tmp, JSON.stringify({ groups: [...this.groups.values()] }));
    renameSync(tmp, this.stateFile);
  }
}
