import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isGroupJid, jidToPhone, phoneToJid } from '../../ids.js';
import type { EngineEvent, EngineGroup, EngineMessage } from '../engine.js';
import { SandboxGroups } from './network-groups.js';
import { NetworkPost } from './network-post.js';
import type { StoredGroup } from './group-records.js';
import type { SandboxPeer } from './sandbox-peer.js';

export type { PeerProfile, SandboxPeer } from './sandbox-peer.js';

export interface SandboxNetworkOptions {
  /** Where groups are kept across restarts; null keeps them in memory only. */
  stateFile: string | null;
  /** The clock of message timestamps and group creation times (tests move it). */
  now?: () => number;
}

/** What the network remembers of a message it carried. */
export interface CarriedMessage {
  /** The instance that sent it (null: a simulated contact). */
  peer: string | null;
  senderPhone: string;
  /** The chat as its sender sees it. */
  chatId: string;
  timestamp: number;
}

/** Carried messages remembered (receipts, edit windows); bounded so a long benchmark cannot grow it forever. */
const CARRIED_MEMORY = 200_000;
/** Messages whose content is kept for forwarding (media included, so far fewer). */
const CONTENT_MEMORY = 500;

/**
 * The simulated WhatsApp network shared by every sandbox instance of one server: who is linked
 * to which phone, the groups (network-groups.ts), and delivery between linked instances, of
 * messages and of everything else a phone is told (held while the phone is offline). Groups are
 * kept in a JSON file under DATA_DIR so they survive a restart (each phone's own state lives in
 * its instance's session folder).
 */
export class SandboxNetwork {
  readonly groups: SandboxGroups;
  private readonly peers = new Map<string, SandboxPeer>();
  private readonly carried = new Map<string, CarriedMessage>();
  private readonly contents = new Map<string, EngineMessage>();
  /** Linked phones that exchanged messages, both ways (who sees whose online state). */
  private readonly acquainted = new Map<string, Set<string>>();
  private readonly post = new NetworkPost();

  private readonly stateFile: string | null;
  private readonly now: () => number;

  constructor(options: SandboxNetworkOptions) {
    this.stateFile = options.stateFile;
    this.now = options.now ?? Date.now;
    let saved: StoredGroup[] = [];
    if (this.stateFile) {
      try {
        saved = (JSON.parse(readFileSync(this.stateFile, 'utf8')) as { groups?: StoredGroup[] }).groups ?? [];
      } catch {
        // no file yet: an empty network
      }
    }
    this.groups = new SandboxGroups(
      {
        now: this.now,
        exists: (phone) => this.numberExists(phone),
        tell: (phones, event, live) => {
          for (const phone of phones) this.tell(phone, null, event, live);
        },
        sync: (phones, read) => {
          for (const phone of phones) this.syncGroup(phone, read);
        },
        save: () => this.save(),
      },
      saved,
    );
  }

  register(peer: SandboxPeer): void {
    this.peers.set(peer.instanceId, peer);
  }

  unregister(instanceId: string): void {
    this.peers.delete(instanceId);
    this.post.dropFrom(instanceId);
  }

  /** The peer linked to a phone, if any. */
  peerByPhone(phone: string): SandboxPeer | undefined {
    for (const peer of this.peers.values()) if (peer.linkedPhone() === phone) return peer;
    return undefined;
  }

  /** Every peer that is linked, with its phone. */
  linkedPeers(): { phone: string; peer: SandboxPeer }[] {
    return [...this.peers.values()].flatMap((peer) => {
      const phone = peer.linkedPhone();
      return phone ? [{ phone, peer }] : [];
    });
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
    const senderPhone = from.linkedPhone() ?? '';
    this.remember(message, from.instanceId, senderPhone);
    if (isGroupJid(message.to)) {
      const group = this.groups.view(message.to);
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
      this.acquaint(senderPhone, phone);
      this.deliverTo(peer, phone, from, { ...message, chatId: message.from, fromMe: false });
    } else if (this.numberExists(phone)) {
      this.later(() => from.receipt(message.id, message.to, 'delivered'));
    }
  }

  /** A message a simulated contact sent to a peer (remembered, so that it can be forwarded). */
  carriedIn(message: EngineMessage): void {
    this.remember(message, null, jidToPhone(message.from) ?? '');
  }

  private deliverTo(peer: SandboxPeer, phone: string, from: SandboxPeer, message: EngineMessage): void {
    if (!peer.isOnline()) {
      this.post.hold(phone, from.instanceId, () => this.deliverTo(peer, phone, from, message));
      return;
    }
    this.later(() => {
      if (!peer.deliver(message)) return;
      from.receipt(message.id, message.to, 'delivered');
    });
  }

