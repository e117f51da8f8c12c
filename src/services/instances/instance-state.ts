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
  /** The last time liveness found the instance connected but deaf (since this server started); null: never. */
  lastDeafness: DeafnessNote | null;
  createdAt: number;
  /** The instance group it is filed under (GET /api/instance-groups), or null. */
  groupId: number | null;
}

/**
 * Why an open instance was found deaf: `events_stalled`, its phone holds messages Hatline was
 * never told of; `bridge_down`, its engine says the path its events take is broken.
 */
export type DeafReason = 'events_stalled' | 'bridge_down';

/** What liveness found and did about a deaf instance. */
export interface DeafnessNote {
  reason: DeafReason;
  /** What was seen, in words. */
  detail: string;
  /** Unix ms. */
  detectedAt: number;
  /** When it was open again after the reconnect (unix ms); null until then. */
  recoveredAt: number | null;
}

/** Instance ids: what a URL path and a session folder can both hold. */
export const INSTANCE_ID = /^[A-Za-z0-9_-]{1,64}$/;
