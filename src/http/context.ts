import type { Principal } from '../services/access/principal.js';
import type { InstanceState } from '../services/instances/instance-state.js';
import type { WorkLease } from '../services/instances/instance-work.js';

/** What middleware puts on the context, typed once. */
export interface AppVariables {
  /** The request's id: in the X-Request-Id answer header, its log line and any error body. */
  requestId: string;
  /** Names the token the request authenticated with, for the rate limiter (never the token itself). */
  tokenKey: string;
  /** Who the request acts for: the admin token, an API key or an embed token, with its scope and permissions. */
  principal: Principal;
  /** The instance named in the path (routes under /api/instance/:instanceId and /api/sandbox/:instanceId). */
  instance: InstanceState;
  /** The request's hold on that instance: its deletion waits for the request, and aborts `signal` meanwhile. */
  work: WorkLease;
  /** The client's address as the node that forwarded the request saw it (middleware/forward.ts); unset otherwise. */
  clientAddress: string;
}

export interface AppEnv {
  Variables: AppVariables;
}