  /**
   * Something (not a message) for the phone `phone` from the peer `from`: handed over after the
   * network's latency; held while the phone's instance is offline unless it is `live` (typing,
   * online state: worth nothing later). A phone no instance is linked to is a simulated contact:
   * nothing to hand over.
   */
  tell(phone: string, from: string | null, event: EngineEvent, live = false): void {
    const peer = this.peerByPhone(phone);
    if (!peer) return;
    const handOver = () => {
      if (peer.isOnline()) peer.notify(event);
      else if (!live) this.post.hold(phone, from, () => this.tell(phone, from, event));
    };
    if (peer.isOnline()) this.post.travel(phone, handOver);
    else handOver();
  }

  /**
   * A group's metadata for a member's phone, read when it arrives: at once (as the groups' own reads
   * answer it), unless something told to the phone before is still travelling, which it never
   * overtakes (a phone that left a group and joined again at once would otherwise get the group and
   * then the news that it left). Read on arrival, a sync never brings back a group the phone left
   * while it travelled. An offline phone syncs when it connects.
   */
  private syncGroup(phone: string, read: (phone: string) => EngineGroup | null): void {
    const peer = this.peerByPhone(phone);
    if (!peer?.isOnline()) return;
    const handOver = () => {
      const group = read(phone);
      if (group && peer.isOnline()) peer.notify({ type: 'group_upsert', groups: [group] });
    };
    if (this.post.isTravelling(phone)) this.post.travel(phone, handOver);
    else handOver();
  }

  /**
   * What a peer did in a chat reaches the others in it: the other person of a one-to-one chat, or
   * every other member of a group. `make` builds the event with the chat as each one sees it.
   */
  relay(from: SandboxPeer, chatId: string, make: (theirChatId: string) => EngineEvent, live = false): void {
    const myPhone = from.linkedPhone();
    if (!myPhone) return;
    if (isGroupJid(chatId)) {
      const group = this.groups.view(chatId);
      if (!group) return;
      for (const phone of group.participants.map((p) => jidToPhone(p.id))) {
        if (phone && phone !== myPhone) this.tell(phone, from.instanceId, make(chatId), live);
      }
      return;
    }
    const phone = jidToPhone(chatId);
    if (phone) this.tell(phone, from.instanceId, make(phoneToJid(myPhone)), live);
  }

  /** Everyone who sees a phone's online state: linked phones it exchanged messages with, and its groups' members. */
  watchersOf(phone: string): string[] {
    const watchers = new Set(this.acquainted.get(phone) ?? []);
    for (const group of this.groups.ofPhone(phone)) {
      for (const member of group.participants) {
        const p = jidToPhone(member.id);
        if (p) watchers.add(p);
      }
    }
    watchers.delete(phone);
    return [...watchers];
  }

  /** Called by a peer when it comes online: hands over what was held for it. */
  flush(peer: SandboxPeer): void {
    const phone = peer.linkedPhone();
    if (phone) this.post.flush(phone);
  }

  /** A peer read messages in a chat: their senders get `read` receipts. */
  read(reader: SandboxPeer, messageIds: string[]): void {
    for (const id of messageIds) {
      const carried = this.carried.get(id);
      if (!carried?.peer || carried.peer === reader.instanceId) continue;
      this.peers.get(carried.peer)?.receipt(id, carried.chatId, 'read');
    }
  }

  /** What the network remembers of a message it carried, if it still does. */
  carriedMessage(id: string): CarriedMessage | undefined {
    return this.carried.get(id);
  }

  /** The content of a recent message, for forwarding. */
  contentOf(id: string): EngineMessage | undefined {
    return this.contents.get(id);
  }

  private remember(message: EngineMessage, peer: string | null, senderPhone: string): void {
    this.carried.set(message.id, { peer, senderPhone, chatId: message.to, timestamp: message.timestamp });
    if (this.carried.size > CARRIED_MEMORY) this.carried.delete(this.carried.keys().next().value!);
    this.contents.set(message.id, message);
    if (this.contents.size > CONTENT_MEMORY) this.contents.delete(this.contents.keys().next().value!);
  }

  private acquaint(a: string, b: string): void {
    if (!a || !b || a === b) return;
    for (const [x, y] of [[a, b], [b, a]] as const) {
      let set = this.acquainted.get(x);
      if (!set) this.acquainted.set(x, (set = new Set()));
      set.add(y);
    }
  }

  /** Runs `fn` after the simulated network latency; cancelled by close(). */
  later(fn: () => void, ms?: number): void {
    this.post.later(fn, ms);
  }

  close(): void {
    this.post.close();
  }

  private save(): void {
    if (!this.stateFile) return;
    mkdirSync(path.dirname(this.stateFile), { recursive: true });
    const tmp = `${this.stateFile}.tmp`;
    writeFileSync(tmp, JSON.stringify({ groups: this.groups.all() }));
    renameSync(tmp, this.stateFile);
  }
}
