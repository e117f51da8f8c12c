import { phoneToJid } from '../../ids.js';
import { EngineError, type Account, type AckStatus, type EngineGroup, type EngineMessage, type MediaPayload, type MessageKind } from '../engine.js';
import { kindOfMime, sandboxMessageId } from './sandbox-capabilities.js';
import type { SandboxSelf } from './sandbox-self.js';

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

/** What the other side of the simulated network does: the phone that scans, contacts that write. */
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
    if (sim.groupId && !network.isMember(sim.groupId, me.phone)) {
      throw new EngineError('not_found', `group ${sim.groupId} not found`);
    }
    if (sim.groupId) network.join(sim.groupId, sim.from);
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
    };
    engine.deliver(message);
    return message.id;
  }

  /** Reports a receipt for a message this instance sent, as its recipient's phone would. */
  ack(messageId: string, status: Extract<AckStatus, 'delivered' | 'read' | 'played'>): void {
    this.engine.ctx.emit({ type: 'ack', ack: { id: messageId, status } });
  }

  createGroup(name: string, participantPhones: string[]): EngineGroup {
    const me = this.engine.requireOpen();
    return this.engine.network.createGroup(me.phone, name, participantPhones);
  }

  /** Simulates a lost connection: `disconnected` now, back to `open` a moment later. */
  drop(): void {
    this.engine.dropConnection();
  }
}
