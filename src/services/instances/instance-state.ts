import type { Account, ConnectionStatus } from '../../engines/engine.js';
import type { EngineName } from '../../engines/registry.js';

/** What the API knows of an instance right now. */
export interface InstanceState {
  id: string;
  description: string;
  engine: EngineName;
  status: ConnectionStatus;
  account: Account | null;
  error: string | null;
  pairingCode: string | null;
  qr: string | null;
  /** The WhatsApp Web build the session last ran (real engines), once it was open. */
  webVersion: string | null;
  /** Until when (unix ms) WhatsApp's reach-out timelock (463) refuses messages to new contacts; null: none known. */
  timelockUntil: number | null;
  createdAt: number;
}

/** Instance ids: what a URL path and a session folder can both hold. */
export const INSTANCE_ID = /^[A-Za-z0-9_-]{1,64}$/;
