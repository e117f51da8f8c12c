import { isGroupJid, phoneToJid } from '../../ids.js';
import { EngineError, type Account, type AckStatus, type ChatPresence, type EngineGroup, type EngineMessage, type MediaPayload, type MessageKind, type OwnPresence } from '../engine.js';
import { kindOfMime, sandboxMessageId } from './sandbox-basics.js';
import type { Deafness, SandboxSelf } from './sandbox-self.js';

export interface IncomingSimulation {
  /** Phone (digits) of the simulated sender. */
  from: string;
  body?: string;
  name?: string;
  kind?: MessageKind;
  media?: MediaPayload;
  caption?: string;
  groupId?: string;
  /** The id of a message of the chat it replies to. */
  quotedId?: string;
}

/** A message of this instance's store that a control acts on, as the service found it. */
export interface ControlTarget {
  id: string;
  chatId: string;
}

/**
 * What the other side of the simulated network does: the phone that scans, and people who are not
 * sandbox instances (simulated contacts, by phone) writing, editing, deleting, reacting, voting,
 * typing, calling and asking to join groups. The service checks the message a control names is
 * one the person could act on; these only make it happen.
 */
export class SandboxControls {
  constructor(private readonly engine: SandboxSelf) {}

  /** Links the instance as if its QR was scanned by a phone. */
  scan(phone?: string, name?: string): Account {
    return this.engine.link(phone, name);
  }

  /** A simulated contact (or group member) writes to this instance. */
  incoming(sim: IncomingSimulation): string {
    const { engine } = this;
    const network = engine.network;
    const me = engine.requireOpen();
    const from = phoneToJid(sim.from);
    if (sim.groupId) this.requireMyGroup(sim.groupId, me.phone);
    if (sim.groupId) network.groups.addWriter(sim.groupId, sim.from);
    const message: EngineMessage = {
      id: sandboxMessageId(),
      chatId: sim.groupId ?? from,
      from,
      to: sim.groupId ?? me.id,
      fromMe: false,
      kind: sim.kind ?? (sim.media ? kindOfMime(sim.media.mimetype) : 'chat'),
      body: sim.media ? (sim.caption ?? sim.body ?? '') : (sim.body ?? ''),
      timestamp: network.nowSeconds(),
      ...(sim.media ? { media: sim.media } : {}),
      ...(sim.name ? { senderName: sim.name } : {}),
      ...(sim.quotedId ? { quotedId: sim.quotedId } : {}),
    };
    network.carriedIn(message);
    engine.deliver(message);
    return message.id;
  }

  /**
   * Reports a receipt for a message this instance sent, as its recipient's phone would, or
   * (`failed`) WhatsApp refusing it after it took it, with the reason WhatsApp gives.
   */
  ack(messageId: string, status: Extract<AckStatus, 'delivered' | 'read' | 'played' | 'failed'>, error?: string): void {
    this.engine.ctx.emit({ type: 'ack', ack: { id: messageId, status, ...(status === 'failed' ? { error: error ?? 'WhatsApp refused the message' } : {}) } });
  }

  /**
   * Holds WhatsApp's server acks: sends answer `pending` and go no further until released, when
   * each gets its server ack (`sent`) and is delivered as usual.
   */
  serverAcks(hold: boolean): void {
    this.engine.requireOpen();
    this.engine.serverAcks.set(hold);
  }

  createGroup(name: string, participantPhones: string[]): EngineGroup {
    const me = this.engine.requireOpen();
    return this.engine.network.groups.create(me.phone, name, participantPhones);
  }

  /** WhatsApp's reach-out timelock (463): messages to new contacts are refused for `seconds` (0 lifts it). */
  timelock(seconds: number): void {
    this.engine.timelockUntil = seconds > 0 ? Date.now() + seconds * 1000 : null;
  }

  /**
   * Makes the session deaf (or hears again): it stays `open` and the phone still gets every
   * message, but no event reaches Hatline. A reconnect (the engine stopped and started, or a
   * drop) cures it, as it cures a stalled WhatsApp Web session.
   */
  deaf(on: boolean, mode: Deafness = 'silent'): void {
    this.engine.requireOpen();
    this.engine.deafness = on ? mode : null;
  }

  /** Simulates a lost connection: `disconnected` now, back to `open` a moment later. */
  drop(): void {
    this.engine.dropConnection();
  }

