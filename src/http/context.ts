import type { InstanceState } from '../services/instances/instance-state.js';

/** What middleware puts on the context, typed once. */
export interface AppVariables {
  /** The request's id: in the X-Request-Id answer header, its log line and any error body. */
  requestId: string;
  /** The hash of the token the request authenticated with (rate-limit key). */
  tokenKey: string;
  /** The instance named in the path (routes under /api/instance/:instanceId and /api/sandbox/:instanceId). */
  instance: InstanceState;
}

export interface AppEnv {
  Variables: AppVariables;
}
