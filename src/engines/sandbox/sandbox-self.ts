import type { Account, EngineContext } from '../engine.js';
import type { SandboxNetwork, SandboxPeer } from './network.js';
import type { SandboxCalls } from './sandbox-calls.js';
import type { SandboxPhone } from './sandbox-phone.js';
import type { SandboxSession } from './sandbox-session.js';
import type { SandboxServerAcks } from './server-acks.js';

/**
 * How a deaf session fails: `silent` stops delivering events while believing all is well;
 * `bridge_down` knows its event bridge is broken (and says so when probed).
 */
export type Deafness = 'silent' | 'bridge_down';

/** What the sandbox's capability groups and controls use of their engine (a peer of the network). */
export interface SandboxSelf extends SandboxPeer {
  readonly instanceId: string;
  readonly ctx: EngineContext;
  readonly network: SandboxNetwork;
  /** WhatsApp's server acks, held by a control (sends then stay `pending`). */
  readonly serverAcks: SandboxServerAcks;
  /** People whose messages this account refuses. */
  readonly blocked: Set<string>;
  /** Chats this account has exchanged a message with (not new contacts for the reach-out timelock). */
  readonly inContact: Set<string>;
  /** Until when (unix ms) WhatsApp refuses messages to new contacts (error 463); null: not locked. */
  timelockUntil: number | null;
  /** Every message the linked phone holds, in and out (what the history capability reads). */
  readonly phone: SandboxPhone;
  /** A session that stopped telling Hatline what happens (the deaf control); null while it works. */
  deafness: Deafness | null;
  /** Calls ringing on this phone. */
  readonly ringing: SandboxCalls;
  /** The account while open; `not_connected` otherwise. */
  requireOpen(): Account;
  /** The phone's own state while open; `not_connected` otherwise. */
  state(): SandboxSession;
  /** Changes the phone's own state and keeps it. */
  update(patch: Partial<Omit<SandboxSession, 'phone'>>): void;
  /** Links the instance to a phone, as a scan of its QR does. */
  link(phone: string | undefined, name: string | undefined): Account;
  /** A lost connection: `disconnected` now, back to `open` a moment later. */
  dropConnection(): void;
}