  /** The person `from` edits a message they sent. */
  edit(from: string, target: ControlTarget, body: string): void {
    this.emitAs(from, target.chatId, (jid, now) => ({ type: 'message_edit', edit: { id: target.id, chatId: target.chatId, from: jid, body, timestamp: now } }));
  }

  /** The person `from` deletes a message for everyone. */
  revoke(from: string, target: ControlTarget): void {
    this.emitAs(from, target.chatId, (jid, now) => ({ type: 'message_revoke', revoke: { id: target.id, chatId: target.chatId, from: jid, timestamp: now } }));
  }

  /** The person `from` reacts to a message ('' removes the reaction). */
  react(from: string, target: ControlTarget, emoji: string): void {
    this.emitAs(from, target.chatId, (jid, now) => ({ type: 'reaction', reaction: { id: target.id, chatId: target.chatId, from: jid, fromMe: false, emoji, timestamp: now } }));
  }

  /**
   * A vote on a poll: by the person `from` on a poll this instance sent, or (from null) by this
   * instance's own phone on a poll it received, which reaches the poll's other side over the network.
   */
  vote(from: string | null, poll: ControlTarget, selected: string[]): void {
    if (from !== null) {
      this.emitAs(from, poll.chatId, (jid, now) => ({ type: 'poll_vote', vote: { pollId: poll.id, chatId: poll.chatId, voter: jid, selected, timestamp: now } }));
      return;
    }
    const { engine } = this;
    const me = engine.requireOpen();
    const timestamp = engine.network.nowSeconds();
    engine.network.relay(engine, poll.chatId, (chatId) => ({ type: 'poll_vote', vote: { pollId: poll.id, chatId, voter: me.id, selected, timestamp } }));
    // The phone reports its own vote too, as WhatsApp Web does.
    engine.ctx.emit({ type: 'poll_vote', vote: { pollId: poll.id, chatId: poll.chatId, voter: me.id, selected, timestamp } });
  }

  /** The person `from` is typing, recording or stopped (in a group with `groupId`), or comes online or goes offline. */
  presence(from: string, state: ChatPresence | OwnPresence, groupId?: string): void {
    const jid = phoneToJid(from);
    const chat = state === 'available' || state === 'unavailable' ? jid : (groupId ?? jid);
    this.emitAs(from, chat, (_jid, now) => ({
      type: 'presence',
      presence: { chatId: chat, from: jid, state, ...(state === 'unavailable' ? { lastSeen: now } : {}) },
    }));
  }

  /** The person `from` calls this instance; answers the call's id. */
  call(from: string, isVideo: boolean): string {
    this.engine.requireOpen();
    return this.engine.ringing.ring(phoneToJid(from), isVideo, false);
  }

  /** The caller hangs up. */
  endCall(callId: string): void {
    this.engine.requireOpen();
    this.engine.ringing.end(callId);
  }

  /** The person `from` opens the invite link of a group this instance is in: joined, or a request to approve. */
  joinGroup(from: string, groupId: string): 'joined' | 'requested' {
    const me = this.engine.requireOpen();
    this.requireMyGroup(groupId, me.phone);
    return this.engine.network.groups.joinById(groupId, from);
  }

  /** The person `from` leaves a group this instance is in. */
  leaveGroup(from: string, groupId: string): void {
    const me = this.engine.requireOpen();
    const groups = this.requireMyGroup(groupId, me.phone);
    if (!groups.isMember(groupId, from)) throw new EngineError('not_found', `${phoneToJid(from)} is not a member of group ${groupId}`);
    groups.leave(from, groupId);
  }

  /** Makes the account a WhatsApp Business one (labels), or a personal one again. */
  setBusiness(business: boolean): void {
    this.engine.update({ business });
  }

  private requireMyGroup(groupId: string, myPhone: string) {
    const groups = this.engine.network.groups;
    if (!groups.isMember(groupId, myPhone)) throw new EngineError('not_found', `group ${groupId} not found, or this account is not in it`);
    return groups;
  }

  /** Emits what the person `from` did in `chatId` (in a group, they are a member from now on). */
  private emitAs(from: string, chatId: string, make: (jid: string, now: number) => Parameters<SandboxSelf['ctx']['emit']>[0]): void {
    const { engine } = this;
    const me = engine.requireOpen();
    if (isGroupJid(chatId)) {
      this.requireMyGroup(chatId, me.phone);
      engine.network.groups.addWriter(chatId, from);
    }
    engine.ctx.emit(make(phoneToJid(from), engine.network.nowSeconds()));
  }
}
