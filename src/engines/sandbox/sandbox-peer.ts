import type { EngineEvent, EngineMessage } from '../engine.js';

/** What the network tells of a linked account to others (contact info, channel followers). */
export interface PeerProfile {
  name: string;
  about: string | null;
  picture: string | null;
  business: boolean;
  channels: string[];
}

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
  /** Anything else that reaches this peer's phone (group changes, edits, reactions, presence...). */
  notify(event: EngineEvent): void;
  /** The linked account as others see it; null while not linked. */
  peerProfile(): PeerProfile | null;
}
